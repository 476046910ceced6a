"""Reads for the money page: rows fetched in a few queries, handed to the pure functions of
ledger.analytics, returned as plain dataclasses; and where an activity sits on the plan.

Money is grouped by activity in the database (500,000 expenses become one row per activity,
summed exactly in cents), then placed on the plan in Python. The overviews are computed once per
version of the plan's data and process (ledger_version): they read only the plan's tables."""

from __future__ import annotations

from array import array
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, QuerySet

from metroscope.accountability import version as ledger_version
from metroscope.accountability.activities.models import Activity
from metroscope.accountability.aggregates import Cents, any_flag, euros
from metroscope.accountability.ledger import analytics as money
from metroscope.accountability.ledger.models import (
    BudgetLine,
    Expense,
    FundingSource,
    MembershipFee,
)
from metroscope.plan import models as framework

UNCLASSIFIED = "—"


def activity_places() -> dict[int, tuple[str, str]]:
    """Activity id → (action line code, axis code): the activity's axis, else its first
    outcome's axis, else unclassified. Two queries, once per version of the data."""
    return ledger_version.cached("activity_places", None, _activity_places)


def _activity_places() -> dict[int, tuple[str, str]]:
    places: dict[int, tuple[str, str]] = {}
    for pk, axis, line in Activity.objects.values_list("pk", "axis__code", "axis__line__code"):
        if axis:
            places[pk] = (line, axis)
    through = Activity.outcomes.through.objects.order_by("outcome__order")
    for pk, axis, line in through.values_list(
        "activity_id", "outcome__axis__code", "outcome__axis__line__code"
    ):
        places.setdefault(pk, (line, axis))
    return places


def plan_labels() -> dict[str, Any]:
    """Code → action line or axis object, for names in the page's language."""
    labels: dict[str, Any] = {}
    for axis in framework.Axis.objects.select_related("line"):
        labels[axis.code] = axis
        labels[axis.line.code] = axis.line
    return labels


@dataclass
class MoneyOverview:
    year: int | None
    years: list[int]
    mix: list[money.YearMix]
    by_line: list[money.BudgetRow]
    by_axis: list[money.BudgetRow]
    fees: dict[int, money.FeeTotals]
    labels: dict[str, Any]
    illustrative: bool


def year_filter(qs: QuerySet[Any], year: int | None, lookup: str = "year") -> QuerySet[Any]:
    return qs if year is None else qs.filter(**{lookup: year})


def by_activity(
    qs: QuerySet[Any], amount: str = "amount_eur"
) -> list[tuple[int, Decimal, bool, int]]:
    """(activity id, euros, any illustrative row, rows) per activity, summed in the database."""
    rows = (
        qs.order_by()
        .values("activity_id")
        .annotate(cents=Cents(amount), flag=any_flag("illustrative"), n=Count("pk"))
        .values_list("activity_id", "cents", "flag", "n")
    )
    return [(pk, euros(cents), bool(flag), n) for pk, cents, flag, n in rows]


def money_overview(*, year: int | None) -> MoneyOverview:
    """Funding mix, budget against actual by action line and axis, fee totals (seven queries
    when the data changed since the process last computed them, else none)."""
    return ledger_version.cached("money_overview", year, lambda: _money_overview(year))


def _money_overview(year: int | None) -> MoneyOverview:
    funding = year_filter(FundingSource.objects.all(), year)
    fees = year_filter(MembershipFee.objects.all(), year)
    places = activity_places()
    budget_rows = by_activity(year_filter(BudgetLine.objects.all(), year))
    expense_rows = by_activity(year_filter(Expense.objects.all(), year, "date__year"))
    funding_rows = list(funding.values_list("year", "kind", "amount_eur", "illustrative"))
    fee_rows = list(fees.values_list("year", "due_eur", "paid_eur", "illustrative"))

    def place(pk: int, index: int) -> str:
        return places.get(pk, (UNCLASSIFIED, UNCLASSIFIED))[index] or UNCLASSIFIED

    by_year: dict[int, list[tuple[Decimal, Decimal]]] = defaultdict(list)
    for fee_year, due, paid, _ in fee_rows:
        by_year[fee_year].append((due, paid))
    years = sorted(
        set(FundingSource.objects.values_list("year", flat=True).distinct())
        | set(BudgetLine.objects.values_list("year", flat=True).distinct())
    )
    flags = [r[2] for r in (*budget_rows, *expense_rows)] + [
        r[-1] for r in (*funding_rows, *fee_rows)
    ]
    return MoneyOverview(
        year=year,
        years=years,
        mix=money.funding_mix((y, k, a) for y, k, a, _ in funding_rows),
        by_line=money.budget_vs_actual(
            ((place(pk, 0), a) for pk, a, *_ in budget_rows),
            ((place(pk, 0), a) for pk, a, *_ in expense_rows),
        ),
        by_axis=money.budget_vs_actual(
            ((place(pk, 1), a) for pk, a, *_ in budget_rows),
            ((place(pk, 1), a) for pk, a, *_ in expense_rows),
        ),
        fees={y: money.fee_totals(rows) for y, rows in sorted(by_year.items())},
        labels=plan_labels(),
        illustrative=any(flags),
    )


def member_fees(*, year: int | None) -> QuerySet[MembershipFee]:
    return year_filter(MembershipFee.objects.select_related("member"), year).order_by(
        "member__name", "year"
    )


def expenses(*, year: int | None) -> QuerySet[Expense]:
    """The expense lines of the year (all: every line) by date, in the index's order."""
    qs = year_filter(Expense.objects.select_related("activity"), year, "date__year")
    return qs.order_by("date", "pk")


def expense_keys(*, year: int | None) -> array[int]:
    """The keys of `expenses` in their order, once per version of the data (8 bytes a line):
    any page of 500,000 lines is then a slice and a lookup by key, where OFFSET would walk
    the index up to the page (0.4 s for the last one)."""
    return ledger_version.cached(
        "expense_keys",
        year,
        lambda: array("q", expenses(year=year).values_list("pk", flat=True).iterator(10_000)),
    )


def expenses_by_key(keys: list[int]) -> dict[int, Expense]:
    return Expense.objects.select_related("activity").in_bulk(keys)
