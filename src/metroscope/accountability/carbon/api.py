"""API v1 for the travel emissions of the plan."""

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from metroscope.accountability.carbon import selectors as carbon_selectors
from metroscope.core.api_params import YEAR

router = Router(tags=["accountability"])


class YearEmissionsOut(Schema):
    year: int
    kg_co2e: float
    change_from_baseline: float | None
    target_path_kg: float | None


class LineEmissionsOut(Schema):
    action_line: str
    kg_co2e: float


class SavingOut(Schema):
    activity_id: int
    title: str
    kg_co2e_avoided: float


class CarbonOut(Schema):
    year: int | None
    illustrative: bool
    baseline_year: int
    target_year: int
    reduction: float
    trips: int
    trips_without_factor: int
    passenger_km: float
    by_year: list[YearEmissionsOut]
    by_action_line: list[LineEmissionsOut]
    online_savings: list[SavingOut]


@router.get(
    "/plan/carbon",
    response=CarbonOut,
    summary="Travel emissions: per year against the target, per action line, online savings",
)
def plan_carbon(request: HttpRequest, year: int | None = YEAR) -> dict[str, Any]:
    overview = carbon_selectors.carbon_overview(year=year)
    return {
        "year": year,
        "illustrative": overview.illustrative,
        "baseline_year": overview.target.baseline_year,
        "target_year": overview.target.target_year,
        "reduction": overview.target.reduction,
        "trips": overview.trips,
        "trips_without_factor": overview.uncovered,
        "passenger_km": overview.passenger_km,
        "by_year": [
            {
                "year": r.year,
                "kg_co2e": r.kg_co2e,
                "change_from_baseline": r.change,
                "target_path_kg": r.allowed_kg,
            }
            for r in overview.by_year
        ],
        "by_action_line": [{"action_line": k, "kg_co2e": v} for k, v in overview.by_line.items()],
        "online_savings": [
            {"activity_id": a.pk, "title": a.title, "kg_co2e_avoided": kg}
            for a, kg in overview.savings
        ],
    }
