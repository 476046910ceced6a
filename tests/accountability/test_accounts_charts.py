"""Chart specs of the money and carbon pages, as data."""

from __future__ import annotations

from decimal import Decimal as D

from metroscope.accountability.carbon import analytics as carbon
from metroscope.accountability.carbon import charts as carbon_charts
from metroscope.accountability.ledger import analytics as money
from metroscope.accountability.ledger import charts as ledger_charts
from metroscope.accountability.templatetags.plan_accounts import percent, tonnes


def test_funding_mix_chart_has_one_row_per_year_and_kind_with_the_amounts():
    mix = money.funding_mix([(2021, "membership_fees", D(70)), (2021, "partner", D(30))])
    spec = ledger_charts.funding_mix_chart(mix)
    assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/")
    rows = spec["data"]["values"]
    assert [(r["year"], r["kind"], r["count"]) for r in rows] == [
        ("2021", "Membership fees", 70.0),
        ("2021", "Partner contribution", 30.0),
    ]
    assert spec["encoding"]["x"]["stack"] == "normalize"


def test_emissions_chart_in_tonnes_with_the_target_path():
    rows = carbon.against_target({2019: 2000.0, 2021: 1500.0}, carbon.Target(2019, 2023, 0.5))
    spec = carbon_charts.emissions_chart(rows)
    assert spec["data"]["values"] == [
        {"year": "2019", "tonnes": 2.0, "path": 2.0},
        {"year": "2021", "tonnes": 1.5, "path": 1.5},
    ]
    assert [layer["mark"]["type"] for layer in spec["layer"]] == ["bar", "line"]


def test_percent_and_tonnes_filters():
    assert percent(0.4567) == "45.7 %"
    assert percent(None) == "—"
    assert tonnes(12345.0) == "12.3"
    assert tonnes(None) == "—"
