"""The risk register's arithmetic: pure functions, data in, data out.

A risk's score is likelihood × impact, both on 1–5. Levels: 1–4 low, 5–9 medium, 10–14 high,
15–25 critical. The heat map counts the risks that are not closed in each of the 25 cells."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

SCALE = (1, 2, 3, 4, 5)
LOW, MEDIUM, HIGH, CRITICAL = "low", "medium", "high", "critical"
LEVELS = (LOW, MEDIUM, HIGH, CRITICAL)


def on_scale(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value in SCALE


def level(likelihood: int, impact: int) -> str:
    score = likelihood * impact
    if score >= 15:
        return CRITICAL
    if score >= 10:
        return HIGH
    if score >= 5:
        return MEDIUM
    return LOW


@dataclass(frozen=True)
class Cell:
    likelihood: int
    impact: int
    count: int

    @property
    def level(self) -> str:
        return level(self.likelihood, self.impact)


def heat_map(risks: Iterable[tuple[int, int]]) -> list[Cell]:
    """(likelihood, impact) of each open risk → all 25 cells with their counts, likelihood
    5 first (the top row of the map), impact 1 to 5 across."""
    counts = Counter(risks)
    outside = [k for k in counts if not (on_scale(k[0]) and on_scale(k[1]))]
    if outside:
        raise ValueError(f"likelihood and impact are 1–5, got {outside[0]}")
    return [Cell(lk, im, counts.get((lk, im), 0)) for lk in reversed(SCALE) for im in SCALE]


def level_counts(cells: Iterable[Cell]) -> dict[str, int]:
    totals = dict.fromkeys(LEVELS, 0)
    for cell in cells:
        totals[cell.level] += cell.count
    return totals
