"""Reads for the money and carbon pages: rows fetched in a few queries, handed to the pure
functions of money.py and carbon.py, returned as plain dataclasses."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import QuerySet

from metroscope.plan import models as framework
from metroscope.plan.accountability import carbon, money
from metroscope.plan.accountability.ledger import (
    BudgetLine,
    EmissionFactor,
    Expense,
    FundingSource,
    MembershipFee,
    Trip,
)
from metroscope.plan.accountability.models import Activity, Mode

UNCLASSIFIED = "—"


def carbon_target() -> carbon.Target:
    """The baseline and target of the settings (placeholders until the Board sets its own)."""
    return carbon.Target(
        baseline_year=getattr(settings, "METROSCOPE_CARBON_BASELINE_YEAR", 2019),
        target_year=getattr(settings, "METROSCOPE_CARBON_TARGET_YEAR", 2030),
        reduction=getattr(settings, "METROSCOPE_CARBON_REDUCTION", 0.5),
    )


def activity_places() -> dict[int, tuple[str, str]]:
    """Activity id → (action line code, axis code): the activity's axis, else its first
    outcome's axis, else unclassified. Two queries."""
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


def _year_filter(qs: QuerySet[Any], year: int | None, lookup: str = "year") -> QuerySet[Any]:
    return qs if year is None else qs.filter(**{lookup: year})


def money_overview(*, year: int | None) -> MoneyOverview:
    funding = _year_filter(FundingSource.objects.all(), year)
    budgets = _year_filter(BudgetLine.objects.all(), year)
    expenses = _year_filter(Expense.objects.all(), year, "date__year")
    fees = _year_filter(MembershipFee.objects.all(), year)
    places = activity_places()
    budget_rows = list(budgets.values_list("activity_id", "amount_eur", "illustrative"))
    expense_rows = list(expenses.values_list("activity_id", "amount_eur", "illustrative"))
    funding_rows = list(funding.values_list("year", "kind", "amount_eur", "illustrative"))
    fee_rows = list(fees.values_list("year", "due_eur", "paid_eur", "illustrative"))

    def place(pk: int, index: int) -> str:
        return places.get(pk, (UNCLASSIFIED, UNCLASSIFIED))[index] or UNCLASSIFIED

    by_year: dict[int, list[tuple[Decimal, Decimal]]] = defaultdict(list)
    for fee_year, due, paid, _ in fee_rows:
        by_year[fee_year].append((due, paid))
    years = sorted(
        set(FundingSource.objects.values_list("year", flat=True))
        | set(BudgetLine.objects.values_list("year", flat=True))
    )
    flags = [r[-1] for r in (*budget_rows, *expense_rows, *funding_rows, *fee_rows)]
    return MoneyOverview(
        year=year,
        years=years,
        mix=money.funding_mix((y, k, a) for y, k, a, _ in funding_rows),
        by_line=money.budget_vs_actual(
            ((place(pk, 0), a) for pk, a, _ in budget_rows),
            ((place(pk, 0), a) for pk, a, _ in expense_rows),
        ),
        by_axis=money.budget_vs_actual(
            ((place(pk, 1), a) for pk, a, _ in budget_rows),
            ((place(pk, 1), a) for pk, a, _ in expense_rows),
        ),
        fees={y: money.fee_totals(rows) for y, rows in sorted(by_year.items())},
        labels=plan_labels(),
        illustrative=any(flags),
    )


def member_fees(*, year: int | None) -> QuerySet[MembershipFee]:
    return _year_filter(MembershipFee.objects.select_related("member"), year).order_by(
        "member__name", "year"
    )


def expenses(*, year: int | None) -> QuerySet[Expense]:
    return _year_filter(Expense.objects.select_related("activity"), year, "date__year")


def factor_table() -> dict[carbon.FactorKey, float]:
    """The newest factor for each (mode, haul, cabin class)."""
    table: dict[carbon.FactorKey, float] = {}
    for f in EmissionFactor.objects.order_by("year"):
        table[(f.mode, f.haul, f.cabin_class)] = float(f.kg_co2e_per_pkm)
    return table


def trip_outs(trips: Iterable[Trip], places: dict[int, tuple[str, str]]) -> list[carbon.TripOut]:
    trips = list(trips)
    if not trips:
        return []
    factors = factor_table()
    outs = []
    for t in trips:
        trip = carbon.TripIn(
            activity=t.activity_id,
            year=t.activity.work_plan.year,
            line=places.get(t.activity_id, (UNCLASSIFIED, ""))[0] or UNCLASSIFIED,
            distance_km=carbon.haversine_km(
                t.origin_latitude,
                t.origin_longitude,
                t.destination_latitude,
                t.destination_longitude,
            ),
            mode=t.mode,
            cabin_class=t.cabin_class,
            passengers=t.passengers,
            round_trip=t.round_trip,
        )
        outs.append(carbon.trip_emissions(trip, factors))
    return outs


@dataclass
class CarbonOverview:
    year: int | None
    target: carbon.Target
    by_year: list[carbon.YearAgainstTarget]
    by_line: dict[str, float]
    trips: int
    uncovered: int
    savings: list[tuple[Activity, float]]
    factors: list[EmissionFactor]
    labels: dict[str, Any]
    illustrative: bool
    passenger_km: float = 0.0
    years: list[int] = field(default_factory=list)


def carbon_overview(*, year: int | None) -> CarbonOverview:
    places = activity_places()
    all_trips = list(Trip.objects.select_related("activity__work_plan"))
    outs = trip_outs(all_trips, places)
    chosen = [o for o in outs if year is None or o.trip.year == year]
    by_activity = carbon.totals(outs, "activity")
    activities = list(Activity.objects.select_related("work_plan").order_by("start_date"))
    modes = [carbon.ActivityMode(a.pk, a.type, a.mode == Mode.ONLINE) for a in activities]
    savings = carbon.online_savings(modes, by_activity)
    target = carbon_target()
    return CarbonOverview(
        year=year,
        target=target,
        by_year=carbon.against_target(carbon.totals(outs, "year"), target),
        by_line=dict(sorted(carbon.totals(chosen, "line").items())),
        trips=len(chosen),
        uncovered=carbon.uncovered(chosen),
        savings=[
            (a, savings[a.pk])
            for a in activities
            if a.pk in savings and (year is None or a.work_plan.year == year)
        ],
        factors=list(EmissionFactor.objects.all()),
        labels=plan_labels(),
        illustrative=any(t.illustrative for t in all_trips),
        passenger_km=sum(o.passenger_km for o in chosen),
        years=sorted({o.trip.year for o in outs}),
    )


@dataclass
class ActivityAccounts:
    budget_eur: Decimal
    actual_eur: Decimal
    budget_lines: list[BudgetLine]
    expenses: list[Expense]
    trips: list[tuple[Trip, carbon.TripOut]]
    kg_co2e: float
    illustrative: bool


def activity_accounts(*, activity: Activity) -> ActivityAccounts:
    lines = list(activity.budget_lines.all())
    spent = list(activity.expenses.all())
    trips = list(activity.trips.select_related("activity__work_plan"))
    outs = trip_outs(trips, activity_places_for(activity))
    return ActivityAccounts(
        budget_eur=sum((b.amount_eur for b in lines), Decimal(0)),
        actual_eur=sum((e.amount_eur for e in spent), Decimal(0)),
        budget_lines=lines,
        expenses=spent,
        trips=list(zip(trips, outs, strict=True)),
        kg_co2e=sum(o.kg_co2e or 0.0 for o in outs),
        illustrative=any(b.illustrative for b in lines)
        or any(e.illustrative for e in spent)
        or any(t.illustrative for t in trips),
    )


def activity_places_for(activity: Activity) -> dict[int, tuple[str, str]]:
    axis = activity.axis
    return {activity.pk: (axis.line.code, axis.code)} if axis else {}
