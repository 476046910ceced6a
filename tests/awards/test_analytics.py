"""The jury's arithmetic, checked by hand."""

from __future__ import annotations

import math

import pytest

from metroscope.awards import analytics


def test_weighted_score_is_the_weighted_mean_of_the_criteria():
    # 40% × 8 + 35% × 6 + 25% × 10 = 3.2 + 2.1 + 2.5 = 7.8
    assert analytics.weighted_score({1: 8, 2: 6, 3: 10}, {1: 40, 2: 35, 3: 25}) == pytest.approx(
        7.8
    )


def test_a_half_filled_sheet_has_no_score():
    assert analytics.weighted_score({1: 8}, {1: 40, 2: 60}) is None


def test_weights_must_be_positive_and_sum_to_100():
    assert analytics.weights_problems([40, 35, 25]) == []
    assert analytics.weights_problems([50, 40]) == ["The weights sum to 90, not 100."]
    assert "Every weight must be positive." in analytics.weights_problems([100, 0])
    assert analytics.weights_problems([]) == ["The rubric has no criteria."]


def test_summary_gives_mean_population_spread_and_range():
    # scores 6, 8, 10: mean 8; deviations -2, 0, 2; variance (4+0+4)/3 = 8/3
    summary = analytics.summarize([6.0, 8.0, 10.0])
    assert summary.jurors == 3
    assert summary.mean == pytest.approx(8.0)
    assert summary.stdev == pytest.approx(math.sqrt(8 / 3))
    assert (summary.low, summary.high) == (6.0, 10.0)


def test_summary_of_nothing_is_empty():
    assert analytics.summarize([]).mean is None


def test_ranking_shares_ranks_on_ties_and_skips_the_next():
    ranks = analytics.rank({1: 7.8, 2: 9.0, 3: 7.8, 4: 5.0, 5: None})
    assert ranks == {2: 1, 1: 2, 3: 2, 4: 4, 5: None}


def test_float_noise_does_not_break_a_tie():
    assert analytics.rank({1: 0.1 + 0.2, 2: 0.3}) == {1: 1, 2: 1}
