"""Reads of the opportunity matrix and member engagement.

The matrix lives on floor 4 (accountability) because it reads the highest floor it combines:
activities and expenses here, solutions through the Exchange's (floor 3) selectors.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import reduce

from django.db.models import Q

from metroscope.accountability import version as ledger_version
from metroscope.accountability.activities.models import Activity
from metroscope.accountability.dashboards import analytics as dashboards
from metroscope.accountability.ledger import selectors as accounts
from metroscope.accountability.ledger.models import Expense
from metroscope.exchange import selectors as exchange_selectors
from metroscope.members.models import Member, Region
from metroscope.plan import models as framework
from metroscope.plan import selectors as plan_selectors


def _years_q(years: Iterable[int] | None, lookup: str) -> Q:
    return Q() if years is None else Q(**{f"{lookup}__in": list(years)})


def dates_in(years: Iterable[int] | None, lookup: str = "date") -> Q:
    """Dates in any of the years, as ranges (an index serves them; `__year__in` makes the
    database compute each row's year)."""
    if years is None:
        return Q()
    ranges = [
        Q(**{f"{lookup}__gte": dt.date(year, 1, 1), f"{lookup}__lte": dt.date(year, 12, 31)})
        for year in sorted(set(years))
    ]
    return reduce(operator.or_, ranges) if ranges else Q(pk__in=[])


def spending_by_activity(*, years: Iterable[int] | None) -> dict[int, Decimal]:
    """EUR spent per activity, expenses counted by the year of their date (one query, summed
    exactly in cents by the database)."""
    rows = accounts.by_activity(Expense.objects.filter(dates_in(years)))
    return {pk: total for pk, total, _flag, _n in rows}


@dataclass
class MatrixView:
    challenges: list[framework.PlanItem]
    themes: list[framework.PlanItem]
    rows: list[tuple[framework.PlanItem, list[dashboards.Cell]]]
    activities: int  # activities of the chosen years with at least one cell
    solutions: int
    spending_eur: Decimal
    illustrative: bool
    untagged: int = 0  # activities of the chosen years in no cell (no theme or no challenge)


def opportunity_matrix(*, plan: framework.StrategicPlan, years: Iterable[int] | None) -> MatrixView:
    """Challenges × themes with activities, spending and solutions per cell. The Exchange's
    solutions are read on every request (one query) and are part of the key; the rest is
    computed once per version of the plan's data (six queries)."""
    years = None if years is None else sorted(set(years))
    solution_rows = tuple(
        exchange_selectors.published()
        .order_by()
        .values_list("pk", "themes__code", "challenges__code")
    )
    key = (plan.pk, None if years is None else tuple(years), solution_rows)
    return ledger_version.cached(
        "opportunity_matrix", key, lambda: _opportunity_matrix(plan, years, solution_rows)
    )


def _opportunity_matrix(
    plan: framework.StrategicPlan,
    years: list[int] | None,
    solution_rows: tuple[tuple[int, str | None, str | None], ...],
) -> MatrixView:
    challenges = list(plan_selectors.plan_items(plan=plan, model=framework.Challenge))
    themes = list(plan_selectors.plan_items(plan=plan, model=framework.Theme))
    activity_rows = tuple(
        Activity.objects.filter(_years_q(years, "work_plan__year"))
        .order_by()
        .values_list("pk", "themes__code", "challenges__code")
    )
    spending = spending_by_activity(years=years)
    grid = dashboards.opportunity_matrix(
        challenges=[c.code for c in challenges],
        themes=[t.code for t in themes],
        activities=dashboards.tagged(activity_rows),
        spending=spending,
        solutions=dashboards.tagged(solution_rows),
    )
    in_cells = {pk for row in grid for cell in row for pk in cell.activities}
    with_solutions = {pk for row in grid for cell in row for pk in cell.solutions}
    illustrative = Expense.objects.filter(dates_in(years), illustrative=True)
    return MatrixView(
        challenges=challenges,
        themes=themes,
        rows=list(zip(challenges, grid, strict=True)),
        activities=len(in_cells),
        solutions=len(with_solutions),
        spending_eur=sum((spending.get(pk, Decimal(0)) for pk in in_cells), Decimal(0)),
        illustrative=illustrative.exists(),
        untagged=len({row[0] for row in activity_rows} - in_cells),
    )


SHOWN_PER_MEMBER = 5  # activities named on a member's row; a link lists them all


@dataclass
class EngagementView:
    engagement: dashboards.Engagement
    regions: list[Region]
    activity_titles: dict[int, str]  # of the activities named on the members' rows
    codes: dict[int, str] = field(default_factory=dict)  # member pk → code, for the links


def member_engagement(*, years: Iterable[int] | None) -> EngagementView:
    """Activities per member and region, and the members never reached. The members and
    regions (another app's tables) are read on every request (two queries) and are part of the
    key; the links to activities are read once per version of the plan's data."""
    years = None if years is None else sorted(set(years))
    regions = list(Region.objects.order_by("order", "name"))
    members = tuple(
        Member.objects.order_by("name").values_list("pk", "name", "country__region__code", "code")
    )
    key = (None if years is None else tuple(years), tuple(r.code for r in regions), members)

    def compute() -> tuple[dashboards.Engagement, dict[int, str]]:
        links = Activity.members.through.objects.filter(
            _years_q(years, "activity__work_plan__year")
        ).values_list("activity_id", "member_id")
        result = dashboards.engagement(
            members=[m[:3] for m in members], regions=[r.code for r in regions], links=links
        )
        named = {a for row in result.members for a in row.activities[:SHOWN_PER_MEMBER]}
        return result, dict(Activity.objects.filter(pk__in=named).values_list("pk", "title"))

    result, titles = ledger_version.cached("member_engagement", key, compute)
    return EngagementView(
        engagement=result,
        regions=regions,
        activity_titles=titles,
        codes={pk: code for pk, *_, code in members},
    )
