"""Member engagement: what each member did with the association (events and trainings
attended, surveys answered, requests, Observatory values its officers submitted, solutions
shared, activities of the plan), its last contact, and the members not engaged lately.

Every count is one aggregated query per kind of interaction, for one member or the whole
network alike: the pages' query counts do not grow with the data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Max, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from metroscope.accountability.activities.models import Activity, ActivityType
from metroscope.events.models import Registration
from metroscope.exchange.models import Solution, SolutionStatus
from metroscope.listening.models import SupportRequest, SurveyResponse
from metroscope.members.models import Member, Region
from metroscope.observatory.models import BatchKind, ImportBatch

WINDOW_MONTHS = 12
SUBMISSION_KINDS = (BatchKind.FORM, BatchKind.FILE, BatchKind.API)

RULE = _(
    "Engaged = at least one interaction in the last 12 months: an event or training one of "
    "its people attended, a survey it answered, a request it asked (or a message on it), "
    "Observatory values its officers submitted (form, file import or API), a solution it "
    "submitted to the Exchange (by its submission date; solutions published from public "
    "sources count as shared but carry no date of contact) or an activity of the plan that "
    "involved it (by its end date, or start date, up to today). Last contact = the latest "
    "date of any of them."
)

KINDS: dict[str, Any] = {
    "events": _("Events attended"),
    "trainings": _("Trainings attended"),
    "surveys": _("Surveys answered"),
    "requests": _("Requests"),
    "values": _("Values submitted to the Observatory"),
    "solutions": _("Solutions shared"),
    "activities": _("Activities of the plan"),
}


def window_start(today: dt.date) -> dt.date:
    """The first day of the window: the same day twelve months earlier (28 February for a
    29 February)."""
    try:
        return today.replace(year=today.year - 1)
    except ValueError:
        return today.replace(year=today.year - 1, day=28)


def _day(value: dt.date | dt.datetime | None) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def _latest(*values: dt.date | dt.datetime | None) -> dt.date | None:
    days = [d for d in (_day(v) for v in values) if d is not None]
    return max(days) if days else None


def _capped(value: dt.date | None, today: dt.date) -> dt.date | None:
    """An activity still going on counts as contact today, not at its future end."""
    return None if value is None else min(value, today)


@dataclass
class Item:
    label: str
    url: str
    date: dt.date | None
    detail: str = ""


@dataclass
class Section:
    kind: str
    items: list[Item] = field(default_factory=list)
    count: int | None = None  # when it is not the number of items (values: a sum)

    @property
    def title(self) -> Any:
        return KINDS[self.kind]

    @property
    def total(self) -> int:
        return len(self.items) if self.count is None else self.count

    @property
    def last(self) -> dt.date | None:
        return _latest(*(i.date for i in self.items))


@dataclass
class MemberEngagement:
    member: Member
    sections: list[Section]
    today: dt.date

    @property
    def last_contact(self) -> dt.date | None:
        return _latest(*(s.last for s in self.sections))

    @property
    def engaged(self) -> bool:
        last = self.last_contact
        return last is not None and last >= window_start(self.today)


def member_engagement(member: Member, *, today: dt.date | None = None) -> MemberEngagement:
    """One member's interactions, kind by kind, with links to the records (six queries)."""
    today = today or timezone.localdate()
    events, trainings = Section("events"), Section("trainings")
    attended = (
        Registration.objects.filter(member=member, attended=True)
        .values(
            "event_id",
            "event__activity__title",
            "event__activity__type",
            "event__activity__start_date",
            "event__activity__end_date",
        )
        .annotate(people=Count("pk"))
        .order_by("-event__activity__start_date", "event_id")
    )
    for row in attended:
        section = trainings if row["event__activity__type"] == ActivityType.TRAINING else events
        section.items.append(
            Item(
                row["event__activity__title"],
                reverse("events:event", args=[row["event_id"]]),
                _capped(
                    row["event__activity__end_date"] or row["event__activity__start_date"], today
                ),
                str(_people(row["people"])),
            )
        )

    surveys = Section("surveys")
    answered = (
        SurveyResponse.objects.filter(member=member)
        .values("survey_id", "survey__title")
        .annotate(n_answers=Count("pk"), last=Max("submitted_at"))
        .order_by("-last", "survey_id")
    )
    for row in answered:
        surveys.items.append(
            Item(
                row["survey__title"],
                reverse("listening:survey", args=[row["survey_id"]]),
                _day(row["last"]),
                str(_answers(row["n_answers"])),
            )
        )

    requests = Section("requests")
    asked = (
        SupportRequest.objects.filter(member=member)
        .annotate(last_message=Max("messages__created_at"))
        .values("pk", "subject", "status", "created_at", "last_message")
        .order_by("-created_at", "-pk")
    )
    for row in asked:
        requests.items.append(
            Item(
                row["subject"],
                reverse("listening:request", args=[row["pk"]]),
                _latest(row["created_at"], row["last_message"]),
            )
        )

    values = Section("values", count=0)
    batches = (
        ImportBatch.objects.filter(_officer_batches(), user__officer_assignments__member=member)
        .values("pk", "kind", "filename", "created_at", "created", "updated")
        .distinct()
        .order_by("-created_at", "-pk")
    )
    kind_labels = dict(BatchKind.choices)
    for batch in batches:
        written = batch["created"] + batch["updated"]
        values.count = (values.count or 0) + written
        values.items.append(
            Item(
                f"{kind_labels[batch['kind']]} #{batch['pk']}"
                + (f" · {batch['filename']}" if batch["filename"] else ""),
                "",
                _day(batch["created_at"]),
                str(_values(written)),
            )
        )

    solutions = Section("solutions")
    shared = (
        Solution.objects.filter(_shared(), members=member)
        .values("slug", "title", "submitted_at")
        .order_by("title")
    )
    for sol in shared:
        solutions.items.append(
            Item(
                sol["title"],
                reverse("exchange:solution", args=[sol["slug"]]),
                _day(sol["submitted_at"]),
            )
        )

    activities = Section("activities")
    involved = (
        Activity.objects.filter(members=member)
        .values("pk", "title", "start_date", "end_date")
        .order_by("-start_date", "pk")
    )
    for act in involved:
        started = act["start_date"]
        activities.items.append(
            Item(
                act["title"],
                reverse("accountability:activity", args=[act["pk"]]),
                None
                if started is None or started > today
                else _capped(act["end_date"] or started, today),
            )
        )
    sections = [events, trainings, surveys, requests, values, solutions, activities]
    return MemberEngagement(member=member, sections=sections, today=today)


def _officer_batches() -> Q:
    return Q(kind__in=SUBMISSION_KINDS)


def _shared() -> Q:
    """Solutions a member shared: submitted to the Exchange or published there."""
    return Q(status=SolutionStatus.PUBLISHED) | Q(submitted_at__isnull=False)


def _people(n: int) -> str:
    return ngettext("%(n)d person attended", "%(n)d people attended", n) % {"n": n}


def _answers(n: int) -> str:
    return ngettext("%(n)d answer", "%(n)d answers", n) % {"n": n}


def _values(n: int) -> str:
    return ngettext("%(n)d value", "%(n)d values", n) % {"n": n}


def last_contacts(*, today: dt.date | None = None) -> dict[int, dt.date]:
    """Member pk → the date of its latest interaction, for every member with one (six
    aggregated queries, whatever the number of members and records)."""
    today = today or timezone.localdate()
    found: dict[int, list[dt.date | dt.datetime | None]] = {}

    def add(rows: Iterable[tuple[Any, ...]]) -> None:
        for member_id, *dates in rows:
            if member_id is not None:
                found.setdefault(member_id, []).extend(dates)

    add(
        Registration.objects.filter(attended=True, member__isnull=False)
        .values("member_id")
        .annotate(last=Max(Coalesce("event__activity__end_date", "event__activity__start_date")))
        .values_list("member_id", "last")
    )
    add(
        SurveyResponse.objects.values("member_id")
        .annotate(last=Max("submitted_at"))
        .values_list("member_id", "last")
    )
    add(
        SupportRequest.objects.values("member_id")
        .annotate(asked=Max("created_at"), answered=Max("messages__created_at"))
        .values_list("member_id", "asked", "answered")
    )
    add(
        ImportBatch.objects.filter(_officer_batches(), user__officer_assignments__isnull=False)
        .values("user__officer_assignments__member")
        .annotate(last=Max("created_at"))
        .values_list("user__officer_assignments__member", "last")
    )
    add(
        Solution.members.through.objects.filter(
            Q(solution__status=SolutionStatus.PUBLISHED) | Q(solution__submitted_at__isnull=False)
        )
        .values("member_id")
        .annotate(submitted=Max("solution__submitted_at"))
        .values_list("member_id", "submitted")  # type: ignore[misc]
    )
    add(
        Activity.members.through.objects.filter(activity__start_date__lte=today)
        .values("member_id")
        .annotate(last=Max(Coalesce("activity__end_date", "activity__start_date")))
        .values_list("member_id", "last")
    )
    result = {}
    for member_id, dates in found.items():
        last = _latest(*dates)
        if last is not None:
            result[member_id] = min(last, today)
    return result


@dataclass
class QuietMember:
    code: str
    name: str
    last_contact: dt.date | None


@dataclass
class RegionGroup:
    region: Region
    members: int
    quiet: list[QuietMember]

    @property
    def engaged(self) -> int:
        return self.members - len(self.quiet)


@dataclass
class NetworkEngagement:
    today: dt.date
    since: dt.date
    regions: list[RegionGroup]

    @property
    def members(self) -> int:
        return sum(g.members for g in self.regions)

    @property
    def quiet(self) -> int:
        return sum(len(g.quiet) for g in self.regions)

    @property
    def engaged(self) -> int:
        return self.members - self.quiet


def network_engagement(*, today: dt.date | None = None) -> NetworkEngagement:
    """Members not engaged in the last 12 months, grouped by region (eight queries)."""
    today = today or timezone.localdate()
    since = window_start(today)
    last = last_contacts(today=today)
    regions = {r.pk: RegionGroup(r, 0, []) for r in Region.objects.order_by("order", "name")}
    members = Member.objects.order_by("name").values_list("pk", "code", "name", "country__region")
    for pk, code, name, region in members:
        group = regions[region]
        group.members += 1
        contact = last.get(pk)
        if contact is None or contact < since:
            group.quiet.append(QuietMember(code, name, contact))
    return NetworkEngagement(today=today, since=since, regions=list(regions.values()))
