"""The risk register's heat map and levels on hand-checked cases."""

from __future__ import annotations

import pytest

from metroscope.accountability.risks import analytics as risks


def test_heat_map_has_25_cells_with_the_counts_of_each():
    cells = risks.heat_map([(5, 5), (5, 5), (1, 3), (4, 2)])
    assert len(cells) == 25
    assert (cells[0].likelihood, cells[0].impact) == (5, 1)  # top row: likelihood 5
    assert (cells[-1].likelihood, cells[-1].impact) == (1, 5)
    counts = {(c.likelihood, c.impact): c.count for c in cells}
    assert counts[(5, 5)] == 2
    assert counts[(1, 3)] == 1
    assert counts[(4, 2)] == 1
    assert sum(counts.values()) == 4


def test_heat_map_refuses_values_off_the_scale():
    with pytest.raises(ValueError, match="1–5"):
        risks.heat_map([(7, 1)])


@pytest.mark.parametrize(
    ("likelihood", "impact", "level"),
    [(1, 4, "low"), (1, 5, "medium"), (3, 3, "medium"), (2, 5, "high"), (3, 5, "critical")],
)
def test_levels_follow_the_score(likelihood, impact, level):
    assert risks.level(likelihood, impact) == level


def test_level_counts_add_up_the_cells():
    cells = risks.heat_map([(5, 5), (1, 1), (2, 5)])
    assert risks.level_counts(cells) == {"low": 1, "medium": 0, "high": 1, "critical": 1}


def test_on_scale_refuses_booleans_and_outsiders():
    assert risks.on_scale(3)
    assert not risks.on_scale(True)
    assert not risks.on_scale(0)
    assert not risks.on_scale("3")
