"""The opportunity matrix and member engagement, as pure functions: rows in, cells out, no ORM."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

MATRIX_RULE = _(
    "A cell counts the activities tagged with both its challenge and its orienting theme, the "
    "euros they spent (expenses converted at the rate recorded on each) and the published "
    "solutions of the Exchange tagged with both. An activity or solution with several themes or "
    "challenges counts, in full, in each of its cells, so the cells add up to more than the "
    "totals."
)
ENGAGEMENT_RULE = _(
    "A member is reached when it is recorded among the members involved in at least one "
    "activity of the chosen years. A region's share reached is its members reached ÷ its "
    "members."
)


@dataclass(frozen=True)
class Tagged:
    """One activity or solution and the plan codes it is tagged with."""

    pk: int
    themes: frozenset[str]
    challenges: frozenset[str]


@dataclass
class Cell:
    challenge: str
    theme: str
    activities: list[int] = field(default_factory=list)
    spending_eur: Decimal = Decimal(0)
    solutions: list[int] = field(default_factory=list)


def tagged(rows: Iterable[tuple[int, str | None, str | None]]) -> list[Tagged]:
    """(pk, theme code, challenge code) join rows → one Tagged per pk, in pk order."""
    themes: dict[int, set[str]] = defaultdict(set)
    challenges: dict[int, set[str]] = defaultdict(set)
    for pk, theme, challenge in rows:
        themes.setdefault(pk, set())
        if theme:
            themes[pk].add(theme)
        if challenge:
            challenges[pk].add(challenge)
    return [Tagged(pk, frozenset(themes[pk]), frozenset(challenges[pk])) for pk in sorted(themes)]


def opportunity_matrix(
    *,
    challenges: Sequence[str],
    themes: Sequence[str],
    activities: Iterable[Tagged],
    spending: Mapping[int, Decimal],
    solutions: Iterable[Tagged],
) -> list[list[Cell]]:
    """One row per challenge, one cell per theme (the orders given), under MATRIX_RULE."""
    grid = {(c, t): Cell(c, t) for c in challenges for t in themes}
    for activity in activities:
        for c in activity.challenges:
            for t in activity.themes:
                cell = grid.get((c, t))
                if cell is not None:
                    cell.activities.append(activity.pk)
                    cell.spending_eur += spending.get(activity.pk, Decimal(0))
    for solution in solutions:
        for c in solution.challenges:
            for t in solution.themes:
                cell = grid.get((c, t))
                if cell is not None:
                    cell.solutions.append(solution.pk)
    return [[grid[(c, t)] for t in themes] for c in challenges]


@dataclass(frozen=True)
class MemberRow:
    pk: int
    name: str
    region: str
    activities: list[int]


@dataclass(frozen=True)
class RegionRow:
    region: str
    members: int
    reached: int
    activities: int  # distinct activities involving at least one of the region's members

    @property
    def share_reached(self) -> float | None:
        return self.reached / self.members if self.members else None


@dataclass(frozen=True)
class Engagement:
    members: list[MemberRow]  # every member, most activities first
    regions: list[RegionRow]  # in the order given
    never_reached: list[MemberRow]
    activities: int  # distinct activities with at least one member

    @property
    def reached(self) -> int:
        return len(self.members) - len(self.never_reached)


def engagement(
    *,
    members: Iterable[tuple[int, str, str]],
    regions: Sequence[str],
    links: Iterable[tuple[int, int]],
) -> Engagement:
    """(member pk, name, region) and (activity pk, member pk) links → engagement per member
    and per region, and the members no activity reached (ENGAGEMENT_RULE)."""
    by_member: dict[int, set[int]] = defaultdict(set)
    for activity, member in links:
        by_member[member].add(activity)
    rows = [
        MemberRow(pk, name, region, sorted(by_member.get(pk, ()))) for pk, name, region in members
    ]
    per_region: dict[str, list[MemberRow]] = defaultdict(list)
    for row in rows:
        per_region[row.region].append(row)
    region_rows = []
    for region in regions:
        group = per_region.get(region, [])
        touched = {a for row in group for a in row.activities}
        region_rows.append(
            RegionRow(region, len(group), sum(1 for r in group if r.activities), len(touched))
        )
    ordered = sorted(rows, key=lambda r: (-len(r.activities), r.name))
    return Engagement(
        members=ordered,
        regions=region_rows,
        never_reached=sorted((r for r in rows if not r.activities), key=lambda r: r.name),
        activities=len({a for row in rows for a in row.activities}),
    )
