"""Counts of participants and speakers: pure functions over plain rows (no ORM)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class PersonRow:
    """One attended registration or one speaker: who, as at the event."""

    person: str  # a stable key: contact:<id>, user:<id>, speaker:<id>
    gender: str
    role: str
    member: str
    region: str


@dataclass
class Breakdown:
    total: int = 0
    by_gender: dict[str, int] = field(default_factory=dict)
    by_role: dict[str, int] = field(default_factory=dict)
    by_member: dict[str, int] = field(default_factory=dict)
    by_region: dict[str, int] = field(default_factory=dict)


def breakdown(rows: Iterable[PersonRow]) -> Breakdown:
    """Distinct people, each counted once (their first row), by gender, role, member, region;
    an empty value counts under ''."""
    seen: dict[str, PersonRow] = {}
    for row in rows:
        seen.setdefault(row.person, row)
    people = list(seen.values())

    def count(attr: str) -> dict[str, int]:
        return dict(sorted(Counter(getattr(p, attr) for p in people).items()))

    return Breakdown(
        total=len(people),
        by_gender=count("gender"),
        by_role=count("role"),
        by_member=count("member"),
        by_region=count("region"),
    )
