"""Reads of events and learning: the events list and page, a person's registrations, and the
counts of participants and speakers that the accountability dashboards call."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.utils import timezone

from metroscope.core.i18n import translated
from metroscope.core.queues import Queue, queue_of
from metroscope.events.analytics import Breakdown, PersonRow, breakdown
from metroscope.events.models import (
    Event,
    Registration,
    RegistrationStatus,
    Session,
    Speaker,
)
from metroscope.members.models import Gender, Member, Region, RoleCategory


@dataclass(frozen=True)
class EventFilters:
    when: str = ""  # "upcoming", "past" or "" for both
    type: str = ""
    year: int | None = None
    language: str = ""
    mode: str = ""


def _today() -> dt.date:
    return timezone.localdate()


def event_of_activity(activity: Any) -> Event | None:
    """The event an activity takes registrations through, with its confirmed and waiting
    counts (one query); None when it takes none."""
    return (
        Event.objects.filter(activity=activity)
        .annotate(
            confirmed_count=Count("registrations", filter=Q(registrations__status="confirmed")),
            waiting_count=Count("registrations", filter=Q(registrations__status="waiting")),
        )
        .first()
    )


def event_list(*, filters: EventFilters | None = None) -> QuerySet[Event]:
    """Events with their activity, sessions and confirmed/waiting counts, soonest first."""
    f = filters or EventFilters()
    qs = (
        Event.objects.select_related("activity")
        .prefetch_related(Prefetch("sessions", queryset=Session.objects.order_by("starts_at")))
        .annotate(
            confirmed_count=Count("registrations", filter=Q(registrations__status="confirmed")),
            waiting_count=Count("registrations", filter=Q(registrations__status="waiting")),
        )
    )
    today = _today()
    ends = Q(activity__end_date__gte=today) | Q(
        activity__end_date__isnull=True, activity__start_date__gte=today
    )
    if f.when == "upcoming":
        qs = qs.filter(ends)
    elif f.when == "past":
        qs = qs.exclude(ends)
    if f.type:
        qs = qs.filter(activity__type=f.type)
    if f.year:
        qs = qs.filter(activity__start_date__year=f.year)
    if f.mode:
        qs = qs.filter(activity__mode=f.mode)
    if f.language:
        # an empty list offers every language
        qs = qs.filter(Q(languages__contains=f.language) | Q(languages=""))
    order = "activity__start_date" if f.when != "past" else "-activity__start_date"
    return qs.order_by(order, "activity__title", "pk")


def event_detail(*, pk: int) -> Event | None:
    return (
        event_list()
        .prefetch_related(
            Prefetch("speakers", queryset=Speaker.objects.select_related("member", "session"))
        )
        .filter(pk=pk)
        .first()
    )


def event_years() -> list[int]:
    dates = Event.objects.filter(activity__start_date__isnull=False).dates(
        "activity__start_date", "year"
    )
    return sorted({d.year for d in dates}, reverse=True)


def is_upcoming(event: Event) -> bool:
    end = event.activity.end_date or event.activity.start_date
    return end is None or end >= _today()


def own_registrations(*, user: Any, event: Event | None = None) -> QuerySet[Registration]:
    """The registrations a person holds or made, newest first (none when signed out)."""
    if not user.is_authenticated:
        return Registration.objects.none()
    qs = Registration.objects.select_related("event__activity", "member", "feedback").filter(
        Q(user=user) | Q(registered_by=user)
    )
    if event is not None:
        qs = qs.filter(event=event)
    return qs.order_by("-created_at", "-pk")


def event_registrations(*, event: Event) -> QuerySet[Registration]:
    return event.registrations.select_related(
        "member", "contact", "user", "certificate_sending"
    ).order_by("status", "created_at", "pk")


def waiting_position(registration: Registration) -> int | None:
    if registration.status != RegistrationStatus.WAITING:
        return None
    ahead = Registration.objects.filter(
        event_id=registration.event_id, status=RegistrationStatus.WAITING
    ).filter(
        Q(created_at__lt=registration.created_at)
        | Q(created_at=registration.created_at, pk__lt=registration.pk)
    )
    return ahead.count() + 1


def _attended(year: int | None, events: QuerySet[Event] | None) -> QuerySet[Registration]:
    qs = Registration.objects.filter(attended=True, status=RegistrationStatus.CONFIRMED)
    if year is not None:
        qs = qs.filter(event__activity__start_date__year=year)
    if events is not None:
        qs = qs.filter(event__in=events)
    return qs


def _row(key: str, gender: str, role: str, member: str | None, region: str | None) -> PersonRow:
    return PersonRow(person=key, gender=gender, role=role, member=member or "", region=region or "")


def participant_counts(
    *, year: int | None = None, events: QuerySet[Event] | None = None
) -> Breakdown:
    """Distinct people who attended (in the events' start year, or the given events), by
    gender, role, member (code) and region (code), as recorded at registration."""
    values = _attended(year, events).values_list(
        "contact_id",
        "user_id",
        "gender",
        "role_category",
        "member__code",
        "member__country__region__code",
    )
    rows = (
        _row(f"contact:{c}" if c else f"user:{u}", g, r, m, reg)
        for c, u, g, r, m, reg in values.order_by("created_at", "pk")
    )
    return breakdown(rows)


def speaker_counts(*, year: int | None = None, events: QuerySet[Event] | None = None) -> Breakdown:
    qs = Speaker.objects.all()
    if year is not None:
        qs = qs.filter(event__activity__start_date__year=year)
    if events is not None:
        qs = qs.filter(event__in=events)
    values = qs.values_list(
        "pk", "gender", "role_category", "member__code", "member__country__region__code"
    )
    return breakdown(_row(f"speaker:{pk}", g, r, m, reg) for pk, g, r, m, reg in values)


@dataclass(frozen=True)
class LabelledBreakdown:
    """A Breakdown for people to read: each key replaced by its label in the current
    language (gender, role category, member's name, region's name), "" kept as "—"."""

    total: int
    by_gender: list[tuple[str, int]]
    by_role: list[tuple[str, int]]
    by_member: list[tuple[str, int]]
    by_region: list[tuple[str, int]]


def labelled(counts: Breakdown) -> LabelledBreakdown:
    """Two queries (the members' and regions' names) whatever the number of people."""
    genders = {str(k): str(v) for k, v in Gender.choices}
    roles = {str(k): str(v) for k, v in RoleCategory.choices}
    members = dict(Member.objects.filter(code__in=counts.by_member).values_list("code", "name"))
    regions = {
        r.code: translated(r, "name")[0] for r in Region.objects.filter(code__in=counts.by_region)
    }

    def named(found: dict[str, int], names: dict[str, str]) -> list[tuple[str, int]]:
        return [(names.get(k, k) if k else "—", n) for k, n in found.items()]

    return LabelledBreakdown(
        total=counts.total,
        by_gender=named(counts.by_gender, genders),
        by_role=named(counts.by_role, roles),
        by_member=named(counts.by_member, members),
        by_region=named(counts.by_region, regions),
    )


URBAN_LEADER_ROLES = (RoleCategory.POLITICAL, RoleCategory.MANAGER)


@dataclass(frozen=True)
class Engaged:
    year: int
    people: int  # distinct people who attended or spoke, any role
    urban_leaders: int  # of whom political representatives, city or senior managers


def _name_key(name: str, member: int | None) -> str:
    return f"name:{' '.join(name.casefold().split())}|{member or ''}"


def newest_engaged_year() -> int | None:
    """The newest year in which someone attended or spoke at an event (by the event's start
    date), None when nobody has yet (two queries): the year the urban leaders open on."""
    years = [
        _attended(None, None)
        .filter(event__activity__start_date__isnull=False)
        .aggregate(newest=Max("event__activity__start_date"))["newest"],
        Speaker.objects.filter(event__activity__start_date__isnull=False).aggregate(
            newest=Max("event__activity__start_date")
        )["newest"],
    ]
    found = [d.year for d in years if d is not None]
    return max(found) if found else None


def engaged_people(*, year: int) -> Engaged:
    """Distinct people who attended or spoke at an event that started in the year (two
    queries). An attendee is one person however many events they attended; a speaker, who
    has no registration, is known by name and member, and one who also attended under the
    same name and member is counted once."""
    roles: dict[str, str] = {}
    names: set[str] = set()
    attended = _attended(year, None).values_list(
        "contact_id", "user_id", "name", "member_id", "role_category"
    )
    for contact, user, name, member, role in attended.order_by("created_at", "pk"):
        roles.setdefault(f"contact:{contact}" if contact else f"user:{user}", role)
        names.add(_name_key(name, member))
    spoke = Speaker.objects.filter(event__activity__start_date__year=year).values_list(
        "name", "member_id", "role_category"
    )
    for name, member, role in spoke.order_by("pk"):
        key = _name_key(name, member)
        if key not in names:
            roles.setdefault(key, role)
    leaders = sum(1 for role in roles.values() if role in URBAN_LEADER_ROLES)
    return Engaged(year=year, people=len(roles), urban_leaders=leaders)


# Role categories of the member registry as the plan's participant roles: focal points and
# people of no stated role are "other".
_PLAN_ROLE = {"political": "political", "manager": "manager", "technical": "technical"}


def plan_role(role: str) -> str:
    return _PLAN_ROLE.get(role, "other")


def plan_participant_rows(**_: Any) -> list[tuple[int, int, str, str, int | None, int, bool]]:
    """For the plan's people (core.sources "plan.participants"): each attended registration
    as one participant of the event's activity, in the activity's work-plan year (one
    query). A person attends an event once at most, so nobody is counted twice in it."""
    values = _attended(None, None).values_list(
        "event__activity_id",
        "event__activity__work_plan__year",
        "gender",
        "role_category",
        "member_id",
    )
    return [(a, y, g, plan_role(r), m, 1, False) for a, y, g, r, m in values]


def plan_speaker_rows(**_: Any) -> list[tuple[int, int, int | None, str, bool]]:
    """For the plan's people (core.sources "plan.speakers"): each speaker of an event as a
    speaker of its activity, on no panel (one query)."""
    values = Speaker.objects.values_list(
        "event__activity_id", "event__activity__work_plan__year", "gender"
    )
    return [(a, y, None, g, False) for a, y, g in values]


def upcoming_events(*, limit: int = 5) -> list[Event]:
    return list(event_list(filters=EventFilters(when="upcoming"))[:limit])


def waiting_list_queue() -> Queue:
    """People on the waiting lists of events still to come (staff may open more places)."""
    upcoming = event_list(filters=EventFilters(when="upcoming")).values("pk")
    waiting = Registration.objects.filter(status=RegistrationStatus.WAITING, event__in=upcoming)
    return queue_of(waiting, "created_at")
