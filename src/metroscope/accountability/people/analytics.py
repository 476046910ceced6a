"""The gender balance of the people of the plan: pure functions, data in, data out.

A count of people is split by gender into female, male, another gender and not stated.
The women's share is taken among the people whose gender is stated, so that "not stated"
neither raises nor lowers it; with nobody stated there is no share."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

FEMALE, MALE, ANOTHER, NOT_STATED = "female", "male", "another", "not_stated"
GENDERS = (FEMALE, MALE, ANOTHER, NOT_STATED)
PARTICIPANTS, SPEAKERS, BODIES = "participants", "speakers", "bodies"
GROUPS = (PARTICIPANTS, SPEAKERS, BODIES)


def empty_split() -> dict[str, int]:
    return dict.fromkeys(GENDERS, 0)


@dataclass
class Split:
    """People counted by gender (every gender present, zeros included)."""

    counts: dict[str, int] = field(default_factory=empty_split)

    def add(self, gender: str, count: int) -> None:
        if gender not in self.counts:
            raise ValueError(f"unknown gender {gender!r}")
        self.counts[gender] += count

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def stated(self) -> int:
        return self.total - self.counts[NOT_STATED]

    @property
    def women_share(self) -> float | None:
        return self.counts[FEMALE] / self.stated if self.stated else None

    def __getitem__(self, gender: str) -> int:
        return self.counts[gender]


def split_by(rows: Iterable[tuple[object, str, int]]) -> dict[object, Split]:
    """(key, gender, count) rows → key → its people by gender, in the keys' first order."""
    splits: dict[object, Split] = {}
    for key, gender, count in rows:
        splits.setdefault(key, Split()).add(gender, count)
    return splits


@dataclass(frozen=True)
class Balance:
    group: str
    year: int
    split: Split


def gender_balance(rows: Iterable[tuple[str, int, str, int]]) -> list[Balance]:
    """(group, year, gender, count) rows → one balance per group and year, groups in the
    order of GROUPS, then by year."""
    cells: dict[tuple[str, int], Split] = defaultdict(Split)
    for group, year, gender, count in rows:
        cells[(group, year)].add(gender, count)
    order = {g: i for i, g in enumerate(GROUPS)}
    keys = sorted(cells, key=lambda k: (order.get(k[0], len(order)), k[0], k[1]))
    return [Balance(group, year, cells[(group, year)]) for group, year in keys]


def years_held(start: dt.date, end: dt.date | None, years: Sequence[int]) -> list[int]:
    """The years among `years` in which a mandate from `start` to `end` (open: still held)
    was held on at least one day."""
    last = end.year if end is not None else max(years, default=start.year)
    return [y for y in years if start.year <= y <= last]


def mandate_rows(
    mandates: Iterable[tuple[dt.date, dt.date | None, str]], years: Sequence[int]
) -> list[tuple[str, int, str, int]]:
    """(start, end, gender) of each mandate → balance rows of the statutory bodies: one
    person per mandate held in each year."""
    return [
        (BODIES, year, gender, 1)
        for start, end, gender in mandates
        for year in years_held(start, end, years)
    ]
