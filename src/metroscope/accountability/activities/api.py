"""API v1 for work plans and activities (read-only; staff write in the admin)."""

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from metroscope.accountability.activities import selectors
from metroscope.accountability.activities.models import Activity, WorkPlan
from metroscope.accountability.ledger import analytics as money
from metroscope.accountability.ledger import selectors as accounts
from metroscope.members.models import Member

router = Router(tags=["accountability"])


class WorkPlanOut(Schema):
    year: int
    status: str
    approved_on: dt.date | None
    activity_count: int


class ActivityFilterIn(Schema):
    year: int | None = None
    type: str = ""
    status: str = ""
    theme: str = ""
    challenge: str = ""
    program: str = ""
    gender_marker: str = ""


class ActivityOut(Schema):
    id: int
    code: str
    title: str
    type: str
    status: str
    year: int
    start_date: dt.date | None
    end_date: dt.date | None
    date_precision: str
    mode: str
    host_city: str
    program: str | None
    axis: str | None
    gender_marker: int | None
    source_url: str

    @staticmethod
    def resolve_year(obj: Activity) -> int:
        return obj.work_plan.year

    @staticmethod
    def resolve_program(obj: Activity) -> str | None:
        return obj.program.code if obj.program else None

    @staticmethod
    def resolve_axis(obj: Activity) -> str | None:
        return obj.axis.code if obj.axis else None


class PeriodOut(Schema):
    year: int
    baseline: float | None
    target: float
    actual: float | None
    progress: str


class IndicatorOut(Schema):
    title: str
    measure: str
    ascending: bool
    periods: list[PeriodOut]


class MemberRef(Schema):
    code: str
    name: str


class ActivityDetailOut(ActivityOut):
    description: str
    axis_is_editorial: bool
    program_is_editorial: bool
    outcome_kind: str | None
    outcomes: list[str]
    themes: list[str]
    challenges: list[str]
    cross_cutting_factors: list[str]
    sdg_targets: list[str]
    partners: list[str]
    members: list[MemberRef]
    figures: str
    results: list[IndicatorOut]

    @staticmethod
    def resolve_outcome_kind(obj: Activity) -> str | None:
        return obj.outcome_kind.code if obj.outcome_kind else None

    @staticmethod
    def resolve_outcomes(obj: Activity) -> list[str]:
        return [o.code for o in obj.outcomes.all()]

    @staticmethod
    def resolve_themes(obj: Activity) -> list[str]:
        return [t.code for t in obj.themes.all()]

    @staticmethod
    def resolve_challenges(obj: Activity) -> list[str]:
        return [c.code for c in obj.challenges.all()]

    @staticmethod
    def resolve_cross_cutting_factors(obj: Activity) -> list[str]:
        return [f.code for f in obj.factors.all()]

    @staticmethod
    def resolve_members(obj: Activity) -> list[Member]:
        return list(obj.members.all())

    @staticmethod
    def resolve_results(obj: Activity) -> list[dict[str, object]]:
        rows = selectors.results(list(obj.indicators.all()), on=timezone.localdate())
        return [
            {
                "title": row.indicator.title,
                "measure": row.indicator.measure,
                "ascending": row.indicator.ascending,
                "periods": [
                    {
                        "year": p.period.year,
                        "baseline": p.period.baseline,
                        "target": p.period.target,
                        "actual": p.period.actual,
                        "progress": str(p.assessment.status),
                    }
                    for p in row.periods
                ],
            }
            for row in rows
        ]


@router.get("/workplans", response=list[WorkPlanOut], summary="Annual work plans")
def list_work_plans(request: HttpRequest) -> list[WorkPlan]:
    return list(selectors.work_plans().order_by("year"))


@router.get("/activities", response=list[ActivityOut], summary="Activities, filterable")
@paginate(LimitOffsetPagination)
def list_activities(request: HttpRequest, filters: Query[ActivityFilterIn]):  # type: ignore[no-untyped-def]
    given = filters.model_dump(exclude_none=True)
    chosen = selectors.ActivityFilters.from_params(given)
    for name in ("type", "status", "gender_marker"):
        if given.get(name) and not getattr(chosen, name):
            raise ValueError(f"unknown {name} {given[name]!r}")
    return selectors.activities(filters=chosen)


@router.get("/activities/{activity_id}", response=ActivityDetailOut, summary="One activity")
def get_activity(request: HttpRequest, activity_id: int) -> Activity:
    activity = selectors.activity_detail(pk=activity_id)
    if activity is None:
        raise Http404("No such activity.")
    return activity


class MixRowOut(Schema):
    kind: str
    amount_eur: float
    share: float


class YearMixOut(Schema):
    year: int
    total_eur: float
    largest_share: float
    hhi: float
    sources: list[MixRowOut]


class BudgetRowOut(Schema):
    key: str
    budget_eur: float
    actual_eur: float
    variance_eur: float
    execution: float | None


class FeeTotalsOut(Schema):
    year: int
    members: int
    due_eur: float
    paid_eur: float
    paid_in_full: int


class MoneyOut(Schema):
    year: int | None
    illustrative: bool
    funding: list[YearMixOut]
    by_action_line: list[BudgetRowOut]
    by_axis: list[BudgetRowOut]
    fees: list[FeeTotalsOut]


def _budget_rows(rows: list[money.BudgetRow]) -> list[dict[str, Any]]:
    return [
        {
            "key": r.key,
            "budget_eur": float(r.budget_eur),
            "actual_eur": float(r.actual_eur),
            "variance_eur": float(r.variance_eur),
            "execution": r.execution,
        }
        for r in rows
    ]


@router.get(
    "/plan/money",
    response=MoneyOut,
    summary="Money of the plan: funding mix, HHI, budget vs actual, fee totals",
)
def plan_money(request: HttpRequest, year: int | None = None) -> dict[str, Any]:
    overview = accounts.money_overview(year=year)
    return {
        "year": year,
        "illustrative": overview.illustrative,
        "funding": [
            {
                "year": m.year,
                "total_eur": float(m.total_eur),
                "largest_share": m.largest_share,
                "hhi": m.hhi,
                "sources": [
                    {"kind": r.kind, "amount_eur": float(r.amount_eur), "share": r.share}
                    for r in m.rows
                ],
            }
            for m in overview.mix
        ],
        "by_action_line": _budget_rows(overview.by_line),
        "by_axis": _budget_rows(overview.by_axis),
        "fees": [
            {
                "year": y,
                "members": t.members,
                "due_eur": float(t.due_eur),
                "paid_eur": float(t.paid_eur),
                "paid_in_full": t.paid_in_full,
            }
            for y, t in overview.fees.items()
        ],
    }


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
def plan_carbon(request: HttpRequest, year: int | None = None) -> dict[str, Any]:
    overview = accounts.carbon_overview(year=year)
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
