"""Reads of the opportunity matrix and member engagement.

The matrix lives on floor 4 (accountability) because it reads the highest floor it combines:
activities and expenses here, solutions through the Exchange's (floor 3) selectors.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, Sum

from metroscope.exchange import selectors as exchange_selectors
from metroscope.members.models import Member, Region
from metroscope.plan import models as framework
from metroscope.plan import selectors as plan_selectors
from metroscope.plan.accountability import dashboards
from metroscope.plan.accountability.ledger import Expense
from metroscope.plan.accountability.models import Activity


def _years_q(years: Iterable[int] | None, lookup: str) -> Q:
    return Q() if years is None else Q(**{f"{lookup}__in": list(years)})


def spending_by_activity(*, years: Iterable[int] | None) -> dict[int, Decimal]:
    """EUR spent per activity, expenses counted by the year of their date (one query)."""
    rows = (
        Expense.objects.filter(_years_q(years, "date__year"))
        .order_by()
        .values("activity_id")
        .annotate(total=Sum("amount_eur"))
        .values_list("activity_id", "total")
    )
    return {pk: total or Decimal(0) for pk, total in rows}


@dataclass
class MatrixView:
    challenges: list[framework.PlanItem]
    themes: list[framework.PlanItem]
    rows: list[tuple[framework.PlanItem, list[dashboards.Cell]]]
    activities: int  # activities of the chosen years with at least one cell
    solutions: int
    spending_eur: Decimal
    illustrative: bool


def opportunity_matrix(*, plan: framework.StrategicPlan, years: Iterable[int] | None) -> MatrixView:
    """Challenges × themes with activities, spending and solutions per cell (six queries)."""
    years = None if years is None else list(years)
    challenges = list(plan_selectors.plan_items(plan=plan, model=framework.Challenge))
    themes = list(plan_selectors.plan_items(plan=plan, model=framework.Theme))
    activity_rows = (
        Activity.objects.filter(_years_q(years, "work_plan__year"))
        .order_by()
        .values_list("pk", "themes__code", "challenges__code")
    )
    solution_rows = (
        exchange_selectors.published()
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
    illustrative = Expense.objects.filter(_years_q(years, "date__year"), illustrative=True)
    return MatrixView(
        challenges=challenges,
        themes=themes,
        rows=list(zip(challenges, grid, strict=True)),
        activities=len(in_cells),
        solutions=len(with_solutions),
        spending_eur=sum((spending.get(pk, Decimal(0)) for pk in in_cells), Decimal(0)),
        illustrative=illustrative.exists(),
    )


@dataclass
class EngagementView:
    engagement: dashboards.Engagement
    regions: list[Region]
    activity_titles: dict[int, str]


def member_engagement(*, years: Iterable[int] | None) -> EngagementView:
    """Activities per member and region, and the members never reached (four queries)."""
    years = None if years is None else list(years)
    regions = list(Region.objects.order_by("order", "name"))
    members = Member.objects.order_by("name").values_list("pk", "name", "country__region__code")
    links = Activity.members.through.objects.filter(
        _years_q(years, "activity__work_plan__year")
    ).values_list("activity_id", "member_id")
    result = dashboards.engagement(members=members, regions=[r.code for r in regions], links=links)
    touched = {a for row in result.members for a in row.activities}
    titles = dict(Activity.objects.filter(pk__in=touched).values_list("pk", "title"))
    return EngagementView(engagement=result, regions=regions, activity_titles=titles)
