"""API v1 for work plans and activities (read-only; staff write in the admin)."""

import datetime as dt

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from metroscope.accountability.activities import selectors
from metroscope.accountability.activities.models import Activity, WorkPlan
from metroscope.core.api_paging import BoundedLimitOffset
from metroscope.core.api_params import RecordId
from metroscope.core.params import FIRST_YEAR, LAST_YEAR
from metroscope.members.models import Member

router = Router(tags=["accountability"])


class WorkPlanOut(Schema):
    year: int
    status: str
    approved_on: dt.date | None
    activity_count: int


class ActivityFilterIn(Schema):
    year: int | None = Field(None, ge=FIRST_YEAR, le=LAST_YEAR)
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
@paginate(BoundedLimitOffset)
def list_activities(request: HttpRequest, filters: Query[ActivityFilterIn]):  # type: ignore[no-untyped-def]
    given = filters.model_dump(exclude_none=True)
    chosen = selectors.ActivityFilters.from_params(given)
    for name in ("type", "status", "gender_marker"):
        if given.get(name) and not getattr(chosen, name):
            raise ValueError(f"unknown {name} {given[name]!r}")
    return selectors.activities(filters=chosen)


@router.get("/activities/{activity_id}", response=ActivityDetailOut, summary="One activity")
def get_activity(request: HttpRequest, activity_id: RecordId) -> Activity:
    activity = selectors.activity_detail(pk=activity_id)
    if activity is None:
        raise Http404("No such activity.")
    return activity
