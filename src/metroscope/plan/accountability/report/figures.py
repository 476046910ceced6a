"""The figures of the Board report for a set of years, each total with the records it sums.

Money is summed in the database by activity and category (so 500,000 expenses stay a few
thousand rows), then handed to the pure functions of money.py; the annexes list those rows, so
every total in the report is the sum of lines the reader can follow to an activity.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Sum

from metroscope.plan.accountability import accounts, carbon, money
from metroscope.plan.accountability.ledger import BudgetLine, Expense, FundingSource, Trip
from metroscope.plan.accountability.models import Activity

ZERO = Decimal(0)


@dataclass
class ActivityMoney:
    """One annex row: an activity's budget and spending in the years, and its expense count."""

    activity: Activity
    budget_eur: Decimal = ZERO
    actual_eur: Decimal = ZERO
    expenses: int = 0


@dataclass
class Finances:
    rows: list[ActivityMoney]  # activities with a budget or an expense, in activity order
    by_line: list[money.BudgetRow]
    by_axis: list[money.BudgetRow]
    by_category: list[tuple[str, Decimal]]
    budget_eur: Decimal
    actual_eur: Decimal
    expenses: int
    illustrative: bool


def activities(years: list[int]) -> list[Activity]:
    return list(
        Activity.objects.filter(work_plan__year__in=years)
        .select_related("work_plan", "axis__line", "program")
        .annotate(member_count=Count("members", distinct=True))
        .order_by("work_plan__year", "start_date", "title", "pk")
    )


def finances(years: list[int]) -> Finances:
    """Budget lines by their year, expenses by the year of their date (four queries)."""
    budgets = list(
        BudgetLine.objects.filter(year__in=years)
        .order_by()
        .values_list("activity_id", "amount_eur", "illustrative")
    )
    spent = list(
        Expense.objects.filter(date__year__in=years)
        .order_by()
        .values("activity_id", "category", "illustrative")
        .annotate(total=Sum("amount_eur"), n=Count("pk"))
        .values_list("activity_id", "category", "illustrative", "total", "n")
    )
    places = accounts.activity_places()
    per: dict[int, ActivityMoney] = {}
    touched = {pk for pk, *_ in budgets} | {pk for pk, *_ in spent}
    for a in Activity.objects.filter(pk__in=touched).select_related("work_plan"):
        per[a.pk] = ActivityMoney(a)
    for pk, amount, _flag in budgets:
        per[pk].budget_eur += amount
    by_category: dict[str, Decimal] = defaultdict(Decimal)
    for pk, category, _flag, total, n in spent:
        per[pk].actual_eur += total
        per[pk].expenses += n
        by_category[category] += total

    def place(pk: int, index: int) -> str:
        return places.get(pk, (accounts.UNCLASSIFIED, accounts.UNCLASSIFIED))[index] or "—"

    rows = sorted(per.values(), key=lambda r: (r.activity.start_date is None, r.activity.pk))
    return Finances(
        rows=rows,
        by_line=money.budget_vs_actual(
            [(place(pk, 0), a) for pk, a, _ in budgets],
            [(place(pk, 0), t) for pk, _c, _f, t, _n in spent],
        ),
        by_axis=money.budget_vs_actual(
            [(place(pk, 1), a) for pk, a, _ in budgets],
            [(place(pk, 1), t) for pk, _c, _f, t, _n in spent],
        ),
        by_category=sorted(by_category.items()),
        budget_eur=sum((r.budget_eur for r in rows), ZERO),
        actual_eur=sum((r.actual_eur for r in rows), ZERO),
        expenses=sum(r.expenses for r in rows),
        illustrative=any(f for *_, f in budgets) or any(f for _p, _c, f, _t, _n in spent),
    )


@dataclass
class Funding:
    mix: list[money.YearMix]
    sources: list[FundingSource]
    total_eur: Decimal
    illustrative: bool


def funding(years: list[int]) -> Funding:
    sources = list(FundingSource.objects.filter(year__in=years).order_by("year", "kind", "pk"))
    return Funding(
        mix=money.funding_mix((s.year, s.kind, s.amount_eur) for s in sources),
        sources=sources,
        total_eur=sum((s.amount_eur for s in sources), ZERO),
        illustrative=any(s.illustrative for s in sources),
    )


@dataclass
class CarbonRow:
    activity: Activity
    trips: int = 0
    kg_co2e: float = 0.0


@dataclass
class Carbon:
    by_year: list[carbon.YearAgainstTarget]  # every year with trips (the baseline included)
    by_line: dict[str, float]
    rows: list[CarbonRow]  # per activity of the years, the trips it sums
    kg_co2e: float
    trips: int
    uncovered: int
    target: carbon.Target
    illustrative: bool
    savings: list[tuple[Activity, float]] = field(default_factory=list)


def travel(years: list[int]) -> Carbon:
    """Emissions of every year (for the path from the baseline), detailed for the years."""
    places = accounts.activity_places()
    trips = list(Trip.objects.select_related("activity__work_plan"))
    outs = accounts.trip_outs(trips, places)
    chosen = [(t, o) for t, o in zip(trips, outs, strict=True) if o.trip.year in years]
    per: dict[int, CarbonRow] = {}
    for trip, out in chosen:
        row = per.setdefault(trip.activity_id, CarbonRow(trip.activity))
        row.trips += 1
        row.kg_co2e += out.kg_co2e or 0.0
    target = accounts.carbon_target()
    overview = accounts.carbon_overview(year=None)
    return Carbon(
        by_year=carbon.against_target(carbon.totals(outs, "year"), target),
        by_line=dict(sorted(carbon.totals([o for _, o in chosen], "line").items())),
        rows=sorted(per.values(), key=lambda r: r.activity.pk),
        kg_co2e=sum(r.kg_co2e for r in per.values()),
        trips=len(chosen),
        uncovered=carbon.uncovered(o for _, o in chosen),
        target=target,
        illustrative=any(t.illustrative for t, _ in chosen),
        savings=[(a, kg) for a, kg in overview.savings if a.work_plan.year in years],
    )
