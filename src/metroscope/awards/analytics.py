"""Pure computations of the jury's work: a juror's weighted score of a submission, the mean
and spread across jurors, and the ranking with ties. Data in, data out; no ORM."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _


def weights_problems(weights: Sequence[int]) -> list[str]:
    """Why a rubric's weights are not usable (empty when they are): each positive, sum 100."""
    problems = []
    if not weights:
        problems.append(_("The rubric has no criteria."))
    if any(w <= 0 for w in weights):
        problems.append(_("Every weight must be positive."))
    if weights and sum(weights) != 100:
        problems.append(_("The weights sum to %(total)s, not 100.") % {"total": sum(weights)})
    return problems


def weighted_score(values: Mapping[int, float], weights: Mapping[int, int]) -> float | None:
    """Σ weight × score / Σ weight over the rubric's criteria; None unless every one is scored
    (a half-filled sheet does not count)."""
    if not weights or any(c not in values for c in weights):
        return None
    total = sum(weights.values())
    return sum(weights[c] * values[c] for c in weights) / total


@dataclass(frozen=True)
class Summary:
    jurors: int
    mean: float | None
    stdev: float | None  # population standard deviation across jurors
    low: float | None
    high: float | None


def summarize(scores: Sequence[float]) -> Summary:
    if not scores:
        return Summary(0, None, None, None, None)
    n = len(scores)
    mean = sum(scores) / n
    stdev = math.sqrt(sum((s - mean) ** 2 for s in scores) / n)
    return Summary(n, mean, stdev, min(scores), max(scores))


def rank(means: Mapping[int, float | None]) -> dict[int, int | None]:
    """Standard competition ranking ("1224"): equal means share a rank, the next rank skips;
    submissions without a complete score have no rank. Means are compared at 6 decimals so
    float noise does not break a tie."""
    scored = {key: round(m, 6) for key, m in means.items() if m is not None}
    ordered = sorted(scored.values(), reverse=True)
    ranks: dict[int, int | None] = dict.fromkeys(means)
    for key, mean in scored.items():
        ranks[key] = ordered.index(mean) + 1
    return ranks
