"""Open-data loader for the Strategic Action Plan framework (data/strategic-plan-*.yaml)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from metroscope.core.loading import LoadError, LoadReport, at_row, read_yaml, sync
from metroscope.plan import models as m

PLAN_FILE = "strategic-plan-2021-2023.yaml"
I18N_FILE = "strategic-plan-2021-2023.i18n.yaml"
LANGS = ("fr", "es")
# The plan's headline figures we keep, quoted on pages with the plan as their source.
FIGURE_KEYS = (
    "members",
    "countries",
    "people_reached_millions",
    "urban_leaders_engaged_per_year",
    "experts_collaborating",
    "social_media_followers",
    "observatory_metropolitan_spaces",
    "observatory_members_covered",
    "observatory_indicators",
)


class _Doc:
    """The plan YAML with lookups that fail with the file and the path of the missing key."""

    def __init__(self, path: Path, data: Any, i18n: dict[str, Any]) -> None:
        if not isinstance(data, dict):
            raise LoadError(path, "expected a mapping at the top level")
        self.path = path
        self.data = data
        self.i18n = i18n

    def need(self, node: Any, key: str, where: str) -> Any:
        if not isinstance(node, dict) or key not in node or node[key] in (None, ""):
            raise LoadError(self.path, f"missing {where}.{key}")
        return node[key]

    def texts(
        self, field: str, section: str, key: str, english: str, sub: str | None = None
    ) -> dict[str, str]:
        entry = (self.i18n.get(section) or {}).get(key) or {}
        if sub is not None:
            entry = entry.get(sub) or {}
        out = {f"{field}_en": english}
        for lang in LANGS:
            out[f"{field}_{lang}"] = str(entry.get(lang) or "")
        return out


def load_plan_data(data_dir: Path, report: LoadReport) -> None:
    path = data_dir / PLAN_FILE
    i18n_path = data_dir / I18N_FILE
    i18n = read_yaml(i18n_path) if i18n_path.exists() else {}
    doc = _Doc(path, read_yaml(path), i18n or {})
    plan = _load_plan(doc, report)
    _load_named(doc, plan, m.Theme, "orienting_themes", report)
    for challenge, item in _load_named(doc, plan, m.Challenge, "challenges", report):
        for order, topic in enumerate(item.get("topics") or [], start=1):
            code = f"{challenge.code}.{order}"
            sync(
                m.ChallengeTopic,
                report,
                lookup={"challenge": challenge, "code": code},
                values={"order": order, **doc.texts("name", "challenge_topics", code, str(topic))},
            )
    _load_named(doc, plan, m.CrossCuttingFactor, "cross_cutting_factors", report)
    _load_named(doc, plan, m.OutcomeKind, "outcome_kinds", report)
    _load_lines(doc, plan, report)
    _load_programs(doc, plan, report)
    _load_milestones(doc, plan, report)
    _load_averages(doc, plan, report)
    figures = doc.need(doc.data["plan"], "headline_figures", "plan")
    for key in FIGURE_KEYS:
        value = doc.need(figures, key, "plan.headline_figures")
        sync(
            m.HeadlineFigure,
            report,
            lookup={"plan": plan, "key": key},
            values={"value": float(value)},
        )


def _load_plan(doc: _Doc, report: LoadReport) -> m.StrategicPlan:
    node = doc.need(doc.data, "plan", "")
    period = doc.need(node, "period", "plan")
    values: dict[str, Any] = {
        "start_year": int(doc.need(period, "start", "plan.period")),
        "end_year": int(doc.need(period, "end", "plan.period")),
    }
    for field in ("title", "organisation", "vision", "mission", "evaluation"):
        english = str(doc.need(node, field, "plan")).strip()
        values.update(doc.texts(field, "plan", field, english))
    with at_row(doc.path, None):
        return sync(
            m.StrategicPlan, report, lookup={"code": doc.need(node, "code", "plan")}, values=values
        )


def _load_named(
    doc: _Doc, plan: m.StrategicPlan, model: type[m.PlanItem], section: str, report: LoadReport
) -> list[tuple[Any, dict[str, Any]]]:
    items = doc.need(doc.data, section, "")
    seen: set[str] = set()
    out = []
    for order, item in enumerate(items, start=1):
        code = str(doc.need(item, "code", f"{section}[{order}]"))
        if code in seen:
            raise LoadError(doc.path, f"duplicate code {code!r} in {section}")
        seen.add(code)
        name = str(doc.need(item, "name", f"{section}[{order}]"))
        obj = sync(
            model,
            report,
            lookup={"plan": plan, "code": code},
            values={"order": order, **doc.texts("name", section, code, name)},
        )
        out.append((obj, item))
    return out


def _load_lines(doc: _Doc, plan: m.StrategicPlan, report: LoadReport) -> None:
    for line, item in _load_named(doc, plan, m.ActionLine, "action_lines", report):
        for order, idea in enumerate(item.get("key_ideas") or [], start=1):
            sync(
                m.KeyIdea,
                report,
                lookup={"line": line, "order": order},
                values=doc.texts("text", "key_ideas", f"{line.code}.{order}", str(idea)),
            )
        axes = doc.need(item, "axes", f"action_lines.{line.code}")
        for axis_order, axis_item in enumerate(axes, start=1):
            where = f"action_lines.{line.code}.axes[{axis_order}]"
            code = str(doc.need(axis_item, "code", where))
            if not code.startswith(f"{line.code}."):
                raise LoadError(doc.path, f"axis {code!r} is not under line {line.code!r}")
            axis = sync(
                m.Axis,
                report,
                lookup={"line": line, "code": code},
                values={
                    "order": axis_order,
                    **doc.texts("name", "axes", code, str(doc.need(axis_item, "name", where))),
                },
            )
            for order, text in enumerate(doc.need(axis_item, "outcomes", where), start=1):
                outcome_code = f"{code}.{order}"
                sync(
                    m.Outcome,
                    report,
                    lookup={"axis": axis, "code": outcome_code},
                    values={
                        "order": order,
                        **doc.texts("text", "outcomes", outcome_code, str(text)),
                    },
                )


def _load_programs(doc: _Doc, plan: m.StrategicPlan, report: LoadReport) -> None:
    for order, item in enumerate(doc.need(doc.data, "programs", ""), start=1):
        code = str(doc.need(item, "code", f"programs[{order}]"))
        sync(
            m.Program,
            report,
            lookup={"plan": plan, "code": code},
            values={
                "order": order,
                **doc.texts(
                    "name", "programs", code, str(doc.need(item, "name", code)), sub="name"
                ),
                **doc.texts("does", "programs", code, str(item.get("does") or ""), sub="does"),
            },
        )


def _load_milestones(doc: _Doc, plan: m.StrategicPlan, report: LoadReport) -> None:
    per_year: dict[int, int] = {}
    for index, item in enumerate(doc.need(doc.data, "milestones", ""), start=1):
        year = int(doc.need(item, "year", f"milestones[{index}]"))
        per_year[year] = per_year.get(year, 0) + 1
        order = per_year[year]
        event = str(doc.need(item, "event", f"milestones[{index}]"))
        sync(
            m.Milestone,
            report,
            lookup={"plan": plan, "year": year, "order": order},
            values=doc.texts("event", "milestones", f"{year}.{order}", event),
        )


def _load_averages(doc: _Doc, plan: m.StrategicPlan, report: LoadReport) -> None:
    for order, item in enumerate(doc.need(doc.data, "observatory_headline_averages", ""), 1):
        where = f"observatory_headline_averages[{order}]"
        key = str(order)
        value = doc.need(item, "value", where)
        if not isinstance(value, int | float):
            raise LoadError(doc.path, f"{where}.value: {value!r} is not a number")
        sync(
            m.HeadlineAverage,
            report,
            lookup={"plan": plan, "order": order},
            values={
                "value": float(value),
                **doc.texts(
                    "indicator",
                    "observatory_headline_averages",
                    key,
                    str(doc.need(item, "indicator", where)),
                    sub="indicator",
                ),
                **doc.texts(
                    "unit",
                    "observatory_headline_averages",
                    key,
                    str(doc.need(item, "unit", where)),
                    sub="unit",
                ),
                **doc.texts(
                    "note",
                    "observatory_headline_averages",
                    key,
                    str(item.get("note") or ""),
                    sub="note",
                ),
            },
        )
