"""API v1 for the people of the plan (aggregates for everyone; participation by member for
the Board, the Secretariat and a member's own officers) and the risk register (the Board and
the Secretariat); staff record participant counts and risks through the services."""

# No `from __future__ import annotations`: django-ninja reads the annotations at runtime.
import datetime as dt
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status as Reply
from ninja.security import django_auth

from metroscope.accountability import access
from metroscope.accountability.people import selectors as people_selectors
from metroscope.accountability.people import services as people_services
from metroscope.accountability.people.analytics import Split
from metroscope.accountability.risks import analytics as risks
from metroscope.accountability.risks import selectors as risk_selectors
from metroscope.accountability.risks import services as risk_services
from metroscope.accountability.risks.models import Risk
from metroscope.core import tokens
from metroscope.core.api_errors import ApiError, refusal
from metroscope.core.api_paging import MAX_OFFSET
from metroscope.core.api_params import YEAR, BodyId
from metroscope.core.tokens import TokenAuth

router = Router(tags=["accountability"])


class SplitOut(Schema):
    female: int
    male: int
    another: int
    not_stated: int
    total: int
    women_share: float | None


class BalanceOut(SplitOut):
    group: str
    year: int


class KeyedSplitOut(SplitOut):
    key: str


class MemberSplitOut(SplitOut):
    member: str
    activities: int


class PeopleOut(Schema):
    year: int | None
    illustrative: bool
    balance: list[BalanceOut]
    participants: SplitOut
    speakers: SplitOut
    by_role_category: list[KeyedSplitOut]
    by_activity: list[KeyedSplitOut] = Field(description="a page: `offset`, `limit`")
    by_activity_total: int
    panels: list[KeyedSplitOut] = Field(description="a page: `offset`, `limit`")
    panels_total: int
    by_member: list[MemberSplitOut] | None = Field(
        None, description="the Board and the Secretariat: every member; an officer: their own"
    )


def split_out(split: Split, **extra: Any) -> dict[str, Any]:
    return {
        **split.counts,
        "total": split.total,
        "women_share": split.women_share,
        **extra,
    }


def _reader(request: HttpRequest) -> Any:
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return tokens.user_for(header[7:].strip())
    return request.user


LIST_LIMIT = 100  # rows of `by_activity` and `panels` per answer unless `limit` says
MAX_LIST_LIMIT = 1000


@router.get("/plan/people", response=PeopleOut, summary="People of the plan by gender")
def plan_people(
    request: HttpRequest,
    year: int | None = YEAR,
    limit: int = Query(LIST_LIMIT, ge=1, le=MAX_LIST_LIMIT),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
) -> dict[str, Any]:
    overview = people_selectors.people_overview(year=year)
    window = slice(offset, offset + limit)
    user = _reader(request)
    members = access.people_members_visible_to(user) if user is not None else set()
    by_member = None
    if members is None or members:
        by_member = [
            split_out(row.split, member=row.member.code, activities=row.activities)
            for row in people_selectors.member_participation(members=members, year=year)
        ]
    return {
        "year": year,
        "illustrative": overview.illustrative,
        "balance": [split_out(b.split, group=b.group, year=b.year) for b in overview.balance],
        "participants": split_out(overview.participants),
        "speakers": split_out(overview.speakers),
        "by_role_category": [
            split_out(s, key=str(label))
            for label, s in overview.by_role  # label in the language
        ],
        "by_activity": [split_out(s, key=str(a.pk)) for a, s, _sp in overview.by_activity[window]],
        "by_activity_total": len(overview.by_activity),
        "panels": [split_out(p.split, key=p.panel.title) for p in overview.panels[window]],
        "panels_total": len(overview.panels),
        "by_member": by_member,
    }


def _written(write: Callable[[], Any], out: Callable[[Any], Any]) -> Reply:
    """Run a service; its refusals become 400/403 answers that say what was wrong."""
    try:
        done = write()
    except ValidationError as exc:
        return Reply(400, refusal(exc))
    except PermissionDenied as exc:
        return Reply(403, {"detail": str(exc) or "permission denied", "errors": {}})
    return Reply(201, out(done))


# More people than any one activity gathers, well inside the column's integers.
MAX_COUNT = 1_000_000


class CountIn(Schema):
    activity_id: BodyId
    gender: str = Field(..., description="female, male, another or not_stated")
    role_category: str
    member: str = Field("", description="the member's code, or empty")
    count: int = Field(..., le=MAX_COUNT, description=f"0 to {MAX_COUNT:,} people")


class CountOut(Schema):
    id: int
    activity_id: int
    gender: str
    role_category: str
    member: str | None
    count: int


@router.post(
    "/plan/participant-counts",
    response={201: CountOut, 400: ApiError, 403: ApiError},
    auth=[TokenAuth(), django_auth],
    summary="Record how many people of a gender, role and member took part (staff)",
)
def record_count(request: HttpRequest, payload: CountIn) -> Reply:
    def write() -> Any:
        return people_services.participant_count_record(
            user=request.user,
            activity_id=payload.activity_id,
            gender=payload.gender,
            role_category=payload.role_category,
            member_code=payload.member,
            count=payload.count,
        )

    return _written(
        write,
        lambda row: {
            "id": row.pk,
            "activity_id": row.activity_id,
            "gender": row.gender,
            "role_category": row.role_category,
            "member": row.member.code if row.member else None,
            "count": row.count,
        },
    )


class PersonIn(Schema):
    activity_id: BodyId
    name: str = Field("", description="may be left out; personal data")
    gender: str = Field(..., description="female, male, another or not_stated")
    role_category: str
    member: str = Field("", description="the member's code, or empty")


class SpeakerIn(PersonIn):
    panel_id: BodyId | None = Field(None, description="one of the activity's panels, or none")


class PersonOut(Schema):
    id: int
    activity_id: int
    name: str
    gender: str
    role_category: str
    member: str | None
    panel_id: int | None = None


def person_out(row: Any) -> dict[str, Any]:
    return {
        "id": row.pk,
        "activity_id": row.activity_id,
        "name": row.name,
        "gender": row.gender,
        "role_category": row.role_category,
        "member": row.member.code if row.member else None,
        "panel_id": getattr(row, "panel_id", None),
    }


def _person(payload: PersonIn) -> dict[str, Any]:
    return {
        "activity_id": payload.activity_id,
        "name": payload.name,
        "gender": payload.gender,
        "role_category": payload.role_category,
        "member_code": payload.member,
    }


@router.post(
    "/plan/participants",
    response={201: PersonOut, 400: ApiError, 403: ApiError},
    auth=[TokenAuth(), django_auth],
    summary="Record one participant of an activity, person by person (staff)",
)
def record_participant(request: HttpRequest, payload: PersonIn) -> Reply:
    return _written(
        lambda: people_services.participant_create(user=request.user, **_person(payload)),
        person_out,
    )


@router.post(
    "/plan/speakers",
    response={201: PersonOut, 400: ApiError, 403: ApiError},
    auth=[TokenAuth(), django_auth],
    summary="Record a speaker of an activity, on one of its panels or alone (staff)",
)
def record_speaker(request: HttpRequest, payload: SpeakerIn) -> Reply:
    return _written(
        lambda: people_services.speaker_create(
            user=request.user, panel_id=payload.panel_id, **_person(payload)
        ),
        person_out,
    )


class PanelIn(Schema):
    activity_id: BodyId
    title: str


class PanelOut(Schema):
    id: int
    activity_id: int
    title: str


@router.post(
    "/plan/panels",
    response={201: PanelOut, 400: ApiError, 403: ApiError},
    auth=[TokenAuth(), django_auth],
    summary="Add a panel to an activity (staff)",
)
def record_panel(request: HttpRequest, payload: PanelIn) -> Reply:
    return _written(
        lambda: people_services.panel_create(
            user=request.user, activity_id=payload.activity_id, title=payload.title
        ),
        lambda panel: {"id": panel.pk, "activity_id": panel.activity_id, "title": panel.title},
    )


class RiskIn(Schema):
    title: str
    category: str
    likelihood: int = Field(..., description="1 (rare) to 5 (almost certain)")
    impact: int = Field(..., description="1 (negligible) to 5 (severe)")
    owner: str
    mitigation: str = ""
    status: str = "open"
    review_on: dt.date | None = None
    activity_ids: list[BodyId] = []
    outcomes: list[str] = Field([], description="plan outcome codes, e.g. L1.2.1")


class RiskOut(Schema):
    id: int
    title: str
    category: str
    likelihood: int
    impact: int
    score: int
    level: str
    owner: str
    mitigation: str
    status: str
    review_on: dt.date | None
    activity_ids: list[int]
    outcomes: list[str]
    illustrative: bool


def risk_out(risk: Risk) -> dict[str, Any]:
    return {
        "id": risk.pk,
        "title": risk.title,
        "category": risk.category,
        "likelihood": risk.likelihood,
        "impact": risk.impact,
        "score": risk.score,
        "level": risks.level(risk.likelihood, risk.impact),
        "owner": risk.owner,
        "mitigation": risk.mitigation,
        "status": risk.status,
        "review_on": risk.review_on,
        "activity_ids": [a.pk for a in risk.activities.all()],
        "outcomes": [o.code for o in risk.outcomes.all()],
        "illustrative": risk.illustrative,
    }


class HeatCellOut(Schema):
    likelihood: int
    impact: int
    level: str
    count: int


class RisksOut(Schema):
    illustrative: bool
    open: int
    heat_map: list[HeatCellOut]
    risks: list[RiskOut]


@router.get(
    "/plan/risks",
    response=RisksOut,
    auth=[TokenAuth(), django_auth],
    summary="The risk register and its heat map (the Board and the Secretariat)",
)
def list_risks(request: HttpRequest) -> dict[str, Any]:
    if not access.can_view_risks(request.user):
        raise HttpError(403, "The risk register is for the Board and the Secretariat.")
    overview = risk_selectors.risk_overview()
    return {
        "illustrative": overview.illustrative,
        "open": overview.open_count,
        "heat_map": [
            {"likelihood": c.likelihood, "impact": c.impact, "level": c.level, "count": c.count}
            for c in overview.cells
        ],
        "risks": [risk_out(r) for r in overview.risks],
    }


@router.post(
    "/plan/risks",
    response={201: RiskOut, 400: ApiError, 403: ApiError},
    auth=[TokenAuth(), django_auth],
    summary="Add a risk to the register (staff)",
)
def create_risk(request: HttpRequest, payload: RiskIn) -> Reply:
    def write() -> Any:
        return risk_services.risk_create(
            user=request.user,
            title=payload.title,
            category=payload.category,
            likelihood=payload.likelihood,
            impact=payload.impact,
            owner=payload.owner,
            mitigation=payload.mitigation,
            status=payload.status,
            review_on=payload.review_on,
            activity_ids=payload.activity_ids,
            outcome_codes=payload.outcomes,
        )

    return _written(write, risk_out)
