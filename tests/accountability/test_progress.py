"""The progress rule on hand-checked cases."""

from __future__ import annotations

import datetime as dt

import pytest

from metroscope.accountability.activities.analytics import (
    Progress,
    assess,
    share_reached,
    year_elapsed,
)

MID_2022 = dt.date(2022, 7, 2)  # day 183 of 365


def test_year_elapsed_counts_whole_days():
    assert year_elapsed(2022, dt.date(2021, 12, 31)) == 0.0
    assert year_elapsed(2022, dt.date(2022, 1, 1)) == pytest.approx(1 / 365)
    assert year_elapsed(2022, MID_2022) == pytest.approx(183 / 365)
    assert year_elapsed(2022, dt.date(2022, 12, 31)) == 1.0
    assert year_elapsed(2024, dt.date(2024, 12, 30)) == pytest.approx(365 / 366)


def test_share_reached_from_baseline_to_target():
    assert share_reached(baseline=10, target=30, actual=20) == 0.5
    assert share_reached(baseline=None, target=40, actual=10) == 0.25
    # Descending: emissions from 100 down to 60; at 90 a quarter of the way.
    assert share_reached(baseline=100, target=60, actual=90, ascending=False) == 0.25
    assert share_reached(baseline=5, target=5, actual=5) == 1.0
    assert share_reached(baseline=5, target=5, actual=4) == 0.0
    assert share_reached(baseline=5, target=5, actual=4, ascending=False) == 1.0


@pytest.mark.parametrize(
    ("actual", "expected"),
    [
        (60, Progress.ON_TRACK),  # reached 0.6 ≥ elapsed 0.501
        (30, Progress.AT_RISK),  # reached 0.3 ≥ 0.501 − 0.25
        (20, Progress.OFF_TRACK),  # reached 0.2 < 0.251
        (None, Progress.NOT_ASSESSED),
    ],
)
def test_assess_mid_year(actual, expected):
    result = assess(year=2022, baseline=0, target=100, actual=actual, on=MID_2022)
    assert result.status == expected
    assert result.elapsed == pytest.approx(183 / 365)


def test_after_the_year_only_the_target_is_on_track():
    after = dt.date(2023, 3, 1)
    assert assess(year=2022, baseline=0, target=10, actual=10, on=after).status == "on_track"
    assert assess(year=2022, baseline=0, target=100, actual=75, on=after).status == "at_risk"
    assert assess(year=2022, baseline=0, target=100, actual=74, on=after).status == "off_track"


def test_before_the_year_anything_recorded_is_on_track():
    before = dt.date(2021, 6, 1)
    assert assess(year=2022, baseline=0, target=10, actual=0, on=before).status == "on_track"


def test_descending_indicator_going_the_wrong_way_is_off_track():
    result = assess(year=2022, baseline=100, target=60, actual=110, on=MID_2022, ascending=False)
    assert result.reached == pytest.approx(-0.25)
    assert result.status == Progress.OFF_TRACK
