"""API of members' needs: list them, record one, and the peers' solutions suggested for it —
for signed-in users (session or bearer token), with the rules of the pages."""

# No `from __future__ import annotations`: django-ninja reads the annotations at runtime.
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status as Reply
from ninja.security import django_auth

from metroscope.core.api_params import RecordId
from metroscope.core.tokens import TokenAuth
from metroscope.exchange import access, matching, needs
from metroscope.exchange.models import Need
from metroscope.members.models import Member
from metroscope.observatory.models import Indicator
from metroscope.plan.models import Challenge, Theme

router = Router(tags=["exchange"], auth=[TokenAuth(), django_auth])


class NeedOut(Schema):
    id: int
    member: str
    title: str
    description: str
    status: str
    themes: list[str]
    challenges: list[str]
    indicators: list[str]


class NeedIn(Schema):
    member: str = Field(..., description="the member's code; yours (or any, for staff)")
    title: str = Field(..., min_length=3, max_length=300)
    description: str = ""
    themes: list[str] = Field(default_factory=list, description="plan theme codes, e.g. T-SUS")
    challenges: list[str] = Field(default_factory=list, description="plan challenge codes")
    indicators: list[str] = Field(default_factory=list, description="indicator codes")


class Better(Schema):
    indicator: str
    theirs: float
    their_year: int
    ours: float
    our_year: int


class SuggestionOut(Schema):
    solution: str
    title: str
    city: str
    country_iso3: str
    members: list[str]
    score: int
    reasons: list[str]
    does_better: list[Better]


def _out(need: Need) -> dict[str, Any]:
    return {
        "id": need.pk,
        "member": need.member.code,
        "title": need.title,
        "description": need.description,
        "status": need.status,
        "themes": [t.code for t in need.themes.all()],
        "challenges": [c.code for c in need.challenges.all()],
        "indicators": [i.code for i in need.indicators.all()],
    }


def _visible(request: HttpRequest) -> Any:
    return access.visible_needs(request.user).prefetch_related("themes", "challenges", "indicators")


@router.get("/needs", response=list[NeedOut], summary="Members' needs you may see")
def list_needs(request: HttpRequest) -> list[dict[str, Any]]:
    return [_out(n) for n in _visible(request)[:1000]]


def _pick(model: Any, codes: list[str], what: str) -> list[Any]:
    found = {obj.code: obj for obj in model.objects.filter(code__in=codes)}
    unknown = [c for c in codes if c not in found]
    if unknown:
        raise HttpError(400, f"unknown {what}: {', '.join(unknown)}")
    return [found[c] for c in codes]


@router.post("/needs", response={201: NeedOut}, summary="Record a need of your member")
def create_need(request: HttpRequest, payload: NeedIn) -> Any:
    member = Member.objects.filter(code=payload.member).first()
    if member is None:
        raise HttpError(400, f"unknown member {payload.member!r}")
    data = needs.NeedInput(
        member=member,
        title=payload.title,
        description=payload.description,
        themes=_pick(Theme, payload.themes, "plan theme(s)"),
        challenges=_pick(Challenge, payload.challenges, "plan challenge(s)"),
        indicators=_pick(Indicator, payload.indicators, "indicator(s)"),
    )
    if not (data.themes or data.challenges or data.indicators):
        raise HttpError(400, "give at least one theme, challenge or indicator")
    try:
        need = needs.need_save(user=request.user, data=data)
    except needs.NeedRefused as exc:
        raise HttpError(403, str(exc)) from exc
    return Reply(201, _out(need))


@router.get(
    "/needs/{need_id}/suggestions",
    response=list[SuggestionOut],
    summary="Peers' solutions for a need, those doing better on its indicators first",
)
def need_suggestions(request: HttpRequest, need_id: RecordId) -> list[dict[str, Any]]:
    need = get_object_or_404(_visible(request), pk=need_id)
    return [
        {
            "solution": s.solution.slug,
            "title": s.solution.title,
            "city": s.solution.city,
            "country_iso3": s.solution.country_iso3,
            "members": [m.code for m in s.solution.members.all()],
            "score": s.score,
            "reasons": s.reasons,
            "does_better": [
                {
                    "indicator": c.indicator.code,
                    "theirs": c.theirs.value,
                    "their_year": c.theirs.year,
                    "ours": c.ours.value if c.ours else None,
                    "our_year": c.ours.year if c.ours else None,
                }
                for c in s.better
            ],
        }
        for s in matching.suggest_for_need(need)
    ]
