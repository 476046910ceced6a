"""Peer statistics: hand-checked cases and properties against numpy and brute force."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from metroscope.observatory import analytics as a

NAN = math.nan


def test_statistics_by_hand():
    s = a.statistics(np.array([4.0, 1.0, 3.0, 2.0, NAN]))
    assert s.count == 4
    assert s.mean == 2.5
    assert s.median == 2.5
    assert s.p25 == 1.75  # 1 + 0.75 × (2 − 1): linear between closest ranks
    assert s.p75 == 3.25
    assert (s.min, s.max) == (1.0, 4.0)
    assert a.statistics(np.array([NAN])).count == 0


def test_percentile_rank_counts_ties_half_and_the_metro_itself():
    values = np.array([10.0, 20.0, 20.0, 30.0])
    # 20: one lower, two equal (itself included) -> 100 × (1 + 1) / 4 = 50
    assert a.percentile_rank(20.0, values) == 50.0
    assert a.percentile_rank(10.0, values) == 12.5
    assert a.percentile_rank(30.0, values) == 87.5
    assert list(a.percentile_ranks(values)) == [12.5, 50.0, 50.0, 87.5]
    assert a.percentile_rank(5.0, np.array([NAN])) is None


def test_better_than_turns_around_when_lower_is_better():
    assert a.better_than(87.5, "higher_better") == 87.5
    assert a.better_than(87.5, "lower_better") == 12.5
    assert a.better_than(87.5, "neutral") is None
    assert a.better_than(None, "higher_better") is None


@pytest.mark.parametrize(
    ("population", "klass"),
    [(999_999, "lt1m"), (1e6, "1m-5m"), (5e6, "5m-10m"), (10e6, "ge10m"), (None, None)],
)
def test_size_classes(population, klass):
    assert a.size_class(population) == klass


finite = st.floats(-1e6, 1e6, allow_nan=False)


@settings(max_examples=200, deadline=None)
@given(arrays(np.float64, st.integers(1, 60), elements=finite))
def test_statistics_match_numpy(values):
    s = a.statistics(values)
    assert s.count == values.size
    assert s.mean == pytest.approx(np.mean(values), rel=1e-9, abs=1e-6)
    assert s.median == pytest.approx(np.median(values))
    assert s.p25 == pytest.approx(np.percentile(values, 25))
    assert s.p75 == pytest.approx(np.percentile(values, 75))


@settings(max_examples=200, deadline=None)
@given(arrays(np.float64, st.integers(1, 40), elements=st.integers(0, 5).map(float)))
def test_vectorised_ranks_equal_the_definition(values):
    expected = [
        100 * ((values < v).sum() + 0.5 * (values == v).sum()) / values.size for v in values
    ]
    assert np.allclose(a.percentile_ranks(values), expected)


def brute_force(matrix, target, k):
    z = a.zscores(matrix)
    columns = z.shape[1]
    found = []
    for row in range(z.shape[0]):
        if row == target:
            continue
        pairs = [
            (z[row, c], z[target, c])
            for c in range(columns)
            if math.isfinite(z[row, c]) and math.isfinite(z[target, c])
        ]
        if len(pairs) * 2 < columns:
            continue
        d = math.sqrt(sum((x - y) ** 2 for x, y in pairs) * columns / len(pairs))
        found.append((d, row))
    return [row for _, row in sorted(found)[:k]]


def test_nearest_skips_pairs_sharing_less_than_half_and_scales_by_share():
    matrix = np.array(
        [
            [1.0, 1.0, 1.0, 1.0],  # target
            [1.0, 1.0, NAN, NAN],  # shares 2 of 4: compared, distance scaled ×2
            [1.0, NAN, NAN, NAN],  # shares 1 of 4: not compared
            [2.0, 2.0, 2.0, 2.0],
            [1.0, 1.0, 1.0, 9.0],
        ]
    )
    result = a.nearest(a.zscores(matrix), 0, k=10)
    rows = [n.index for n in result]
    assert 2 not in rows
    assert rows[0] == 1
    assert result[0].distance == 0.0
    assert result[0].used == 2
    assert rows == brute_force(matrix, 0, 10)


@settings(max_examples=60, deadline=None)
@given(
    arrays(
        np.float64,
        st.tuples(st.integers(2, 30), st.integers(1, 6)),
        elements=st.one_of(st.just(NAN), st.floats(-100, 100, allow_nan=False)),
    ),
    st.integers(1, 8),
)
def test_nearest_equals_brute_force(matrix, k):
    expected = brute_force(matrix, 0, k)
    got = [n.index for n in a.nearest(a.zscores(matrix), 0, k)]
    assert got == expected


@settings(max_examples=200, deadline=None)
@given(
    arrays(np.float64, st.integers(1, 40), elements=st.integers(0, 5).map(float)),
    st.integers(-1, 6).map(float),
)
def test_sorted_rank_equals_percentile_rank(values, value):
    assert a.sorted_rank(value, np.sort(values)) == pytest.approx(a.percentile_rank(value, values))


def test_reference_year_is_the_newest_year_at_least_half_as_covered_as_the_best():
    years = np.array([2016] * 10 + [2018] * 6 + [2019] * 5 + [2020] * 4 + [2021] * 1)
    assert a.reference_year(years) == 2019  # 5 ≥ 10 / 2; 2020's 4 and 2021's 1 are too few
    assert a.reference_year(np.array([2021, 2021])) == 2021
    assert a.reference_year(np.array([], dtype=np.int64)) is None


def test_distance_to_a_reference_value_by_direction():
    assert a.distance_to(17.83, 5, "lower_better") == a.Distance(12.83, False)
    assert a.distance_to(4.0, 5, "lower_better") == a.Distance(-1.0, True)
    assert a.distance_to(5.0, 5, "lower_better").meets is True  # at the guideline meets it
    assert a.distance_to(80.0, 75, "higher_better") == a.Distance(5.0, True)
    assert a.distance_to(70.0, 75, "higher_better").meets is False
    assert a.distance_to(70.0, 75, "neutral") == a.Distance(-5.0, None)


def test_nearest_keeps_every_tie_at_the_kth_place_and_equals_brute_force():
    # 400 metros on a coarse grid: many exact ties, gaps, and rows sharing too few columns,
    # so the fast candidate step must keep every row tied with the k-th nearest.
    rng = np.random.default_rng(7)
    matrix = rng.integers(0, 4, size=(400, 12)).astype(float)
    matrix[rng.random(matrix.shape) < 0.25] = NAN
    prepared = a.space(a.zscores(matrix))
    for target in (0, 17, 123):
        for k in (1, 5, 20):
            got = [n.index for n in a.nearest(prepared, target, k)]
            assert got == brute_force(matrix, target, k)


@settings(max_examples=200, deadline=None)
@given(arrays(np.float64, st.integers(0, 60), elements=st.floats(-1e6, 1e6, allow_nan=False)))
def test_sorted_median_equals_numpys_median(values):
    ordered = np.sort(values)
    expected = None if values.size == 0 else float(np.median(values))
    assert a.sorted_median(ordered) == expected


def test_newest_year_with_enough_peers_by_hand():
    counts = {2015: 63, 2019: 50, 2020: 18, 2021: 2, 2022: 4, 2030: 90}
    assert a.MIN_PEERS == 5
    assert a.enough_peers(5)
    assert not a.enough_peers(4)
    assert a.newest_year_with_enough(counts, up_to=2026) == 2020  # 2030 is a projection
    assert a.newest_year_with_enough(counts, up_to=2026, among=[2015, 2021]) == 2015
    assert a.newest_year_with_enough(counts, up_to=2026, among=[2021, 2022]) is None
    assert a.newest_year_with_enough({}, up_to=2026) is None
