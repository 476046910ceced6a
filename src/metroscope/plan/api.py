"""API v1 for the Strategic Action Plan framework."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from metroscope.core.api_errors import ApiError
from metroscope.core.api_paging import BoundedLimitOffset
from metroscope.plan import models as m
from metroscope.plan import selectors

router = Router(tags=["plan"])


class ItemOut(Schema):
    code: str
    name: str


class ProgramOut(ItemOut):
    does: str


class TopicOut(ItemOut):
    pass


class ChallengeOut(ItemOut):
    topics: list[TopicOut]

    @staticmethod
    def resolve_topics(obj: m.Challenge) -> list[m.ChallengeTopic]:
        return list(obj.topics.all())


class OutcomeOut(Schema):
    code: str
    text: str
    axis: str
    line: str

    @staticmethod
    def resolve_axis(obj: m.Outcome) -> str:
        return obj.axis.code

    @staticmethod
    def resolve_line(obj: m.Outcome) -> str:
        return obj.axis.line.code


class AxisOut(ItemOut):
    outcomes: list[OutcomeOut]

    @staticmethod
    def resolve_outcomes(obj: m.Axis) -> list[m.Outcome]:
        return list(obj.outcomes.all())


class LineOut(ItemOut):
    key_ideas: list[str]
    axes: list[AxisOut]

    @staticmethod
    def resolve_key_ideas(obj: m.ActionLine) -> list[str]:
        return [str(idea.text) for idea in obj.key_ideas.all()]

    @staticmethod
    def resolve_axes(obj: m.ActionLine) -> list[m.Axis]:
        return list(obj.axes.all())


class MilestoneOut(Schema):
    year: int
    event: str


class AverageOut(Schema):
    indicator: str
    value: float
    unit: str
    note: str


class PlanOut(Schema):
    code: str
    title: str
    organisation: str
    start_year: int
    end_year: int
    vision: str
    mission: str
    evaluation: str
    themes: list[ItemOut]
    challenges: list[ChallengeOut]
    cross_cutting_factors: list[ItemOut]
    outcome_kinds: list[ItemOut]
    action_lines: list[LineOut]


def _plan() -> m.StrategicPlan:
    plan = selectors.current_plan()
    if plan is None:
        raise Http404("No strategic plan is loaded.")
    return plan


@router.get("/plan", response={200: PlanOut, 404: ApiError}, summary="The current plan as a tree")
def get_plan(request: HttpRequest) -> dict[str, object]:
    plan = _plan()
    return {
        **{f: getattr(plan, f) for f in PlanOut.model_fields if hasattr(plan, f)},
        "themes": list(selectors.plan_items(plan=plan, model=m.Theme)),
        "challenges": list(selectors.plan_challenges(plan=plan)),
        "cross_cutting_factors": list(selectors.plan_items(plan=plan, model=m.CrossCuttingFactor)),
        "outcome_kinds": list(selectors.plan_items(plan=plan, model=m.OutcomeKind)),
        "action_lines": list(selectors.plan_lines(plan=plan)),
    }


@router.get(
    "/plan/themes", response={200: list[ItemOut], 404: ApiError}, summary="Orienting themes"
)
def list_themes(request: HttpRequest):  # type: ignore[no-untyped-def]
    return list(selectors.plan_items(plan=_plan(), model=m.Theme))


@router.get(
    "/plan/challenges",
    response={200: list[ChallengeOut], 404: ApiError},
    summary="Challenges and topics",
)
def list_challenges(request: HttpRequest):  # type: ignore[no-untyped-def]
    return list(selectors.plan_challenges(plan=_plan()))


@router.get(
    "/plan/action-lines",
    response={200: list[LineOut], 404: ApiError},
    summary="Action lines, axes, outcomes",
)
def list_lines(request: HttpRequest):  # type: ignore[no-untyped-def]
    return list(selectors.plan_lines(plan=_plan()))


@router.get(
    "/plan/outcomes",
    response={200: list[OutcomeOut], 404: ApiError},
    summary="Outcomes, filterable",
)
@paginate(BoundedLimitOffset)
def list_outcomes(request: HttpRequest, line: str = "", axis: str = ""):  # type: ignore[no-untyped-def]
    qs = selectors.plan_outcomes(plan=_plan())
    if line:
        qs = qs.filter(axis__line__code=line)
    if axis:
        qs = qs.filter(axis__code=axis)
    return qs


@router.get(
    "/plan/programs",
    response={200: list[ProgramOut], 404: ApiError},
    summary="Programs named in the plan",
)
def list_programs(request: HttpRequest):  # type: ignore[no-untyped-def]
    return list(selectors.plan_items(plan=_plan(), model=m.Program))


@router.get(
    "/plan/milestones",
    response={200: list[MilestoneOut], 404: ApiError},
    summary="Milestones of the association",
)
def list_milestones(request: HttpRequest):  # type: ignore[no-untyped-def]
    return list(selectors.plan_milestones(plan=_plan()))


@router.get(
    "/plan/headline-averages",
    response={200: list[AverageOut], 404: ApiError},
    summary="The plan's metropolitan metrics table (quoted averages)",
)
def list_averages(request: HttpRequest):  # type: ignore[no-untyped-def]
    return list(selectors.plan_averages(plan=_plan()))
