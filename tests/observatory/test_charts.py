"""Chart specs of the indicator page (tested as data) and the metro profile's sparklines."""

from __future__ import annotations

import statistics

import pytest

from metroscope.observatory import charts, selectors
from metroscope.observatory.charts import sparkline
from metroscope.observatory.models import Indicator, Metro, Observation, Source

PM25 = "pm25_annual_mean"


def test_sparkline_runs_left_to_right_by_year_lowest_value_at_the_bottom():
    line = sparkline([(2010, 3.0), (2000, 1.0), (2005, 2.0)], width=80, height=20, pad=3)
    assert line is not None
    assert line.points == "3,17 40,10 77,3"  # sorted by year; x by year, y inverted
    assert (line.last_x, line.last_y) == (77, 3)  # the newest value gets the dot
    assert (line.width, line.height) == (80, 20)


def test_sparkline_places_uneven_years_by_their_distance():
    line = sparkline([(2000, 0.0), (2001, 10.0), (2010, 5.0)], width=23, height=12, pad=1.5)
    assert line is not None
    assert line.points == "1.5,10.5 3.5,1.5 21.5,6"


def test_sparkline_of_a_flat_or_single_series_and_of_nothing():
    flat = sparkline([(2000, 4.0), (2020, 4.0)], width=80, height=20, pad=3)
    assert flat is not None
    assert flat.points == "3,10 77,10"  # a flat line runs through the middle
    single = sparkline([(2015, 7.0)], width=80, height=20, pad=3)
    assert single is not None
    assert single.points == "77,10"
    assert (single.last_x, single.last_y) == (77, 10)
    assert sparkline([]) is None


def _obs(metro: Metro, year: int, value: float, note: str = "") -> Observation:
    source = Source(code="s", publisher="Publisher", title="Title")
    return Observation(metro=metro, year=year, value=value, note=note, source=source)


@pytest.mark.django_db
def test_distribution_marks_the_chosen_metro_and_the_median():
    pm25 = Indicator.objects.get(code=PM25)
    values = selectors.latest_values(pm25, members_only=True)
    barcelona = next(obs for obs in values if obs.metro.code == "barcelona")
    spec = charts.indicator_distribution(pm25, values, marked=barcelona, members_only=True)
    dots, median_rule, median_text, marked_rule, marked_dot, marked_text = spec["layer"]
    assert len(dots["data"]["values"]) == len(values)
    assert sorted(d["value"] for d in dots["data"]["values"]) == sorted(o.value for o in values)
    median = statistics.median(o.value for o in values)
    assert median_rule["data"]["values"][0]["value"] == pytest.approx(median)
    assert median_text["data"]["values"][0]["label"] == f"Network median: {median:,.1f}"
    assert marked_rule["data"]["values"][0]["value"] == barcelona.value
    assert marked_dot["mark"]["size"] > dots["mark"]["size"]
    assert marked_text["data"]["values"][0]["label"] == f"Barcelona: {barcelona.value:,.1f}"
    assert (
        f"Marked: Barcelona, {barcelona.value:,.1f} µg/m³ in {barcelona.year}."
        in (spec["description"])
    )
    assert spec["layer"][0]["encoding"]["x"]["scale"] == {"zero": False}  # PM2.5: linear


@pytest.mark.django_db
def test_distribution_without_a_mark_and_of_a_wide_spread_on_a_log_axis():
    population = Indicator.objects.get(code="population_urban_agglomeration")
    values = selectors.latest_values(population, members_only=True)
    assert max(o.value for o in values) / min(o.value for o in values) > charts.LOG_SPREAD
    spec = charts.indicator_distribution(population, values, members_only=True)
    assert len(spec["layer"]) == 3  # dots, median rule, median label: nothing marked
    assert spec["layer"][0]["encoding"]["x"]["scale"]["type"] == "log"
    assert "Marked" not in spec["description"]
    everywhere = charts.indicator_distribution(population, values, members_only=False)
    label = everywhere["layer"][2]["data"]["values"][0]["label"]
    assert label.startswith("Median of the metros shown: ")


def test_log_scale_only_for_sizes_and_money_spread_widely():
    persons = Indicator(code="p", unit="persons")
    assert charts.uses_log_scale(persons, [1_000, 30_000_000])
    assert not charts.uses_log_scale(persons, [0, 30_000_000])  # no log of zero
    assert not charts.uses_log_scale(persons, [1_000, 5_000])
    assert not charts.uses_log_scale(persons, [])
    assert not charts.uses_log_scale(Indicator(code="s", unit="percent"), [0.1, 90])


def test_series_draws_one_line_per_metro_and_dashes_projections():
    a = Metro(pk=1, code="a", name="Alpha", country_iso3="AAA")
    b = Metro(pk=2, code="b", name="Beta", country_iso3="BBB")
    observations = [
        _obs(a, 2010, 1.0),
        _obs(a, 2015, 2.0),
        _obs(a, 2020, 2.5, note=charts.PROJECTION_NOTE),
        _obs(a, 2030, 3.0, note=charts.PROJECTION_NOTE),
        _obs(b, 2010, 4.0),
        _obs(b, 2015, 5.0),
    ]
    indicator = Indicator(code="x", unit="persons", decimals=0)
    spec = charts.indicator_series(indicator, observations, [b, a], sex_label="Total", now=2026)
    line, points = spec["layer"]
    assert spec["encoding"]["color"]["scale"]["domain"] == ["Beta (BBB)", "Alpha (AAA)"]
    rows = spec["data"]["values"]
    assert {r["series"] for r in rows} == {"Alpha (AAA)", "Beta (BBB)"}
    alpha = [r for r in rows if r["series"] == "Alpha (AAA)" and not r.get("bridge")]
    assert [(r["year"], r["segment"]) for r in alpha] == [
        (2010, "published value"),
        (2015, "published value"),
        (2020, "projection"),
        (2030, "projection"),
    ]
    # The dashed line starts at the last published value, which is drawn once as a dot.
    bridge = [r for r in rows if r.get("bridge")]
    assert [(r["series"], r["year"], r["segment"]) for r in bridge] == [
        ("Alpha (AAA)", 2015, "projection")
    ]
    assert points["transform"] == [{"filter": "!datum.bridge"}]
    dash = line["encoding"]["strokeDash"]
    assert dash["field"] == "segment"
    assert dash["scale"]["domain"] == ["published value", "projection"]
    assert dash["scale"]["range"][1] != [1, 0]  # projections are dashed
    tips = [t["field"] for t in points["encoding"]["tooltip"]]
    assert tips == ["series", "year", "value", "source", "segment"]
    assert not any(r["dashed"] for r in rows if r["series"] == "Beta (BBB)")


def test_a_later_year_is_a_projection_whatever_its_note():
    metro = Metro(code="a", name="A", country_iso3="AAA")
    assert charts.is_projection(_obs(metro, 2031, 1.0), now=2026)
    assert charts.is_projection(_obs(metro, 2020, 1.0, note=charts.PROJECTION_NOTE), now=2026)
    assert not charts.is_projection(_obs(metro, 2026, 1.0), now=2026)
