"""The listening app's Vega-Lite specs, checked as data."""

from __future__ import annotations

from metroscope.listening import charts
from metroscope.listening.analytics import MedianRow


def test_median_times_chart_has_a_point_per_month_and_measure_and_skips_gaps():
    rows = [
        MedianRow("2026-03", 3, 3, 2, 4.04, 36.0),
        MedianRow("2026-04", 1, 0, 0, None, None),
    ]
    spec = charts.median_times_by_month(
        rows, first_title="First", resolution_title="Closed", description="d"
    )
    assert spec["data"]["values"] == [
        {"month": "2026-03", "measure": "First", "hours": 4.0},
        {"month": "2026-03", "measure": "Closed", "hours": 36.0},
    ]
    assert spec["encoding"]["color"]["scale"]["domain"] == ["First", "Closed"]
    assert spec["description"] == "d"


def test_option_counts_chart_keeps_the_option_order_and_one_colour_per_group():
    rows = [{"option": "B", "group": "Europe", "count": 2}]
    spec = charts.option_counts_by(
        rows,
        options=["A", "B"],
        groups=["Africa", "Europe"],
        option_title="Answer",
        group_title="Region",
        description="d",
    )
    assert spec["encoding"]["y"]["sort"] == ["A", "B"]
    # "A" was chosen by nobody: it keeps its place on the axis, with no bar
    assert spec["encoding"]["y"]["scale"]["domain"] == ["A", "B"]
    assert spec["encoding"]["x"]["axis"] == {"format": "d", "tickMinStep": 1}
    assert spec["encoding"]["color"]["scale"]["domain"] == ["Africa", "Europe"]
    assert len(spec["encoding"]["color"]["scale"]["range"]) == 2
    assert spec["data"]["values"] == rows


def test_option_counts_chart_reuses_colours_past_the_palette():
    groups = [f"g{i}" for i in range(10)]
    spec = charts.option_counts_by(
        [], options=[], groups=groups, option_title="", group_title="", description=""
    )
    colours = spec["encoding"]["color"]["scale"]["range"]
    assert len(colours) == 10
    assert colours[8] == colours[0]
