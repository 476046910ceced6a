"""Charts write numbers and dates as the page's language does (CLDR's conventions)."""

from __future__ import annotations

import json
import re

import pytest

from metroscope.core.chart_locale import d3_pattern, vega_locale


def test_cldr_patterns_become_d3_time_formats():
    assert d3_pattern("dd/MM/y") == "%d/%m/%Y"
    assert d3_pattern("d/M/yy") == "%-d/%-m/%y"
    assert d3_pattern("h:mm:ss a") == "%-I:%M:%S %p"
    assert d3_pattern("d 'de' MMMM") == "%-d de %B"


@pytest.mark.parametrize(
    ("language", "decimal", "thousands", "month"),
    [("en", ".", ",", "January"), ("fr", ",", "\u202f", "janvier"), ("es", ",", ".", "enero")],
)
def test_each_language_gets_its_own_signs_and_names(language, decimal, thousands, month):
    locale = vega_locale(language)
    assert locale["number"]["decimal"] == decimal
    assert locale["number"]["thousands"] == thousands
    assert locale["time"]["months"][0] == month
    assert len(locale["time"]["days"]) == 7
    assert len(locale["time"]["shortMonths"]) == 12


@pytest.mark.django_db
def test_a_page_with_charts_carries_the_locale_of_its_language(client):
    html = client.get("/fr/observatory/indicators/pm25_annual_mean/").content.decode()
    found = re.search(r'<script id="chart-locale" type="application/json">(.*?)</script>', html)
    assert found, "no chart locale on a page with charts"
    assert json.loads(found.group(1))["number"]["decimal"] == ","
    assert "vendor/vega-embed.min.js" in html
    assert "cdn" not in html.lower()
