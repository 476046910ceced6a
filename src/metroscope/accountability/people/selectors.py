"""Reads of the people of the plan: rows fetched in a few queries, handed to people.py's pure
functions, returned as plain dataclasses.

Apps on higher floors add people through core.sources (programs: who attended or spoke at an
event, which is an activity): PARTICIPANT_SOURCE providers return Row tuples, SPEAKER_SOURCE
providers SpeakerRow tuples. The rule against counting anyone twice: an activity whose
participants (or speakers) staff recorded here keeps those figures, and the rows other apps
give for it are left out (counted in `left_out`).

The rows recorded here are grouped in the database (one row per activity, gender, role, member)
and the figures computed once per version of the plan's data and process (ledger_version); the
rows other apps add, the statutory bodies' mandates and the members' regions are read on every
request and are part of the key (or applied after), since writing them does not change that
version."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from django.db.models import Count, QuerySet, Sum

from metroscope.accountability import version as ledger_version
from metroscope.accountability.activities.models import Activity, WorkPlan
from metroscope.accountability.people import analytics as people
from metroscope.accountability.people.analytics import Split
from metroscope.accountability.people.models import (
    Panel,
    Participant,
    ParticipantCount,
    ParticipantRole,
    Speaker,
)
from metroscope.core.sources import collect
from metroscope.members.models import Mandate, Member, Region

# (activity id, year, gender, role category, member id, count, illustrative)
Row = tuple[int, int, str, str, int | None, int, bool]
# (activity id, year, panel id, gender, illustrative)
SpeakerRow = tuple[int, int, int | None, str, bool]
PARTICIPANT_SOURCE = "plan.participants"
SPEAKER_SOURCE = "plan.speakers"


@dataclass
class Merged:
    """Rows recorded here plus those other apps add; `left_out` counts, per year, the
    people other apps gave for activities whose figures were recorded here."""

    rows: list[Any]
    added: int = 0
    left_out: dict[int, int] = field(default_factory=dict)

    def left_out_in(self, year: int | None) -> int:
        return sum(n for y, n in self.left_out.items() if year is None or y == year)


def _merge(
    own: list[Any], others: Iterable[tuple[str, Any]], count: Callable[[Any], int]
) -> Merged:
    recorded = {row[0] for row in own}
    merged = Merged(rows=list(own))
    for _name, rows in others:
        for row in rows:
            if row[0] in recorded:
                merged.left_out[row[1]] = merged.left_out.get(row[1], 0) + count(row)
            else:
                merged.rows.append(row)
                merged.added += count(row)
    return merged


def _own_participants() -> list[Row]:
    """Participants recorded here, as count rows grouped in the database (two queries)."""
    year = "activity__work_plan__year"
    keys = ("activity_id", year, "gender", "role_category", "member_id", "illustrative")
    counts = (
        ParticipantCount.objects.order_by()
        .values(*keys)
        .annotate(n=Sum("count"))
        .values_list(*keys[:5], "n", "illustrative")
    )
    persons = (
        Participant.objects.order_by()
        .values(*keys)
        .annotate(n=Count("pk"))
        .values_list(*keys[:5], "n", "illustrative")
    )
    return [(*row[:5], int(row[5]), bool(row[6])) for row in [*counts, *persons]]  # type: ignore[misc]


def _own_speakers() -> list[SpeakerRow]:
    return list(
        Speaker.objects.values_list(
            "activity_id", "activity__work_plan__year", "panel_id", "gender", "illustrative"
        )
    )


Others = tuple[tuple[str, tuple[Any, ...]], ...]


def _others(slot: str) -> Others:
    """What other apps give for a slot, as a hashable key (their queries run every time)."""
    return tuple((name, tuple(map(tuple, rows))) for name, rows in collect(slot))


def participants_merged(others: Others | None = None) -> Merged:
    """Participants recorded as counts and person by person (read once per version of the
    data), plus those other apps add (one query each)."""
    own = ledger_version.cached("participant_rows", None, _own_participants)
    return _merge(own, _others(PARTICIPANT_SOURCE) if others is None else others, lambda r: r[5])


def participant_rows() -> list[Row]:
    return participants_merged().rows


def speakers_merged(others: Others | None = None) -> Merged:
    own = ledger_version.cached("speaker_rows", None, _own_speakers)
    return _merge(own, _others(SPEAKER_SOURCE) if others is None else others, lambda r: 1)


@dataclass
class PanelRow:
    panel: Panel
    split: Split


@dataclass
class PeopleOverview:
    year: int | None
    years: list[int]
    balance: list[people.Balance]
    participants: Split
    speakers: Split
    by_role: list[tuple[Any, Split]]  # (label, lazily in the page's language)
    by_activity: list[tuple[Activity, Split, Split]]
    panels: list[PanelRow]
    illustrative: bool
    by_region: list[tuple[Region, Split]] = field(default_factory=list)
    participants_left_out: int = 0
    speakers_left_out: int = 0

    @property
    def panels_without_women(self) -> int:
        return sum(1 for p in self.panels if p.split.total and not p.split["female"])


def _split(rows: Iterable[tuple[str, int]]) -> Split:
    split = Split()
    for gender, count in rows:
        split.add(gender, count)
    return split


def _by_region(counts: dict[object, Split]) -> list[tuple[Region, Split]]:
    """Participants (per member id) by the region of their member (one query); those of no
    member apart."""
    members = Member.objects.filter(pk__in=set(counts)).select_related("country__region")
    regions: dict[int, tuple[Region, Split]] = {}
    for member in members:
        region = member.country.region
        _r, split = regions.setdefault(region.pk, (region, Split()))
        for gender, n in counts[member.pk].counts.items():
            split.add(gender, n)
    return sorted(regions.values(), key=lambda e: (e[0].order, e[0].name))


def people_overview(*, year: int | None) -> PeopleOverview:
    """Gender balance per year of participants, speakers and statutory bodies (every year),
    and the chosen year's participants by role, region, activity and panel. Computed once per
    version of the plan's data, year, mandates and other apps' rows; the regions of the
    members (another app's table) are applied on every request (three queries, and one for
    each app adding people; eight more when the figures are computed)."""
    participants, speakers = _others(PARTICIPANT_SOURCE), _others(SPEAKER_SOURCE)
    mandates = tuple(Mandate.objects.values_list("start_date", "end_date", "gender"))
    key = (year, participants, speakers, mandates)
    overview = ledger_version.cached(
        "people_overview",
        key,
        lambda: _people_overview(year, participants, speakers, mandates),
    )
    by_member = ledger_version.cached(
        "people_by_member",
        key,
        lambda: people.split_by(
            (r[4], r[2], r[5])
            for r in participants_merged(participants).rows
            if r[4] is not None and (year is None or r[1] == year)
        ),
    )
    return replace(overview, by_region=_by_region(by_member))


def _people_overview(
    year: int | None, participants: Others, speaker_rows: Others, mandates: tuple[Any, ...]
) -> PeopleOverview:
    merged = participants_merged(participants)
    rows = merged.rows
    merged_speakers = speakers_merged(speaker_rows)
    speakers = merged_speakers.rows
    years = sorted(WorkPlan.objects.values_list("year", flat=True))
    balance = people.gender_balance(
        [(people.PARTICIPANTS, r[1], r[2], r[5]) for r in rows]
        + [(people.SPEAKERS, s[1], s[3], 1) for s in speakers]
        + people.mandate_rows(mandates, years)
    )
    chosen = [r for r in rows if year is None or r[1] == year]
    chosen_speakers = [s for s in speakers if year is None or s[1] == year]
    roles = people.split_by((r[3], r[2], r[5]) for r in chosen)
    by_activity = people.split_by((r[0], r[2], r[5]) for r in chosen)
    speakers_by_activity = people.split_by((s[0], s[3], 1) for s in chosen_speakers)
    by_panel = people.split_by((s[2], s[3], 1) for s in chosen_speakers if s[2])
    ids = set(by_activity) | set(speakers_by_activity)
    # thousands of rows: only the fields the tables show (no JSON fields decoded)
    activities = (
        Activity.objects.filter(pk__in=ids)
        .select_related("work_plan")
        .only("title", "start_date", "work_plan__year")
    )
    panels = (
        Panel.objects.filter(pk__in=set(by_panel))
        .select_related("activity")
        .only("title", "activity__title", "activity__start_date")
    )
    return PeopleOverview(
        year=year,
        years=years,
        balance=balance,
        participants=_split((r[2], r[5]) for r in chosen),
        speakers=_split((s[3], 1) for s in chosen_speakers),
        by_role=[(label, roles[v]) for v, label in ParticipantRole.choices if v in roles],
        by_activity=[
            (a, by_activity.get(a.pk, Split()), speakers_by_activity.get(a.pk, Split()))
            for a in activities.order_by("start_date", "title", "pk")
        ],
        panels=[PanelRow(p, by_panel[p.pk]) for p in panels.order_by("activity__start_date", "pk")],
        illustrative=any(r[6] for r in rows) or any(s[4] for s in speakers),
        participants_left_out=merged.left_out_in(year),
        speakers_left_out=merged_speakers.left_out_in(year),
    )


@dataclass
class MemberParticipation:
    member: Member
    activities: int
    split: Split


def member_participation(
    *, members: set[int] | None, year: int | None
) -> list[MemberParticipation]:
    """Participants by member (None: every member; a set: only those), with the number of
    activities each took part in (two queries, and one for each app adding people)."""
    if members is not None and not members:
        return []
    others = _others(PARTICIPANT_SOURCE)

    def compute() -> tuple[dict[int, Split], dict[int, int]]:
        splits: dict[int, Split] = defaultdict(Split)
        activities: dict[int, set[int]] = defaultdict(set)
        for pk, y, gender, _role, member, count, _flag in participants_merged(others).rows:
            if member is None or (members is not None and member not in members):
                continue
            if year is not None and y != year:
                continue
            splits[member].add(gender, count)
            activities[member].add(pk)
        return dict(splits), {m: len(a) for m, a in activities.items()}

    key = (None if members is None else frozenset(members), year, others)
    splits, activities = ledger_version.cached("member_participation", key, compute)
    found = Member.objects.filter(pk__in=set(splits)).order_by("name")
    return [MemberParticipation(m, activities[m.pk], splits[m.pk]) for m in found]


def participant_record_ids(*, members: set[int] | None, year: int | None) -> list[int]:
    """The keys of participant_records in its order, once per version of the data (the
    page shows them a page at a time)."""
    key = (None if members is None else frozenset(members), year)
    return ledger_version.cached(
        "participant_record_ids",
        key,
        lambda: list(participant_records(members=members, year=year).values_list("pk", flat=True)),
    )


def participant_records(*, members: set[int] | None, year: int | None) -> QuerySet[Participant]:
    """Participants by name: every member's (None) or those members' only."""
    qs = Participant.objects.select_related("activity__work_plan", "member")
    if members is not None:
        qs = qs.filter(member_id__in=members)
    if year is not None:
        qs = qs.filter(activity__work_plan__year=year)
    return qs.order_by("activity__start_date", "activity__title", "name", "pk")


def speaker_records(*, year: int | None) -> QuerySet[Speaker]:
    qs = Speaker.objects.select_related("activity", "panel", "member")
    if year is not None:
        qs = qs.filter(activity__work_plan__year=year)
    return qs.order_by("activity__start_date", "panel__title", "name", "pk")
