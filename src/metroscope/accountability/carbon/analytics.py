"""Travel emissions of the plan's activities, as pure functions: great-circle distance, the
air distance uplift, factors per passenger-km, totals, the target and online savings."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

EARTH_RADIUS_KM = 6371.0088  # IUGG mean Earth radius
# DESNZ/BEIS methodology: great-circle distances of flights are raised by 8% for indirect
# routes, stacking and delays before the per-passenger-km factor applies.
AIR_UPLIFT = 0.08
# A flight shorter than this is short haul, otherwise long haul (the rule used here for
# flights anywhere in the world; the UK tables band flights to and from the UK).
SHORT_HAUL_MAX_KM = 3700.0

UPLIFT_RULE = (
    "Flights: great-circle distance (haversine, mean Earth radius 6371.0088 km) plus 8% for "
    "indirect routes and delays, short haul below 3,700 km, long haul above; rail and road: "
    "great-circle distance without uplift."
)
ONLINE_RULE = (
    "Online saving: an activity held online is credited with the average emissions of the "
    "in-person activities of the same type that have trips recorded (of any type when none "
    "of its type has)."
)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km between two points given in decimal degrees."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def travelled_km(great_circle_km: float, mode: str) -> float:
    """The distance a factor applies to: flights get the uplift, surface travel does not."""
    return great_circle_km * (1 + AIR_UPLIFT) if mode == "air" else great_circle_km


def haul(great_circle_km: float) -> str:
    return "short" if great_circle_km < SHORT_HAUL_MAX_KM else "long"


FactorKey = tuple[str, str, str]  # (mode, haul, cabin class); haul and cabin empty off air


def factor_key(mode: str, great_circle_km: float, cabin_class: str) -> FactorKey:
    if mode == "air":
        return (mode, haul(great_circle_km), cabin_class)
    return (mode, "", "")


@dataclass(frozen=True)
class TripIn:
    activity: int
    year: int
    line: str
    distance_km: float  # great-circle, one way
    mode: str
    cabin_class: str
    passengers: int
    round_trip: bool


@dataclass(frozen=True)
class TripOut:
    trip: TripIn
    passenger_km: float
    kg_co2e: float | None  # None when no factor covers the trip


def trip_emissions(trip: TripIn, factors: Mapping[FactorKey, float]) -> TripOut:
    legs = 2 if trip.round_trip else 1
    pkm = travelled_km(trip.distance_km, trip.mode) * trip.passengers * legs
    factor = factors.get(factor_key(trip.mode, trip.distance_km, trip.cabin_class))
    return TripOut(trip, pkm, None if factor is None else pkm * factor)


def totals(trips: Iterable[TripOut], key: str) -> dict[Any, float]:
    """kg CO2e summed by a TripIn attribute (`activity`, `year`, `line`); trips without a
    factor are left out (and counted by `uncovered`)."""
    out: dict[Any, float] = defaultdict(float)
    for t in trips:
        if t.kg_co2e is not None:
            out[getattr(t.trip, key)] += t.kg_co2e
    return dict(out)


def uncovered(trips: Iterable[TripOut]) -> int:
    return sum(1 for t in trips if t.kg_co2e is None)


@dataclass(frozen=True)
class Target:
    baseline_year: int
    target_year: int
    reduction: float  # 0.5 = half the baseline's emissions


@dataclass(frozen=True)
class YearAgainstTarget:
    year: int
    kg_co2e: float
    change: float | None  # against the baseline year; None without a baseline
    allowed_kg: float | None  # the straight path from the baseline to the target


def against_target(by_year: Mapping[int, float], target: Target) -> list[YearAgainstTarget]:
    """Each year's emissions against the baseline year and a straight path to the target."""
    base = by_year.get(target.baseline_year)
    span = target.target_year - target.baseline_year
    rows = []
    for year in sorted(by_year):
        kg = by_year[year]
        change = (kg - base) / base if base else None
        allowed = None
        if base and span > 0 and year >= target.baseline_year:
            progress = min(1.0, (year - target.baseline_year) / span)
            allowed = base * (1 - target.reduction * progress)
        rows.append(YearAgainstTarget(year, kg, change, allowed))
    return rows


@dataclass(frozen=True)
class ActivityMode:
    activity: int
    type: str
    online: bool


def online_savings(
    activities: Sequence[ActivityMode], by_activity: Mapping[int, float]
) -> dict[int, float]:
    """Per online activity, the kg CO2e an in-person edition would have emitted (ONLINE_RULE)."""
    in_person = [a for a in activities if not a.online and a.activity in by_activity]
    by_type: dict[str, list[float]] = defaultdict(list)
    for a in in_person:
        by_type[a.type].append(by_activity[a.activity])
    everyone = [by_activity[a.activity] for a in in_person]
    savings = {}
    for a in activities:
        if not a.online:
            continue
        pool = by_type.get(a.type) or everyone
        if pool:
            savings[a.activity] = sum(pool) / len(pool)
    return savings
