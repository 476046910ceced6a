"""Experts search (signed-in users only; contact details for the Secretariat and officers) and
groups: the list of what the caller may know of, and the thread of a group for its members and
the Secretariat (read, post)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status as Reply
from ninja.security import django_auth

from metroscope.community import access, selectors, services
from metroscope.community.access import can_see_expert_contacts
from metroscope.community.expert_forms import ExpertProfileForm
from metroscope.community.models import Expert
from metroscope.community.selectors import expert_directory
from metroscope.core.api_errors import ApiError, error_body, summary
from metroscope.core.api_params import RecordId
from metroscope.core.i18n import translated
from metroscope.core.tokens import TokenAuth
from metroscope.exchange.access import visible_needs
from metroscope.members.models import Region
from metroscope.plan.models import Challenge, Theme

router = Router(tags=["community"])


class ExpertOut(Schema):
    id: int
    name: str
    kind: str
    affiliation: str
    themes: list[str]
    challenges: list[str]
    topics: list[str]
    languages: list[str]
    email: str | None = None
    phone: str | None = None


@router.get(
    "/community/experts",
    response=list[ExpertOut],
    auth=[TokenAuth(), django_auth],
    summary="Experts who opted in",
)
def experts_search(
    request: HttpRequest,
    q: str = "",
    theme: str = "",
    challenge: str = "",
    topic: str = "",
    language: str = "",
    region: str = "",
) -> list[ExpertOut]:
    contacts = can_see_expert_contacts(request.user)
    experts = expert_directory(
        q=q, theme=theme, challenge=challenge, topic=topic, language=language, region=region
    )
    return [_expert_out(e, contacts) for e in experts]


def _expert_out(e: Any, contacts: bool) -> ExpertOut:
    return ExpertOut(
        id=e.pk,
        name=e.name,
        kind=e.kind,
        affiliation=e.affiliation,
        themes=[t.code for t in e.themes.all()],
        challenges=[c.code for c in e.challenges.all()],
        topics=e.topic_list,
        languages=e.language_list,
        email=e.email if contacts else None,
        phone=e.phone if contacts else None,
    )


AUTH = [TokenAuth(), django_auth]


# --- one's own expert profile: the rules of /community/experts/me/ ----------------------------


class ExpertProfileOut(ExpertOut):
    bio: str
    regions: list[str]
    listed: bool = Field(..., description="consent in force: shown to signed-in users")
    consent_given_at: dt.datetime | None
    withdrawn_at: dt.datetime | None


class ExpertProfileIn(Schema):
    name: str
    affiliation: str = ""
    email: str = ""
    phone: str = ""
    bio: str = ""
    themes: list[str] = Field(default_factory=list, description="plan theme codes")
    challenges: list[str] = Field(default_factory=list, description="plan challenge codes")
    topics: list[str] = Field(default_factory=list)
    languages: list[str] = Field(default_factory=list, description="en, fr, es, …")
    regions: list[str] = Field(default_factory=list, description="region codes")
    consent: bool = Field(False, description="true: you agree to be listed (required)")


def _profile_out(e: Expert) -> dict[str, Any]:
    return {
        **_expert_out(e, True).model_dump(),
        "bio": e.bio,
        "regions": [r.code for r in e.regions.all()],
        "listed": e.listed,
        "consent_given_at": e.consent_given_at,
        "withdrawn_at": e.withdrawn_at,
    }


def _form_data(payload: ExpertProfileIn) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The payload as the page's form takes it (codes turned into its choices); unknown
    codes are named under their field."""
    data: dict[str, Any] = payload.model_dump(exclude={"themes", "challenges", "regions"})
    data["topics"] = ", ".join(payload.topics)
    data["consent"] = "on" if payload.consent else ""
    unknown: dict[str, list[str]] = {}
    for field, model in (("themes", Theme), ("challenges", Challenge), ("regions", Region)):
        codes = getattr(payload, field)
        found = dict(model.objects.filter(code__in=codes).values_list("code", "pk"))
        missing = [c for c in codes if c not in found]
        if missing:
            unknown[field] = [_("Unknown codes: %(codes)s") % {"codes": ", ".join(missing)}]
        data[field] = [found[c] for c in codes if c in found]
    return data, unknown


@router.get(
    "/community/experts/me",
    response={200: ExpertProfileOut, 404: ApiError},
    auth=AUTH,
    summary="Your own expert profile",
)
def my_profile(request: HttpRequest) -> Any:
    return _profile_out(_own_profile(request))


def _own_profile(request: HttpRequest) -> Expert:
    expert = Expert.objects.filter(user=request.user.pk).first()
    if expert is None:
        raise HttpError(404, _("You have no expert profile."))
    return expert


@router.put(
    "/community/experts/me",
    response={200: ExpertProfileOut, 400: ApiError},
    auth=AUTH,
    summary="Opt in as an expert, or change your profile (explicit consent required)",
)
def save_my_profile(request: HttpRequest, payload: ExpertProfileIn) -> Any:
    data, unknown = _form_data(payload)
    form = ExpertProfileForm(data)
    errors = {k: [str(m) for m in v] for k, v in form.errors.items()} if not form.is_valid() else {}
    errors |= unknown
    if errors:
        return Reply(400, error_body(summary(errors), errors))
    return _profile_out(services.expert_profile_save(user=request.user, data=form.cleaned_data))


@router.delete(
    "/community/experts/me",
    response={200: ExpertProfileOut, 404: ApiError},
    auth=AUTH,
    summary="Withdraw: you are no longer listed, at once",
)
def withdraw_my_profile(request: HttpRequest) -> Any:
    expert = _own_profile(request)
    if expert.listed:
        expert = services.expert_withdraw(expert=expert)
    return _profile_out(expert)


class ExpertSuggestionOut(ExpertOut):
    score: int = Field(..., description="how many reasons: shared themes, challenges, topics")
    reasons: list[str] = Field(..., description="why, in the language asked")
    shared_themes: list[str]
    shared_challenges: list[str]
    matched_topics: list[str]


def _names(objects: list[Any]) -> str:
    return ", ".join(translated(o, "name")[0] for o in objects)


def _reasons(row: selectors.ExpertSuggestion) -> list[str]:
    """The need page's reasons, in the same words."""
    reasons = []
    if row.themes:
        reasons.append(f"{_('Shares the plan themes:')} {_names(row.themes)}")
    if row.challenges:
        reasons.append(f"{_('Shares the plan challenges:')} {_names(row.challenges)}")
    if row.match.topics:
        reasons.append(f"{_('Knows the topics:')} {', '.join(row.match.topics)}")
    return reasons


@router.get(
    "/needs/{need_id}/experts",
    response=list[ExpertSuggestionOut],
    auth=AUTH,
    summary="Experts who can help with a need, each with why (as on the need's page)",
)
def need_experts(request: HttpRequest, need_id: RecordId) -> list[ExpertSuggestionOut]:
    # The need is read through the exchange's own rule: a need you may not see is not found.
    need = visible_needs(request.user).prefetch_related("themes", "challenges").filter(pk=need_id)
    found = need.first()
    if found is None:
        raise HttpError(404, f"no need {need_id}")
    contacts = can_see_expert_contacts(request.user)
    return [
        ExpertSuggestionOut(
            **_expert_out(row.expert, contacts).model_dump(),
            score=row.match.score,
            reasons=_reasons(row),
            shared_themes=row.match.themes,
            shared_challenges=row.match.challenges,
            matched_topics=row.match.topics,
        )
        for row in selectors.need_experts(found)
    ]


class GroupOut(Schema):
    id: int
    name: str
    kind: str = Field(..., description="community, working_group or pilot_team")
    visibility: str = Field(..., description="public or private")
    description: str
    program: str | None = Field(None, description="the plan programme's code, if any")
    member: bool = Field(..., description="whether the caller is in the group's member list")


@router.get(
    "/community/groups",
    response=list[GroupOut],
    summary="Groups the caller may know of",
    auth=None,
)
def groups_list(request: HttpRequest) -> list[GroupOut]:
    user = request.user
    mine = set(
        user.group_memberships.values_list("group_id", flat=True) if user.is_authenticated else ()
    )
    return [
        GroupOut(
            id=g.pk,
            name=translated(g, "name")[0],
            kind=g.kind,
            visibility=g.visibility,
            description=translated(g, "description")[0],
            program=g.program.code if g.program else None,
            member=g.pk in mine,
        )
        for g in selectors.group_list(user)
    ]


class PostOut(Schema):
    id: int
    author: str | None
    created_at: dt.datetime
    body: str = Field(..., description="the Markdown source as written")
    html: str = Field(..., description="the Markdown rendered and sanitised")


class PostIn(Schema):
    body: str = Field(..., description="Markdown, up to 20,000 characters; raw HTML is not kept")


def _inside(request: HttpRequest, group_id: int) -> access.GroupAccess:
    try:
        return access.access_inside(request.user, group_id)
    except Http404:
        raise HttpError(404, "no such group") from None
    except PermissionDenied as exc:
        raise HttpError(403, str(exc)) from exc


def _post_out(view: selectors.PostView) -> PostOut:
    author = view.post.author
    return PostOut(
        id=view.post.pk,
        author=author.get_username() if author else None,
        created_at=view.post.created_at,
        body=view.post.body,
        html=str(view.html),
    )


@router.get(
    "/community/groups/{group_id}/posts",
    response=list[PostOut],
    summary="A group's thread (members and the Secretariat)",
    auth=AUTH,
)
def group_posts(request: HttpRequest, group_id: RecordId) -> list[PostOut]:
    rights = _inside(request, group_id)
    return [_post_out(v) for v in selectors.group_posts(rights.group)]


@router.post(
    "/community/groups/{group_id}/posts",
    response={201: PostOut},
    summary="Post in a group's thread (members and the Secretariat)",
    auth=AUTH,
)
def group_post_create(request: HttpRequest, group_id: RecordId, payload: PostIn) -> Any:
    rights = _inside(request, group_id)
    post = services.post_create(actor=request.user, group=rights.group, body=payload.body)
    return Reply(201, _post_out(selectors.post_view(post)))
