"""The Observatory's sources (sources.csv) and indicator catalogue (indicators.yaml), with each
indicator's texts in every language, its links to the plan and its reference values."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.db import models

from metroscope.core.loading import LoadError, LoadReport, read_csv, read_yaml, sync
from metroscope.observatory.models import (
    UNIT_RANGES,
    Direction,
    Indicator,
    IndicatorTheme,
    ReferenceKind,
    ReferenceValue,
    Sex,
    Source,
    UmfDomain,
    UmfObjective,
    Unit,
)
from metroscope.plan.models import Challenge, Theme

LANGS = ("en", "fr", "es")


def load_sources(path: Path, report: LoadReport) -> dict[str, Source]:
    fields = ("publisher", "title", "url", "licence", "released", "note", "citation")
    rows = read_csv(path, ["code", *fields])
    result = {}
    for row in rows:
        values = {k: row[k] for k in fields}
        result[row["code"]] = sync(Source, report, lookup={"code": row["code"]}, values=values)
    return result


def _texts(path: Path, item: dict[str, Any], key: str, line: int) -> dict[str, str]:
    texts = item.get(key) or {}
    missing = [lang for lang in LANGS if not str(texts.get(lang, "")).strip()]
    if missing:
        raise LoadError(path, f"{item.get('code')}: {key} lacks {', '.join(missing)}", row=line)
    return {f"{key}_{lang}": str(texts[lang]).strip() for lang in LANGS}


def _choice(path: Path, item: dict[str, Any], key: str, choices: type[models.TextChoices]) -> str:
    value = item.get(key)
    if value not in choices.values:
        raise LoadError(
            path,
            f"{item.get('code')}: {key} {value!r} is not one of {', '.join(choices.values)}",
        )
    return str(value)


def load_indicators(path: Path, report: LoadReport) -> dict[str, Indicator]:
    data = read_yaml(path) or {}
    themes = {t.code: t for t in Theme.objects.all()}
    challenges = {c.code: c for c in Challenge.objects.all()}
    result: dict[str, Indicator] = {}
    for order, item in enumerate(data.get("indicators") or [], start=1):
        code = str(item.get("code") or "")
        if not code or code in result:
            raise LoadError(path, f"indicator #{order}: missing or repeated code {code!r}")
        sexes = list(item.get("sexes") or [])
        if not sexes or any(s not in Sex.values for s in sexes):
            raise LoadError(path, f"{code}: sexes {sexes!r} must be a subset of {Sex.values}")
        umf = item.get("umf") or {}
        values: dict[str, Any] = {
            **_texts(path, item, "name", order),
            **_texts(path, item, "definition", order),
            **_texts(path, item, "methodology", order),
            "theme": _choice(path, item, "theme", IndicatorTheme),
            "unit": _choice(path, item, "unit", Unit),
            "direction": _choice(path, item, "direction", Direction),
            "decimals": int(item.get("decimals", 1)),
            "sexes": sexes,
            "min_value": item["min"] if "min" in item else UNIT_RANGES[item["unit"]][0],
            "max_value": item["max"] if "max" in item else UNIT_RANGES[item["unit"]][1],
            "sdg_targets": [str(t) for t in item.get("sdg_targets") or []],
            "umf_domain": _choice(path, umf, "domain", UmfDomain) if umf else "",
            "umf_objective": _choice(path, umf, "objective", UmfObjective) if umf else "",
            "headline": item.get("headline") or "",
            "order": order,
        }
        values["name"], values["definition"] = values["name_en"], values["definition_en"]
        values["methodology"] = values["methodology_en"]
        indicator = sync(Indicator, report, lookup={"code": code}, values=values)
        for field, table, codes in (
            ("plan_themes", themes, item.get("plan_themes") or []),
            ("plan_challenges", challenges, item.get("plan_challenges") or []),
        ):
            unknown = [c for c in codes if c not in table]
            if unknown:
                raise LoadError(path, f"{code}: unknown {field} {', '.join(unknown)}")
            wanted = {table[c].pk for c in codes}
            manager = getattr(indicator, field)
            if set(manager.values_list("pk", flat=True)) != wanted:
                manager.set(wanted)
        _load_references(path, indicator, item.get("references") or [], report)
        result[code] = indicator
    return result


def _load_references(
    path: Path, indicator: Indicator, items: list[dict[str, Any]], report: LoadReport
) -> None:
    """The catalogue's reference values of one indicator; ones staff added in the admin (other
    codes) are left alone."""
    for order, item in enumerate(items, start=1):
        ref = f"{indicator.code}: reference #{order}"
        code = str(item.get("code") or "")
        if not code:
            raise LoadError(path, f"{ref} has no code")
        try:
            value = float(item["value"])
        except (KeyError, TypeError, ValueError):
            raise LoadError(path, f"{ref} ({code}): value must be a number") from None
        source = str(item.get("source") or "").strip()
        if not source:
            raise LoadError(path, f"{ref} ({code}): the source is required")
        labels = _texts(path, {**item, "code": f"{indicator.code}/{code}"}, "label", order)
        values: dict[str, Any] = {
            **labels,
            "label": labels["label_en"],
            "kind": _choice(path, {**item, "code": ref}, "kind", ReferenceKind),
            "value": value,
            "year": int(item["year"]) if item.get("year") else None,
            "source": source,
            "url": str(item.get("url") or ""),
            "order": order,
        }
        sync(ReferenceValue, report, lookup={"indicator": indicator, "code": code}, values=values)
