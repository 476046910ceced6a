"""The opportunity matrix and member engagement: hand-checked computations, the pages and their
pinned query counts."""

from __future__ import annotations

from decimal import Decimal

import pytest

from metroscope.accountability.dashboards import analytics as dashboards

T = dashboards.Tagged


def test_matrix_counts_an_activity_in_each_of_its_cells_with_its_spending():
    grid = dashboards.opportunity_matrix(
        challenges=["C1", "C2"],
        themes=["T1", "T2"],
        activities=[
            T(1, frozenset({"T1", "T2"}), frozenset({"C1"})),
            T(2, frozenset({"T1"}), frozenset({"C1", "C2"})),
            T(3, frozenset(), frozenset({"C1"})),  # no theme: in no cell
            T(4, frozenset({"T9"}), frozenset({"C1"})),  # a theme outside the matrix
        ],
        spending={1: Decimal("100"), 2: Decimal("30.50")},
        solutions=[T(7, frozenset({"T2"}), frozenset({"C1", "C2"}))],
    )
    cells = {(c.challenge, c.theme): c for row in grid for c in row}
    assert cells[("C1", "T1")].activities == [1, 2]
    assert cells[("C1", "T1")].spending_eur == Decimal("130.50")
    assert cells[("C1", "T2")].activities == [1]
    assert cells[("C1", "T2")].solutions == [7]
    assert cells[("C2", "T1")].activities == [2]
    assert cells[("C2", "T1")].spending_eur == Decimal("30.50")
    assert cells[("C2", "T2")].activities == []
    assert cells[("C2", "T2")].solutions == [7]


def test_tagged_folds_join_rows_and_keeps_untagged_rows():
    rows = [(1, "T1", "C1"), (1, "T2", "C1"), (2, None, None)]
    assert dashboards.tagged(rows) == [
        T(1, frozenset({"T1", "T2"}), frozenset({"C1"})),
        T(2, frozenset(), frozenset()),
    ]


def test_engagement_per_member_region_and_never_reached():
    result = dashboards.engagement(
        members=[
            (1, "Barcelona", "eu"),
            (2, "Berlin", "eu"),
            (3, "Seoul", "as"),
            (4, "Oslo", "eu"),
        ],
        regions=["eu", "as", "af"],
        links=[(10, 1), (11, 1), (10, 3), (11, 1)],
    )
    assert [(m.name, m.activities) for m in result.members[:2]] == [
        ("Barcelona", [10, 11]),
        ("Seoul", [10]),
    ]
    assert [m.name for m in result.never_reached] == ["Berlin", "Oslo"]
    eu, asia, africa = result.regions
    assert (eu.members, eu.reached, eu.activities) == (3, 1, 2)
    assert eu.share_reached == pytest.approx(1 / 3)
    assert (asia.members, asia.reached, asia.activities) == (1, 1, 1)
    assert africa.share_reached is None
    assert result.activities == 2
    assert result.reached == 2
