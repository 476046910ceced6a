"""The sections of the Board report, in order: each a title, a template and a function that
gathers its figures. A new section is one more entry in SECTIONS."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.template.defaultfilters import floatformat
from django.templatetags.static import static
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from metroscope.accountability.activities import analytics as progress
from metroscope.accountability.activities import selectors
from metroscope.accountability.activities.models import ActivityStatus
from metroscope.accountability.carbon import charts as carbon_charts
from metroscope.accountability.dashboards import analytics as dashboards
from metroscope.accountability.dashboards import charts
from metroscope.accountability.dashboards import selectors as dashboard_selectors
from metroscope.accountability.ledger import charts as ledger_charts
from metroscope.accountability.ledger import selectors as accounts
from metroscope.accountability.ledger.models import FundingKind, SpendCategory
from metroscope.accountability.people import charts as register_charts
from metroscope.accountability.people import selectors as people_selectors
from metroscope.accountability.report import figures, listing
from metroscope.accountability.risks import selectors as risk_selectors
from metroscope.accountability.templatetags.plan_accounts import tonnes
from metroscope.core import chart_render
from metroscope.core.charts import world_map
from metroscope.members.models import Member
from metroscope.plan import models as framework


@dataclass
class Scope:
    """What one report covers; figures shared by several sections are computed once."""

    plan: framework.StrategicPlan
    years: list[int]
    language: str
    on: dt.date
    mandate: bool = False
    cache: dict[str, Any] = field(default_factory=dict)

    def get(self, key: str, compute: Callable[[list[int]], Any]) -> Any:
        if key not in self.cache:
            self.cache[key] = compute(self.years)
        return self.cache[key]

    def svg(self, spec: dict[str, Any]) -> str:
        return chart_render.to_svg(spec, language=self.language)

    @property
    def label(self) -> str:
        first, last = self.years[0], self.years[-1]
        return str(first) if first == last else f"{first}–{last}"


@dataclass(frozen=True)
class Section:
    key: str
    title: Promise
    template: str
    build: Callable[[Scope], dict[str, Any]]
    mandate_only: bool = False


def _engagement(years: list[int]) -> dashboard_selectors.EngagementView:
    return dashboard_selectors.member_engagement(years=years)


def summary(scope: Scope) -> dict[str, Any]:
    acts = scope.get("activities", figures.activities)
    completed = sum(1 for a in acts if a.status == ActivityStatus.COMPLETED)
    return {
        "activities": acts,
        "completed": completed,
        "finances": scope.get("finances", figures.finances),
        "funding": scope.get("funding", figures.funding),
        "carbon": scope.get("carbon", figures.travel),
        "engagement": scope.get("engagement", _engagement).engagement,
    }


def plan_progress(scope: Scope) -> dict[str, Any]:
    tree = selectors.progress_tree(plan=scope.plan, on=scope.on, years=scope.years)
    return {"tree": tree, "rule": progress.RULE, "years": scope.years}


def activity_list(scope: Scope) -> dict[str, Any]:
    """The annex: every activity with the money and travel the totals sum for it, one line
    each (listing.py says why)."""
    money = scope.get("finances", figures.finances)
    travel_ = scope.get("carbon", figures.travel)
    data = figures.annex(scope.get("activities", figures.activities), money, travel_)
    statuses = dict(ActivityStatus.choices)
    columns = [
        listing.Column(gettext("No."), 6),
        listing.Column(gettext("Year"), 5),
        listing.Column(gettext("Activity"), 56),
        listing.Column(gettext("Status"), 10),
        listing.Column(gettext("Axis"), 6),
        listing.Column(gettext("Members"), 8, right=True),
        listing.Column(gettext("Budget (EUR)"), 14, right=True),
        listing.Column(gettext("Spent (EUR)"), 15, right=True),
        listing.Column(gettext("Expenses"), 8, right=True),
        listing.Column(gettext("Trips"), 6, right=True),
        listing.Column(gettext("kg CO2e"), 10, right=True),
        listing.Column(gettext("t CO2e avoided (estimate)"), 10, right=True),
    ]
    rows = []
    for row in data.rows:
        a = row.activity
        label = f"#{a.pk}"
        text = listing.line(
            columns,
            [
                label,
                f"{a.work_plan.year}{'' if row.in_period else '*'}",
                a.title,
                statuses.get(a.status, a.status),
                a.axis.code if a.axis else "—",
                a.member_count,  # type: ignore[attr-defined]  # annotated by figures
                floatformat(row.budget_eur, "2g"),
                floatformat(row.actual_eur, "2g"),
                row.expenses,
                row.trips,
                floatformat(row.kg_co2e, "0g"),
                "" if row.avoided_kg is None else tonnes(row.avoided_kg),
            ],
        )
        rows.append((a.pk, label, text[len(label) :]))
    total = listing.line(
        columns,
        [
            gettext("Total"),
            "",
            data.activities,
            "",
            "",
            "",
            floatformat(money.budget_eur, "2g"),
            floatformat(money.actual_eur, "2g"),
            money.expenses,
            travel_.trips,
            floatformat(travel_.kg_co2e, "0g"),
            tonnes(data.avoided_kg),
        ],
    )
    return {
        "header": listing.header(columns),
        "rule": listing.rule(columns),
        "rows": rows,
        "total": total,
        "others": len(data.rows) != data.activities,
    }


def finances(scope: Scope) -> dict[str, Any]:
    return {
        "finances": scope.get("finances", figures.finances),
        "labels": accounts.plan_labels(),
        "categories": dict(SpendCategory.choices),
    }


def funding(scope: Scope) -> dict[str, Any]:
    data = scope.get("funding", figures.funding)
    return {
        "funding": data,
        "kinds": dict(FundingKind.choices),
        "chart": scope.svg(ledger_charts.funding_mix_chart(data.mix)) if data.mix else "",
    }


def travel(scope: Scope) -> dict[str, Any]:
    data = scope.get("carbon", figures.travel)
    return {
        "carbon": data,
        "labels": accounts.plan_labels(),
        "chart": scope.svg(carbon_charts.emissions_chart(data.by_year)) if data.by_year else "",
    }


def engagement(scope: Scope) -> dict[str, Any]:
    view = scope.get("engagement", _engagement)
    reached = {row.pk for row in view.engagement.members if row.activities}
    yes, no = str(_("Reached")), str(_("Never reached"))
    points = [
        {"name": name, "latitude": lat, "longitude": lon, "group": yes if pk in reached else no}
        | {"detail": yes if pk in reached else no, "url": ""}
        for pk, name, lat, lon in Member.objects.values_list("pk", "name", "latitude", "longitude")
    ]
    world = world_map(
        points,  # type: ignore[arg-type]
        outline_url=static("geo/countries-110m.json"),
        group_title=str(_("Members")),
        description=str(_("Members reached by the activities")),
        height=300,
    )
    return {
        "view": view,
        "region_names": {r.code: r.name for r in view.regions},
        "chart": scope.svg(charts.engagement_chart(charts.engagement_rows(view))),
        "map": scope.svg(world),
        "rule": dashboards.ENGAGEMENT_RULE,
    }


def gender(scope: Scope) -> dict[str, Any]:
    """The gender balance of participants, speakers and statutory bodies in the report's
    years (the /plan/people/ page's figures), and participants by role for a one-year report."""
    single = scope.years[0] if len(scope.years) == 1 else None
    overview = people_selectors.people_overview(year=single)
    balance = [b for b in overview.balance if b.year in scope.years]
    return {
        "balance": balance,
        "by_role": overview.by_role if single else [],
        "groups": register_charts.group_labels(),
        "illustrative": overview.illustrative,
        "chart": scope.svg(register_charts.gender_balance_chart(balance))
        if register_charts.has_shares(balance)
        else "",
    }


def risk_register(scope: Scope) -> dict[str, Any]:
    """The register as it stands on the day the report is made, with the heat map of open
    risks (the /plan/risks/ page's figures); a line a risk, long texts wrapped."""
    overview = risk_selectors.risk_overview()
    columns = [
        listing.Column(gettext("Risk"), 58, wrap=True),
        listing.Column(gettext("Category"), 20, wrap=True),
        listing.Column(gettext("Likelihood"), 11, right=True),
        listing.Column(gettext("Impact"), 6, right=True),
        listing.Column(gettext("Score"), 5, right=True),
        listing.Column(gettext("Owner"), 20, wrap=True),
        listing.Column(gettext("Mitigation"), 28, wrap=True),
        listing.Column(gettext("Status"), 15, wrap=True),
    ]
    rows = [
        listing.row(
            columns,
            [
                r.title,
                r.get_category_display(),
                r.likelihood,
                r.impact,
                r.score,
                r.owner,
                r.mitigation or "—",
                r.get_status_display(),
            ],
        )
        for r in overview.risks
    ]
    return {
        "header": listing.header(columns),
        "rule": listing.rule(columns),
        "rows": rows,
        "overview": overview,
        "illustrative": overview.illustrative,
        "chart": scope.svg(register_charts.heat_map_chart(overview.cells))
        if overview.open_count
        else "",
    }


def year_on_year(scope: Scope) -> dict[str, Any]:
    """One column per year of the mandate: the summary's figures, year by year."""
    columns = []
    for year in scope.years:
        one = Scope(plan=scope.plan, years=[year], language=scope.language, on=scope.on)
        columns.append({"year": year, **summary(one)})
    return {"columns": columns}


SECTIONS: list[Section] = [
    Section("summary", _("Summary"), "accountability/report/_summary.html", summary),
    Section(
        "year-on-year",
        _("Year on year"),
        "accountability/report/_year_on_year.html",
        year_on_year,
        mandate_only=True,
    ),
    Section(
        "progress",
        _("Progress against the plan"),
        "accountability/report/_progress.html",
        plan_progress,
    ),
    Section("finances", _("Finances"), "accountability/report/_finances.html", finances),
    Section(
        "funding",
        _("Funding mix and diversification"),
        "accountability/report/_funding.html",
        funding,
    ),
    Section("carbon", _("Travel emissions"), "accountability/report/_carbon.html", travel),
    Section("gender", _("Gender balance"), "accountability/report/_gender.html", gender),
    Section("risks", _("Risks"), "accountability/report/_risks.html", risk_register),
    Section(
        "engagement", _("Members engaged"), "accountability/report/_engagement.html", engagement
    ),
    # last: the annex, one row per activity with what each total sums for it
    Section("activities", _("Activities"), "accountability/report/_activities.html", activity_list),
]
