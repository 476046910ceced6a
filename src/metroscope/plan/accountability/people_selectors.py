"""Reads of the people of the plan: rows fetched in a few queries, handed to people.py's pure
functions, returned as plain dataclasses.

Apps on higher floors add people through core.sources (programs: who attended or spoke at an
event, which is an activity): PARTICIPANT_SOURCE providers return Row tuples, SPEAKER_SOURCE
providers SpeakerRow tuples. The rule against counting anyone twice: an activity whose
participants (or speakers) staff recorded here keeps those figures, and the rows other apps
give for it are left out (counted in `left_out`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from metroscope.core.sources import collect
from metroscope.members.models import Mandate, Member, Region
from metroscope.plan.accountability import people
from metroscope.plan.accountability.models import Activity, WorkPlan
from metroscope.plan.accountability.participation import (
    Panel,
    Participant,
    ParticipantCount,
    ParticipantRole,
    Speaker,
)
from metroscope.plan.accountability.people import Split

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


def _merge(own: list[Any], slot: str, count: Callable[[Any], int]) -> Merged:
    recorded = {row[0] for row in own}
    merged = Merged(rows=list(own))
    for _name, rows in collect(slot):
        for row in rows:
            if row[0] in recorded:
                merged.left_out[row[1]] = merged.left_out.get(row[1], 0) + count(row)
            else:
                merged.rows.append(row)
                merged.added += count(row)
    return merged


def participants_merged() -> Merged:
    """Participants recorded as counts and person by person, as count rows (two queries),
    plus those other apps add (one query each)."""
    year = "activity__work_plan__year"
    rows: list[Row] = list(
        ParticipantCount.objects.values_list(
            "activity_id", year, "gender", "role_category", "member_id", "count", "illustrative"
        )
    )
    for pk, y, gender, role, member, flag in Participant.objects.values_list(
        "activity_id", year, "gender", "role_category", "member_id", "illustrative"
    ):
        rows.append((pk, y, gender, role, member, 1, flag))
    return _merge(rows, PARTICIPANT_SOURCE, lambda r: int(r[5]))


def participant_rows() -> list[Row]:
    return participants_merged().rows


def speakers_merged() -> Merged:
    own: list[SpeakerRow] = list(
        Speaker.objects.values_list(
            "activity_id", "activity__work_plan__year", "panel_id", "gender", "illustrative"
        )
    )
    return _merge(own, SPEAKER_SOURCE, lambda r: 1)


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
    by_role: list[tuple[str, Split]]
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


def _by_region(rows: list[Row]) -> list[tuple[Region, Split]]:
    """Participants by the region of their member (one query); those of no member apart."""
    counts = people.split_by((r[4], r[2], r[5]) for r in rows if r[4] is not None)
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
    and the chosen year's participants by role, region, activity and panel (eight queries,
    and one for each app adding people)."""
    merged = participants_merged()
    rows = merged.rows
    merged_speakers = speakers_merged()
    speakers = merged_speakers.rows
    years = sorted(WorkPlan.objects.values_list("year", flat=True))
    mandates = Mandate.objects.values_list("start_date", "end_date", "gender")
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
    activities = Activity.objects.filter(pk__in=ids).select_related("work_plan")
    panels = Panel.objects.filter(pk__in=set(by_panel)).select_related("activity")
    return PeopleOverview(
        year=year,
        years=years,
        balance=balance,
        participants=_split((r[2], r[5]) for r in chosen),
        speakers=_split((s[3], 1) for s in chosen_speakers),
        by_role=[(str(label), roles[v]) for v, label in ParticipantRole.choices if v in roles],
        by_activity=[
            (a, by_activity.get(a.pk, Split()), speakers_by_activity.get(a.pk, Split()))
            for a in activities.order_by("start_date", "title")
        ],
        panels=[PanelRow(p, by_panel[p.pk]) for p in panels.order_by("activity__start_date")],
        illustrative=any(r[6] for r in rows) or any(s[4] for s in speakers),
        by_region=_by_region(chosen),
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
    activities each took part in (two or three queries)."""
    if members is not None and not members:
        return []
    splits: dict[int, Split] = defaultdict(Split)
    activities: dict[int, set[int]] = defaultdict(set)
    for pk, y, gender, _role, member, count, _flag in participant_rows():
        if member is None or (members is not None and member not in members):
            continue
        if year is not None and y != year:
            continue
        splits[member].add(gender, count)
        activities[member].add(pk)
    found = Member.objects.filter(pk__in=set(splits)).order_by("name")
    return [MemberParticipation(m, len(activities[m.pk]), splits[m.pk]) for m in found]


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
