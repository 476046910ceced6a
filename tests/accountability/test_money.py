"""Money computations, checked by hand: conversion, shares, HHI, funding mix, budget vs actual."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from metroscope.accountability.ledger import analytics as money


def test_to_eur_uses_the_rate_on_the_row_and_rounds_half_to_even():
    assert money.to_eur(D("100"), D("0.92")) == D("92.00")
    assert money.to_eur(D("1000"), D("0.0000625")) == D("0.06")  # 0.0625 → 0.06
    assert money.to_eur(D("1"), D("0.125")) == D("0.12")  # half to even
    assert money.to_eur(D("1"), D("0.135")) == D("0.14")


def test_to_eur_refuses_a_rate_of_zero():
    with pytest.raises(ValueError, match="positive"):
        money.to_eur(D("1"), D("0"))


def test_shares_sum_to_one_and_are_zero_without_a_total():
    assert money.shares([D(3), D(1)]) == [0.75, 0.25]
    assert money.shares([D(0), D(0)]) == [0.0, 0.0]


def test_hhi_is_one_for_a_single_source_and_a_quarter_for_four_equal_ones():
    assert money.hhi([D(500)]) == 1.0
    assert money.hhi([D(1)] * 4) == pytest.approx(0.25)
    # 60/30/10 → 0.36 + 0.09 + 0.01
    assert money.hhi([D(60), D(30), D(10)]) == pytest.approx(0.46)
    assert money.hhi([]) == 0


def test_largest_share():
    assert money.largest_share([D(60), D(30), D(10)]) == pytest.approx(0.6)
    assert money.largest_share([]) == 0.0


def test_funding_mix_groups_partners_into_one_kind_per_year():
    mix = money.funding_mix(
        [
            (2021, "partner", D(20)),
            (2021, "partner", D(10)),
            (2021, "membership_fees", D(70)),
            (2020, "in_kind", D(5)),
        ]
    )
    assert [m.year for m in mix] == [2020, 2021]
    year = mix[1]
    assert year.total_eur == D(100)
    assert [(r.kind, r.amount_eur) for r in year.rows] == [
        ("membership_fees", D(70)),
        ("partner", D(30)),
    ]
    assert year.largest_share == pytest.approx(0.7)
    assert year.hhi == pytest.approx(0.49 + 0.09)
    assert mix[0].hhi == 1.0


def test_budget_vs_actual_by_key_with_variance_and_execution():
    rows = money.budget_vs_actual(
        [("L1", D(100)), ("L1", D(50)), ("L2", D(80))], [("L1", D(120)), ("L3", D(5))]
    )
    assert [(r.key, r.budget_eur, r.actual_eur) for r in rows] == [
        ("L1", D(150), D(120)),
        ("L2", D(80), D(0)),
        ("L3", D(0), D(5)),
    ]
    assert rows[0].variance_eur == D(-30)
    assert rows[0].execution == pytest.approx(0.8)
    assert rows[2].execution is None


def test_fee_totals_count_members_paid_in_full():
    totals = money.fee_totals([(D(100), D(100)), (D(100), D(40)), (D(50), D(0))])
    assert totals.members == 3
    assert totals.due_eur == D(250)
    assert totals.paid_eur == D(140)
    assert totals.paid_in_full == 1
    assert totals.collected == pytest.approx(0.56)
