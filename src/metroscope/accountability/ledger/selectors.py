"""Reads for the money and carbon pages: rows fetched in a few queries, handed to the pure
functions of money.py and carbon.py, returned as plain dataclasses.

Money is grouped by activity in the database (500,000 expenses become one row per activity,
summed exactly in cents), then placed on the plan in Python. The overviews are computed once per
version of the plan's data and process (ledger_version): they read only the plan's tables."""

from __future__ import annotations

from array import array
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, QuerySet

from metroscope.accountability import version as ledger_version
from metroscope.accountability.activities.models import Activity, Mode
from metroscope.accountability.aggregates import Cents, any_flag, euros
from metroscope.accountability.carbon import analytics as carbon
from metroscope.accountability.carbon.models import EmissionFactor, Trip
from metroscope.accountability.ledger import analytics as money
from metroscope.accountability.ledger.models import (
    BudgetLine,
    Expense,
    FundingSource,
    MembershipFee,
)
from metroscope.plan import models as framework

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


def _year_filter(qs: QuerySet[Any], year: int | None, lookup: str = "year") -> QuerySet[Any]:
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
    funding = _year_filter(FundingSource.objects.all(), year)
    fees = _year_filter(MembershipFee.objects.all(), year)
    places = activity_places()
    budget_rows = by_activity(_year_filter(BudgetLine.objects.all(), year))
    expense_rows = by_activity(_year_filter(Expense.objects.all(), year, "date__year"))
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
    return _year_filter(MembershipFee.objects.select_related("member"), year).order_by(
        "member__name", "year"
    )


def expenses(*, year: int | None) -> QuerySet[Expense]:
    """The expense lines of the year (all: every line) by date, in the index's order."""
    qs = _year_filter(Expense.objects.select_related("activity"), year, "date__year")
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


def factor_table() -> dict[carbon.FactorKey, float]:
    """The newest factor for each (mode, haul, cabin class)."""
    table: dict[carbon.FactorKey, float] = {}
    for f in EmissionFactor.objects.order_by("year"):
        table[(f.mode, f.haul, f.cabin_class)] = float(f.kg_co2e_per_pkm)
    return table


# What a trip's emissions are computed from, read as plain values (no model instances).
TRIP_FIELDS = (
    "activity_id",
    "activity__work_plan__year",
    "origin_latitude",
    "origin_longitude",
    "destination_latitude",
    "destination_longitude",
    "mode",
    "cabin_class",
    "passengers",
    "round_trip",
)
TripRow = tuple[int, int, float, float, float, float, str, str, int, bool]


def trip_outs(trips: Iterable[Trip], places: dict[int, tuple[str, str]]) -> list[carbon.TripOut]:
    rows: list[TripRow] = [
        (t.activity_id, t.activity.work_plan.year, t.origin_latitude, t.origin_longitude,
         t.destination_latitude, t.destination_longitude, t.mode, t.cabin_class, t.passengers,
         t.round_trip)
        for t in trips
    ]  # fmt: skip
    return trip_row_outs(rows, places)


def trip_row_outs(rows: list[TripRow], places: dict[int, tuple[str, str]]) -> list[carbon.TripOut]:
    """Each trip's distance, passenger-km and emissions (None without a factor)."""
    if not rows:
        return []
    factors = factor_table()
    outs = []
    for activity, year, lat1, lon1, lat2, lon2, mode, cabin, passengers, round_trip in rows:
        trip = carbon.TripIn(
            activity=activity,
            year=year,
            line=places.get(activity, (UNCLASSIFIED, ""))[0] or UNCLASSIFIED,
            distance_km=carbon.haversine_km(lat1, lon1, lat2, lon2),
            mode=mode,
            cabin_class=cabin,
            passengers=passengers,
            round_trip=round_trip,
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
    """Emissions per year against the target, per action line, online savings (six queries
    when the data changed since the process last computed them, else none)."""
    return ledger_version.cached("carbon_overview", year, lambda: _carbon_overview(year))


def trip_emissions() -> list[tuple[tuple[Any, ...], carbon.TripOut]]:
    """Every trip (its TRIP_FIELDS and illustrative flag) with its emissions, in the order of
    the trips (activity, then key); once per version of the data."""
    return ledger_version.cached("trip_emissions", None, _trip_emissions)


def _trip_emissions() -> list[tuple[tuple[Any, ...], carbon.TripOut]]:
    rows = list(Trip.objects.values_list(*TRIP_FIELDS, "illustrative"))
    outs = trip_row_outs([row[:-1] for row in rows], activity_places())  # type: ignore[misc]
    return list(zip(rows, outs, strict=True))


def _carbon_overview(year: int | None) -> CarbonOverview:
    table = trip_emissions()
    rows = [row for row, _out in table]
    outs = [out for _row, out in table]
    chosen = [o for o in outs if year is None or o.trip.year == year]
    by_activity = carbon.totals(outs, "activity")
    activities = list(
        Activity.objects.order_by("start_date", "pk").values_list(
            "pk", "type", "mode", "work_plan__year"
        )
    )
    modes = [carbon.ActivityMode(pk, kind, mode == Mode.ONLINE) for pk, kind, mode, _ in activities]
    savings = carbon.online_savings(modes, by_activity)
    shown = [pk for pk, _k, _m, y in activities if pk in savings and (year is None or y == year)]
    objects = Activity.objects.select_related("work_plan").in_bulk(shown)
    target = carbon_target()
    return CarbonOverview(
        year=year,
        target=target,
        by_year=carbon.against_target(carbon.totals(outs, "year"), target),
        by_line=dict(sorted(carbon.totals(chosen, "line").items())),
        trips=len(chosen),
        uncovered=carbon.uncovered(chosen),
        savings=[(objects[pk], savings[pk]) for pk in shown],
        factors=list(EmissionFactor.objects.all()),
        labels=plan_labels(),
        illustrative=any(row[-1] for row in rows),
        passenger_km=sum(o.passenger_km for o in chosen),
        years=sorted({o.trip.year for o in outs}),
    )


@dataclass
class ActivityAccounts:
    budget_eur: Decimal
    actual_eur: Decimal
    budget_lines: list[BudgetLine]
    expenses: Any  # the activity's expense lines by date (a queryset; the page pages it)
    trips: list[tuple[Trip, carbon.TripOut]]
    kg_co2e: float
    illustrative: bool
    expense_count: int = 0


def activity_accounts(*, activity: Activity) -> ActivityAccounts:
    """An activity's budget lines, its spending summed over every expense line, and its trips
    (four queries; the expense lines themselves are read a page at a time)."""
    lines = list(activity.budget_lines.all())
    spent = activity.expenses.order_by().aggregate(
        cents=Cents("amount_eur"), n=Count("pk"), flag=any_flag("illustrative")
    )
    trips = list(activity.trips.select_related("activity__work_plan"))
    outs = trip_outs(trips, activity_places_for(activity))
    return ActivityAccounts(
        budget_eur=sum((b.amount_eur for b in lines), Decimal(0)),
        actual_eur=euros(spent["cents"]),
        budget_lines=lines,
        expenses=activity.expenses.order_by("date", "pk"),
        trips=list(zip(trips, outs, strict=True)),
        kg_co2e=sum(o.kg_co2e or 0.0 for o in outs),
        illustrative=any(b.illustrative for b in lines)
        or bool(spent["flag"])
        or any(t.illustrative for t in trips),
        expense_count=spent["n"],
    )


def activity_places_for(activity: Activity) -> dict[int, tuple[str, str]]:
    axis = activity.axis
    return {activity.pk: (axis.line.code, axis.code)} if axis else {}
