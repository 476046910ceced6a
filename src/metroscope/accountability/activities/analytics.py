"""The progress rule for results: pure functions, no ORM."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext_lazy as _

# How far behind the expected share a result may be and still count as "at risk".
AT_RISK_MARGIN = 0.25

RULE = _(
    "Progress compares the share of the target reached with the share of the year elapsed. "
    "Share reached = (actual − baseline) ÷ (target − baseline) (a baseline of 0 when none is "
    "recorded; for a target equal to its baseline, 1 when the target is met, else 0). "
    "Share elapsed = days of the year passed ÷ days in the year (1 once the year is over). "
    "On track: share reached ≥ share elapsed. At risk: share reached ≥ share elapsed − 0.25. "
    "Off track: below that. No actual value: not assessed."
)


class Progress(StrEnum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    NOT_ASSESSED = "not_assessed"

    @property
    def label(self) -> str:
        return str(LABELS[self])


LABELS = {
    Progress.ON_TRACK: _("on track"),
    Progress.AT_RISK: _("at risk"),
    Progress.OFF_TRACK: _("off track"),
    Progress.NOT_ASSESSED: _("not assessed"),
}


@dataclass(frozen=True)
class Assessment:
    status: Progress
    reached: float | None  # share of the target reached (1.0 = target met)
    elapsed: float  # share of the period elapsed on the day of assessment


def year_elapsed(year: int, on: dt.date) -> float:
    """Share of the calendar year `year` elapsed at the end of the day `on` (0 to 1)."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    if on < start:
        return 0.0
    if on >= end:
        return 1.0
    return ((on - start).days + 1) / ((end - start).days + 1)


def share_reached(
    *, baseline: float | None, target: float, actual: float, ascending: bool = True
) -> float:
    """How much of the way from baseline to target the actual value has come."""
    base = 0.0 if baseline is None else baseline
    if target == base:
        met = actual >= target if ascending else actual <= target
        return 1.0 if met else 0.0
    return (actual - base) / (target - base)


def assess(
    *,
    year: int,
    baseline: float | None,
    target: float,
    actual: float | None,
    on: dt.date,
    ascending: bool = True,
) -> Assessment:
    """Place one year's result on track, at risk or off track under the rule in RULE.

    The share reached is (actual − baseline) / (target − baseline), which works for
    descending indicators too (both differences are negative). It is compared with the share
    of the year elapsed on the day `on`: at or above it is on track; within AT_RISK_MARGIN
    (0.25) below it is at risk; further below is off track. Without an actual value the result
    is not assessed.
    """
    elapsed = year_elapsed(year, on)
    if actual is None:
        return Assessment(Progress.NOT_ASSESSED, None, elapsed)
    reached = share_reached(baseline=baseline, target=target, actual=actual, ascending=ascending)
    if reached >= elapsed:
        status = Progress.ON_TRACK
    elif reached >= elapsed - AT_RISK_MARGIN:
        status = Progress.AT_RISK
    else:
        status = Progress.OFF_TRACK
    return Assessment(status, reached, elapsed)
