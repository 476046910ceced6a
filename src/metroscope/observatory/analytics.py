"""Peer statistics of the Observatory, as pure functions over numpy arrays (no ORM inside), so
that pages, the API, downloads and the Board report compute the same numbers the same way.

Definitions (the Observatory's, relied on by tests and users):
- statistics of a set of values: count, mean, median, 25th and 75th percentiles by linear
  interpolation between closest ranks (numpy's default), min, max;
- like against like: a value is compared only with values of the same scale (metro, core city,
  region) and year; national proxies are a country's figure, never ranked among metros;
- enough peers: a percentile rank or a rank rests on at least MIN_PEERS values (the metro's
  own included); with fewer there is none, and the newest year with enough is offered;
- percentile rank of a value among n peers with values: 100 × (L + 0.5 × E) / n, where L
  counts peers strictly lower and E peers equal (the metro itself included);
- "better than": the percentile rank where higher is better, 100 minus it where lower is
  better, nothing for neutral indicators;
- reference year of a network figure: the newest year in which at least half as many metros
  have a value as in the best-covered year (so two early reporters don't stand for all);
- distance to a reference value (a guideline, a target): value − reference, in the unit;
  "meets" it when at or below it where lower is better, at or above where higher is better;
- metros like mine: Euclidean distance over z-scored indicators, using only the indicators
  both metros have, scaled by the share used (d = sqrt(Σ Δz² × K / m)); pairs sharing fewer
  than half of the K indicators are not compared.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]

MIN_PEERS = 5  # the fewest values a percentile rank or a rank may rest on

SIZE_CLASSES: tuple[tuple[str, float, float], ...] = (
    ("lt1m", 0, 1e6),
    ("1m-5m", 1e6, 5e6),
    ("5m-10m", 5e6, 10e6),
    ("ge10m", 10e6, math.inf),
)


@dataclass(frozen=True)
class Stats:
    count: int
    mean: float | None
    median: float | None
    p25: float | None
    p75: float | None
    min: float | None
    max: float | None


def statistics(values: FloatArray) -> Stats:
    """Statistics of the finite values (NaN means "no value")."""
    data = values[np.isfinite(values)]
    if data.size == 0:
        return Stats(0, None, None, None, None, None, None)
    p25, median, p75 = np.percentile(data, [25, 50, 75])
    return Stats(
        count=int(data.size),
        mean=float(data.mean()),
        median=float(median),
        p25=float(p25),
        p75=float(p75),
        min=float(data.min()),
        max=float(data.max()),
    )


def percentile_ranks(values: FloatArray) -> FloatArray:
    """The percentile rank of every value among all of them (NaN stays NaN)."""
    ranks = np.full(values.shape, np.nan)
    finite = np.isfinite(values)
    data = values[finite]
    if data.size == 0:
        return ranks
    ordered = np.sort(data)
    lower = np.searchsorted(ordered, data, side="left")
    equal = np.searchsorted(ordered, data, side="right") - lower
    ranks[finite] = 100.0 * (lower + 0.5 * equal) / data.size
    return ranks


def percentile_rank(value: float, peers: FloatArray) -> float | None:
    """The percentile rank of one value among peers' values (the value counted among them if
    it is one of them: pass the peers including the metro itself)."""
    data = peers[np.isfinite(peers)]
    if data.size == 0 or not math.isfinite(value):
        return None
    lower = int(np.count_nonzero(data < value))
    equal = int(np.count_nonzero(data == value))
    return 100.0 * (lower + 0.5 * equal) / data.size


def sorted_rank(value: float, ordered: FloatArray) -> float | None:
    """percentile_rank for peers' values already sorted ascending (no NaN): two binary
    searches instead of two passes."""
    if ordered.size == 0 or not math.isfinite(value):
        return None
    lower = int(np.searchsorted(ordered, value, side="left"))
    equal = int(np.searchsorted(ordered, value, side="right")) - lower
    return 100.0 * (lower + 0.5 * equal) / ordered.size


def sorted_median(ordered: FloatArray) -> float | None:
    """numpy's median of values already sorted ascending (no NaN), read off the middle
    instead of partitioning again: the mean of the two middle values when their count is
    even, as numpy computes it."""
    n = ordered.size
    if n == 0:
        return None
    low, high = ordered[(n - 1) // 2], ordered[n // 2]
    return float(np.mean([low, high])) if n % 2 == 0 else float(high)


def better_than(rank: float | None, direction: str) -> float | None:
    """The share of peers a metro does better than, given the indicator's direction."""
    if rank is None:
        return None
    if direction == "higher_better":
        return rank
    if direction == "lower_better":
        return 100.0 - rank
    return None


def enough_peers(count: int) -> bool:
    return count >= MIN_PEERS


def newest_year_with_enough(
    counts: Mapping[int, int], *, up_to: int, among: Iterable[int] | None = None
) -> int | None:
    """The newest year, not after `up_to` (and one of `among` when given), whose count of
    peers is at least MIN_PEERS; None when no year has enough."""
    allowed = None if among is None else set(among)
    years = [
        year
        for year, count in counts.items()
        if year <= up_to and enough_peers(count) and (allowed is None or year in allowed)
    ]
    return max(years) if years else None


def reference_year(years: NDArray[np.int64]) -> int | None:
    """The newest year whose count of values (one per metro and year in `years`) is at least
    half the count of the best-covered year; None when there are no values."""
    if years.size == 0:
        return None
    found, counts = np.unique(years, return_counts=True)
    enough = counts * 2 >= counts.max()
    return int(found[enough].max())


@dataclass(frozen=True)
class Distance:
    gap: float  # value − reference, in the indicator's unit
    meets: bool | None  # None where the indicator has no better direction


def distance_to(value: float, reference: float, direction: str) -> Distance:
    gap = float(f"{value - reference:.12g}")  # 12.83, not 12.829999999999998
    if direction == "lower_better":
        return Distance(gap, value <= reference)
    if direction == "higher_better":
        return Distance(gap, value >= reference)
    return Distance(gap, None)


def size_class(population: float | None) -> str | None:
    if population is None or not math.isfinite(population):
        return None
    for code, low, high in SIZE_CLASSES:
        if low <= population < high:
            return code
    return None


@dataclass(frozen=True)
class Neighbour:
    index: int  # row of the matrix
    distance: float
    used: int  # indicators both metros have
    closest: tuple[int, ...]  # columns with the smallest differences, closest first


def zscores(matrix: FloatArray) -> FloatArray:
    """Each column centred on its mean and divided by its standard deviation (NaN kept; a
    column with no spread becomes zeros where it has values)."""
    with warnings.catch_warnings():  # a column without any value is all NaN: that is fine
        warnings.simplefilter("ignore", RuntimeWarning)
        mean = np.nanmean(matrix, axis=0)
        std = np.nanstd(matrix, axis=0)
    std = np.where((std > 0) & np.isfinite(std), std, 1.0)
    return (matrix - mean) / std


@dataclass(frozen=True)
class Space:
    """A z-scored matrix made ready for many "metros like mine" questions: the values with
    zeros for NaN, their squares and the presence mask, so that the distances of every row to
    one target are a few matrix-vector products instead of element-wise passes."""

    z: FloatArray  # rows = metros, NaN = no value
    filled: FloatArray
    squares: FloatArray
    have: FloatArray  # 1.0 where a value, else 0.0


def space(z: FloatArray) -> Space:
    have = np.isfinite(z)
    filled = np.where(have, z, 0.0)
    return Space(z, filled, filled * filled, have.astype(np.float64))


def nearest(z: FloatArray | Space, target: int, k: int, *, reasons: int = 3) -> list[Neighbour]:
    """The k rows closest to `target` in a z-scored matrix (rows = metros, NaN = no value),
    nearest first, ties by row.

    Two steps, exact: over both rows' indicators, Σ(z − t)² = Σz² + Σt² − 2Σzt, three
    products over every row, finds the candidates; its rounding error is below 1e-10 ×
    (Σz² + Σt²) (|2Σzt| ≤ Σz² + Σt², and float64 sums of 40 terms err by far less), so every
    row that can be among the k nearest is kept. Then the kept rows' distances are computed
    term by term, as the definition reads, and those decide the order."""
    prepared = z if isinstance(z, Space) else space(z)
    matrix = prepared.z
    columns = matrix.shape[1]
    if columns == 0 or k < 1:
        return []
    mine = prepared.have[target]
    t = prepared.filled[target]
    used = prepared.have @ mine  # four products: each faster than one of two columns
    others = prepared.have @ (t * t)
    own = prepared.squares @ mine
    cross = prepared.filled @ t
    comparable = (used * 2 >= columns) & (used > 0)
    comparable[target] = False
    candidates = np.flatnonzero(comparable)
    if candidates.size == 0:
        return []
    if candidates.size > k:
        scale = columns / used[candidates]
        approx = np.maximum(own[candidates] + others[candidates] - 2 * cross[candidates], 0.0)
        approx *= scale
        slack = 1e-10 * (own[candidates] + others[candidates]) * scale + 1e-300
        upper = approx + slack
        kth = np.partition(upper, k - 1)[k - 1]
        candidates = candidates[approx - slack <= kth]
    rows = matrix[candidates]
    have = np.isfinite(matrix[target])
    both = np.isfinite(rows) & have
    shared = both.sum(axis=1)
    diff = np.where(both, rows - matrix[target], 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        distance = np.sqrt((diff * diff).sum(axis=1) * columns / shared)
    order = np.lexsort((candidates, distance))[:k]
    result = []
    for at in order:
        cols = np.flatnonzero(both[at])
        gaps = np.abs(diff[at, cols])
        closest = tuple(int(c) for c in cols[np.argsort(gaps, kind="stable")][:reasons])
        result.append(Neighbour(int(candidates[at]), float(distance[at]), int(shared[at]), closest))
    return result
