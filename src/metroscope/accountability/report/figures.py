"""The figures of the Board report for a set of years, each total with the records it sums.

Money is summed in the database by activity and category (so 500,000 expenses stay a few
thousand rows), then handed to the pure functions of money.py; the annexes list those rows, so
every total in the report is the sum of lines the reader can follow to an activity.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, QuerySet

from metroscope.accountability.activities.models import Activity
from metroscope.accountability.aggregates import Cents, euros
from metroscope.accountability.carbon import analytics as carbon
from metroscope.accountability.carbon import selectors as carbon_selectors
from metroscope.accountability.dashboards.selectors import dates_in
from metroscope.accountability.ledger import analytics as money
from metroscope.accountability.ledger import selectors as accounts
from metroscope.accountability.ledger.models import BudgetLine, Expense, FundingSource

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


def _activities() -> QuerySet[Activity]:
    return (
        Activity.objects.select_related("work_plan", "axis__line", "program")
        .annotate(member_count=Count("members", distinct=True))
        .order_by("work_plan__year", "start_date", "title", "pk")
    )


def activities(years: list[int]) -> list[Activity]:
    return list(_activities().filter(work_plan__year__in=years))


def finances(years: list[int]) -> Finances:
    """Budget lines by their year, expenses by the year of their date (four queries)."""
    budgets = list(
        BudgetLine.objects.filter(year__in=years)
        .order_by()
        .values_list("activity_id", "amount_eur", "illustrative")
    )
    spent = [
        (pk, category, flag, euros(cents), n)
        for pk, category, flag, cents, n in Expense.objects.filter(dates_in(years))
        .order_by()
        .values("activity_id", "category", "illustrative")
        .annotate(cents=Cents("amount_eur"), n=Count("pk"))
        .values_list("activity_id", "category", "illustrative", "cents", "n")
    ]
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
    table = carbon_selectors.trip_emissions()
    outs = [out for _trip, out in table]
    chosen = [(t, o) for t, o in table if o.trip.year in years]
    objects = Activity.objects.select_related("work_plan").in_bulk({t[0] for t, _ in chosen})
    per: dict[int, CarbonRow] = {}
    for trip, out in chosen:
        row = per.setdefault(trip[0], CarbonRow(objects[trip[0]]))
        row.trips += 1
        row.kg_co2e += out.kg_co2e or 0.0
    target = carbon_selectors.carbon_target()
    overview = carbon_selectors.carbon_overview(year=None)
    return Carbon(
        by_year=carbon.against_target(carbon.totals(outs, "year"), target),
        by_line=dict(sorted(carbon.totals([o for _, o in chosen], "line").items())),
        rows=sorted(per.values(), key=lambda r: r.activity.pk),
        kg_co2e=sum(r.kg_co2e for r in per.values()),
        trips=len(chosen),
        uncovered=carbon.uncovered(o for _, o in chosen),
        target=target,
        illustrative=any(t[-1] for t, _ in chosen),
        savings=[(a, kg) for a, kg in overview.savings if a.work_plan.year in years],
    )


@dataclass
class AnnexRow:
    """One activity of the annex: what the report's totals sum for it."""

    activity: Activity
    in_period: bool  # its work plan is of one of the report's years
    budget_eur: Decimal = ZERO
    actual_eur: Decimal = ZERO
    expenses: int = 0
    trips: int = 0
    kg_co2e: float = 0.0
    avoided_kg: float | None = None  # held online: the estimated saving


@dataclass
class Annex:
    rows: list[AnnexRow]
    activities: int  # rows whose work plan is of the report's years
    avoided_kg: float


def annex(activities: list[Activity], money: Finances, travel: Carbon) -> Annex:
    """Every activity of the years, and any other whose budget lines, expenses or trips the
    report counts (an expense dated in the year of another year's activity), each with the
    figures the totals sum: one table instead of one per total."""
    rows = {a.pk: AnnexRow(a, in_period=True) for a in activities}
    for m in money.rows:
        row = rows.setdefault(m.activity.pk, AnnexRow(m.activity, in_period=False))
        row.budget_eur, row.actual_eur, row.expenses = m.budget_eur, m.actual_eur, m.expenses
    for c in travel.rows:
        row = rows.setdefault(c.activity.pk, AnnexRow(c.activity, in_period=False))
        row.trips, row.kg_co2e = c.trips, c.kg_co2e
    for activity, kg in travel.savings:
        row = rows.setdefault(activity.pk, AnnexRow(activity, in_period=False))
        row.avoided_kg = kg
    others = [pk for pk, r in rows.items() if not r.in_period]
    for other in _activities().filter(pk__in=others) if others else []:
        rows[other.pk].activity = other  # with its axis and member count, like the others
    ordered = [rows[a.pk] for a in activities] + sorted(
        (r for r in rows.values() if not r.in_period), key=lambda r: r.activity.pk
    )
    return Annex(
        rows=ordered,
        activities=len(activities),
        avoided_kg=sum(r.avoided_kg or 0.0 for r in ordered),
    )
