from __future__ import annotations

from metroscope.core.charts import MapPoint, stacked_share_bar, world_map


def test_world_map_layers_outline_and_points_with_one_colour_per_group():
    points = [
        MapPoint(name="A", latitude=1.0, longitude=2.0, group="Asia", detail="", url="/a/"),
        MapPoint(name="B", latitude=3.0, longitude=4.0, group="Africa", detail="", url="/b/"),
        MapPoint(name="C", latitude=5.0, longitude=6.0, group="Asia", detail="", url="/c/"),
    ]
    spec = world_map(
        points, outline_url="/static/geo/x.json", group_title="Region", description="d"
    )
    outline, dots = spec["layer"]
    assert outline["data"]["url"] == "/static/geo/x.json"
    assert outline["mark"]["type"] == "geoshape"
    assert dots["data"]["values"] == points
    colour = dots["encoding"]["color"]["scale"]
    assert colour["domain"] == ["Africa", "Asia"]
    assert len(colour["range"]) == 2
    assert not any(str(v).startswith("http") for v in (outline["data"]["url"],))


def test_stacked_share_bar_normalises_counts():
    spec = stacked_share_bar(
        [{"body": "Board", "gender": "Female", "count": 2, "series_order": 0}],
        category="body",
        category_title="Body",
        series="gender",
        series_title="Gender",
        series_order=["Female", "Male"],
        description="d",
    )
    assert spec["encoding"]["x"]["stack"] == "normalize"
    assert spec["encoding"]["color"]["scale"]["domain"] == ["Female", "Male"]


def test_ranking_bars_and_value_map_are_valid_specs():
    from metroscope.core.charts import ranking_bars, value_map

    rows = [{"name": "A", "value": 2.0, "url": "/a/", "highlight": False}]
    bars = ranking_bars(rows, value_title="µg/m³", description="ranking")
    assert bars["data"]["values"] == rows
    assert bars["encoding"]["x"]["field"] == "value"
    assert bars["encoding"]["y"]["sort"] is None  # keeps the order given
    points = [{"name": "A", "latitude": 1.0, "longitude": 2.0, "value": 3.0, "url": "/a/"}]
    world = value_map(
        points, outline_url="/static/geo/countries-110m.json", value_title="x", description="map"
    )
    assert world["layer"][0]["data"]["url"].startswith("/static/")
    assert world["layer"][1]["encoding"]["size"]["field"] == "value"


def test_stacked_count_bars_keep_the_rows_order_and_whole_counts():
    from metroscope.core.charts import stacked_count_bars

    rows = [
        {"category": "Europe", "series": "Yes", "count": 3, "order": 0},
        {"category": "Europe", "series": "No", "count": 1, "order": 1},
        {"category": "Africa", "series": "Yes", "count": 0, "order": 0},
    ]
    spec = stacked_count_bars(
        rows,
        category_title="Region",
        series_title="Engaged",
        series_order=["Yes", "No"],
        colours=["#111111", "#222222"],
        value_title="Members",
        description="d",
    )
    assert spec["data"]["values"] == rows
    assert spec["encoding"]["y"]["sort"] is None  # the rows' order: regions as listed
    assert spec["encoding"]["x"]["axis"] == {"format": "d", "tickMinStep": 1}
    assert "stack" not in spec["encoding"]["x"]  # counts, not shares
    assert spec["encoding"]["color"]["scale"] == {
        "domain": ["Yes", "No"],
        "range": ["#111111", "#222222"],
    }
    assert spec["encoding"]["order"]["field"] == "order"
