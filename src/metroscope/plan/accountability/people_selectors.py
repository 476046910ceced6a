"""Reads of the people of the plan: rows fetched in a few queries, handed to people.py's pure
functions, returned as plain dataclasses."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet

from metroscope.members.models import Mandate, Member
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


def participant_rows() -> list[Row]:
    """Participants recorded as counts and person by person, as count rows (two queries)."""
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
    return rows


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

    @property
    def panels_without_women(self) -> int:
        return sum(1 for p in self.panels if p.split.total and not p.split["female"])


def _split(rows: Iterable[tuple[str, int]]) -> Split:
    split = Split()
    for gender, count in rows:
        split.add(gender, count)
    return split


def people_overview(*, year: int | None) -> PeopleOverview:
    """Gender balance per year of participants, speakers and statutory bodies (every year),
    and the chosen year's participants by role, activity and panel (seven queries)."""
    rows = participant_rows()
    speakers = list(
        Speaker.objects.values_list(
            "activity_id", "activity__work_plan__year", "panel_id", "gender", "illustrative"
        )
    )
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
