from __future__ import annotations

from datetime import UTC, datetime

import pytest

from metroscope.listening import analytics
from metroscope.listening.analytics import RequestTimes


def at(day: int, hour: int = 0, month: int = 3) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


def test_hours_are_calendar_hours_and_none_until_it_happens():
    assert analytics.hours_between(at(6, 9), at(6, 15)) == 6
    assert analytics.hours_between(at(6, 18), at(9, 9)) == 63  # Friday evening to Monday
    assert analytics.hours_between(at(6), None) is None


def test_median_leaves_out_what_has_not_happened():
    assert analytics.median([1, None, 3, 10]) == 3
    assert analytics.median([2, 4]) == 3
    assert analytics.median([None]) is None


ITEMS = [
    RequestTimes(at(2, 9), at(2, 11), at(3, 9), "Europe"),  # 2 h, 24 h
    RequestTimes(at(10, 9), at(10, 13), None, "Europe"),  # 4 h, open
    RequestTimes(at(20, 0), at(21, 0), at(22, 0), "Asia-Pacific"),  # 24 h, 48 h
    RequestTimes(at(1, 0, month=4), None, None, "Asia-Pacific"),  # waiting
]


def test_medians_by_month_hand_checked():
    march, april = analytics.medians_by_month(ITEMS)
    assert (march.group, march.requests, march.answered, march.closed) == ("2026-03", 3, 3, 2)
    assert march.median_first_response_hours == 4
    assert march.median_resolution_hours == 36
    assert (april.group, april.requests, april.answered) == ("2026-04", 1, 0)
    assert april.median_first_response_hours is None


def test_medians_by_region_keep_the_registry_order_and_empty_regions():
    rows = analytics.medians_by_region(ITEMS, ["Africa", "Asia-Pacific", "Europe"])
    assert [r.group for r in rows] == ["Africa", "Asia-Pacific", "Europe"]
    assert rows[0].requests == 0
    assert rows[0].median_first_response_hours is None
    assert rows[1].median_first_response_hours == 24
    assert rows[1].median_resolution_hours == 48
    assert rows[2].median_first_response_hours == 3
    assert rows[2].median_resolution_hours == 24


def test_response_rates_by_region_and_total():
    rows = analytics.response_rates({"Africa": 4, "Europe": 10, "Empty": 0}, {"Europe": 5})
    assert [(r.region, r.members, r.responded) for r in rows] == [
        ("Africa", 4, 0),
        ("Europe", 10, 5),
        ("Empty", 0, 0),
        ("", 14, 5),
    ]
    assert rows[0].rate == 0
    assert rows[1].rate == pytest.approx(0.5)
    assert rows[2].rate is None
    assert rows[3].rate == pytest.approx(5 / 14)


def test_mean_ranks_and_option_counts():
    assert analytics.mean_ranks([[1, 2, 3], [3, 2, 1]]) == {1: 2, 2: 2, 3: 2}
    assert analytics.mean_ranks([[7, 8], [7, 8], [8, 7]]) == pytest.approx({7: 4 / 3, 8: 5 / 3})
    counted = analytics.option_counts([("a", "Europe"), ("a", "Europe"), ("b", "Africa")])
    assert counted == {("a", "Europe"): 2, ("b", "Africa"): 1}
