"""Reads on experts (only those with consent in force are ever listed) and on groups (only
what the reader may see, see access.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet
from django.utils.safestring import SafeString

from metroscope.accountability.activities.selectors import ActivityFilters
from metroscope.accountability.activities.selectors import activities as activity_list
from metroscope.community import access
from metroscope.community.analytics import Candidate, Match, rank
from metroscope.community.models import (
    Expert,
    Group,
    GroupDocument,
    GroupMeeting,
    Membership,
    Post,
)
from metroscope.core import markdown
from metroscope.events.models import Event
from metroscope.events.selectors import is_upcoming
from metroscope.exchange.selectors import published as published_solutions
from metroscope.observatory.member_places import own_metro
from metroscope.plan.models import Challenge, Theme


def listed_experts() -> QuerySet[Expert]:
    return (
        Expert.objects.filter(consent_given_at__isnull=False, withdrawn_at__isnull=True)
        .prefetch_related("themes", "challenges", "regions")
        .order_by("name")
    )


def expert_directory(
    *,
    q: str = "",
    theme: str = "",
    challenge: str = "",
    topic: str = "",
    language: str = "",
    region: str = "",
) -> QuerySet[Expert]:
    experts = listed_experts()
    if q:
        experts = experts.filter(name__icontains=q) | experts.filter(topics__icontains=q)
    if theme:
        experts = experts.filter(themes__code=theme)
    if challenge:
        experts = experts.filter(challenges__code=challenge)
    if topic.strip():
        experts = experts.filter(topics__contains="," + topic.strip().lower() + ",")
    if language:
        experts = experts.filter(languages__contains="," + language + ",")
    if region:
        experts = experts.filter(regions__code=region)
    return experts.distinct()


def experts_for(
    *,
    themes: set[str] | None = None,
    challenges: set[str] | None = None,
    topics: set[str] | None = None,
    language: str = "",
    text: str = "",
) -> list[Match]:
    """Listed experts ranked by overlap with the given theme/challenge codes and topics; an
    expert's topic that appears as words in `text` (e.g. a need's title) matches too."""
    candidates = [
        Candidate(
            e.pk,
            e.name,
            frozenset(t.code for t in e.themes.all()),
            frozenset(c.code for c in e.challenges.all()),
            frozenset(e.topic_list),
            frozenset(e.language_list),
        )
        for e in listed_experts()
    ]
    return rank(
        candidates,
        themes=themes or set(),
        challenges=challenges or set(),
        topics=topics or set(),
        language=language,
        text=text,
    )


NEED_EXPERTS_SHOWN = 5


@dataclass(frozen=True)
class ExpertSuggestion:
    """A listed expert who can help with an Exchange need, with why: the need's plan themes
    and challenges they share, and their topics found in the need's words."""

    expert: Expert
    match: Match
    themes: list[Theme]
    challenges: list[Challenge]


def need_experts(need: Any, *, limit: int = NEED_EXPERTS_SHOWN) -> list[ExpertSuggestion]:
    """The experts the need's page lists (and the API gives), best overlap first."""
    themes = {t.code for t in need.themes.all()}
    challenges = {c.code for c in need.challenges.all()}
    matches = experts_for(
        themes=themes, challenges=challenges, text=f"{need.title} {need.description}"
    )[:limit]
    if not matches:
        return []
    experts = listed_experts().in_bulk([m.id for m in matches])
    theme_names = {t.code: t for t in Theme.objects.filter(code__in=themes)}
    challenge_names = {c.code: c for c in Challenge.objects.filter(code__in=challenges)}
    return [
        ExpertSuggestion(
            expert=experts[m.id],
            match=m,
            themes=[theme_names[c] for c in m.themes],
            challenges=[challenge_names[c] for c in m.challenges],
        )
        for m in matches
    ]


# --- groups ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PostView:
    post: Post
    html: SafeString


@dataclass(frozen=True)
class GroupPage:
    """What the group page shows; the inside (members, documents, thread) only when allowed."""

    upcoming: list[GroupMeeting]
    past: list[GroupMeeting]
    memberships: list[Membership]
    documents: list[GroupDocument]
    posts: list[PostView]


def group_list(user: Any) -> list[Group]:
    """The groups the user may know of, with their member counts."""
    return list(
        access.visible_groups(user)
        .annotate(member_count=Count("memberships", distinct=True))
        .order_by("kind", "name", "pk")
    )


def group_meetings(group: Group) -> tuple[list[GroupMeeting], list[GroupMeeting]]:
    """The group's meetings, upcoming (soonest first) and past (latest first)."""
    meetings = list(
        group.meetings.select_related("event__activity").order_by(
            "event__activity__start_date", "pk"
        )
    )
    upcoming = [m for m in meetings if is_upcoming(m.event)]
    past = [m for m in reversed(meetings) if not is_upcoming(m.event)]
    return upcoming, past


def post_view(post: Post) -> PostView:
    return PostView(post, markdown.render(post.body))


def group_posts(group: Group) -> list[PostView]:
    posts = group.posts.select_related("author").order_by("created_at", "pk")
    return [post_view(p) for p in posts]


def group_page(rights: access.GroupAccess) -> GroupPage:
    group = rights.group
    upcoming, past = group_meetings(group)
    if not rights.inside:
        return GroupPage(upcoming, past, [], [], [])
    memberships = list(
        group.memberships.select_related("user", "contact__member").order_by("role", "pk")
    )
    documents = list(group.documents.select_related("uploaded_by"))
    return GroupPage(upcoming, past, memberships, documents, group_posts(group))


def events_to_link(group: Group) -> QuerySet[Event]:
    """Programs' events not yet among the group's meetings, newest first, for the picker."""
    return (
        Event.objects.select_related("activity")
        .exclude(group_meetings__group=group)
        .order_by("-activity__start_date", "activity__title")
    )


@dataclass(frozen=True)
class MemberLinks:
    """Where a member appears across Metroscope: its own place in the Observatory, the
    published solutions it shares and the plan's activities it takes part in."""

    metro: Any  # observatory.Metro or None
    solutions: list[Any]  # published exchange.Solution
    activities: int


def member_links(member: Any) -> MemberLinks:
    """In three queries: the member's own metro, its published solutions, its activities."""
    return MemberLinks(
        metro=own_metro(member.pk),
        solutions=list(
            published_solutions()
            .filter(members=member)
            .prefetch_related("translations")
            .order_by("title")
        ),
        activities=activity_list(filters=ActivityFilters(member=member.code)).count(),
    )
