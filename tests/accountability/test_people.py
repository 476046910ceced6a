"""The gender balance computation on hand-checked cases."""

from __future__ import annotations

import datetime as dt

import pytest

from metroscope.accountability.people import analytics as people
from metroscope.accountability.people.analytics import Split


def test_split_counts_every_gender_and_shares_among_the_stated():
    split = Split()
    split.add("female", 3)
    split.add("male", 5)
    split.add("not_stated", 2)
    # 3 women of 8 people whose gender is stated; the 2 not stated are left out of the share.
    assert split.total == 10
    assert split.stated == 8
    assert split.women_share == pytest.approx(0.375)
    assert split["another"] == 0


def test_nobody_stated_has_no_share():
    split = Split()
    split.add("not_stated", 4)
    assert split.total == 4
    assert split.women_share is None
    assert Split().women_share is None


def test_an_unknown_gender_is_refused():
    with pytest.raises(ValueError, match="unknown gender 'x'"):
        Split().add("x", 1)


def test_gender_balance_groups_by_group_and_year_in_order():
    rows = [
        ("speakers", 2022, "female", 1),
        ("participants", 2022, "male", 4),
        ("participants", 2021, "female", 2),
        ("participants", 2022, "female", 6),
        ("participants", 2021, "another", 1),
        ("bodies", 2021, "male", 1),
    ]
    balance = people.gender_balance(rows)
    assert [(b.group, b.year) for b in balance] == [
        ("participants", 2021),
        ("participants", 2022),
        ("speakers", 2022),
        ("bodies", 2021),
    ]
    p2021, p2022 = balance[0].split, balance[1].split
    assert (p2021.total, p2021["female"], p2021["another"]) == (3, 2, 1)
    assert p2021.women_share == pytest.approx(2 / 3)
    assert (p2022.total, p2022.women_share) == (10, pytest.approx(0.6))


def test_split_by_keeps_the_first_order_of_keys():
    splits = people.split_by([("b", "male", 2), ("a", "female", 1), ("b", "female", 2)])
    assert list(splits) == ["b", "a"]
    assert splits["b"].women_share == 0.5


def test_years_a_mandate_was_held():
    years = [2018, 2019, 2020, 2021]
    # 2015-2018 counts in 2018 (held in its first days); an open mandate runs to the last year.
    assert people.years_held(dt.date(2015, 1, 1), dt.date(2018, 1, 1), years) == [2018]
    assert people.years_held(dt.date(2019, 6, 1), None, years) == [2019, 2020, 2021]
    assert people.years_held(dt.date(2022, 1, 1), None, years) == []


def test_mandate_rows_count_one_person_per_year_held():
    rows = people.mandate_rows(
        [
            (dt.date(2018, 1, 1), None, "male"),
            (dt.date(2019, 1, 1), dt.date(2019, 12, 1), "female"),
        ],
        [2018, 2019],
    )
    balance = {b.year: b.split for b in people.gender_balance(rows)}
    assert balance[2018].counts == {"female": 0, "male": 1, "another": 0, "not_stated": 0}
    assert balance[2019].women_share == 0.5
