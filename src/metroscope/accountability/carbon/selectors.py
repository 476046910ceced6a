"""Reads for the carbon page and the report: trips with their emission factors, handed to the
pure functions of carbon.analytics, computed once per version of the plan's data and process."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from metroscope.accountability import version as ledger_version
from metroscope.accountability.activities.models import Activity, Mode
from metroscope.accountability.carbon import analytics as carbon
from metroscope.accountability.carbon.models import EmissionFactor, Trip
from metroscope.accountability.ledger.selectors import (
    UNCLASSIFIED,
    activity_places,
    plan_labels,
)


def carbon_target() -> carbon.Target:
    """The baseline and target of the settings (placeholders until the Board sets its own)."""
    return carbon.Target(
        baseline_year=getattr(settings, "METROSCOPE_CARBON_BASELINE_YEAR", 2019),
        target_year=getattr(settings, "METROSCOPE_CARBON_TARGET_YEAR", 2030),
        reduction=getattr(settings, "METROSCOPE_CARBON_REDUCTION", 0.5),
    )


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
