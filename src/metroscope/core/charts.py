"""Vega-Lite chart specs, built as plain data so they can be tested and reused in reports."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, TypedDict

VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"
# A colour-blind-safe categorical palette (Okabe–Ito).
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#F0E442", "#000000"]


class MapPoint(TypedDict):
    name: str
    latitude: float
    longitude: float
    group: str
    detail: str
    url: str


def _outline_layer(outline_url: str) -> dict[str, Any]:
    """The world's countries in light grey, under every map's points."""
    return {
        "data": {"url": outline_url, "format": {"type": "topojson", "feature": "countries"}},
        "mark": {"type": "geoshape", "fill": "#e8ecef", "stroke": "#ffffff", "strokeWidth": 0.5},
    }


def world_map(
    points: Sequence[MapPoint],
    *,
    outline_url: str,
    group_title: str,
    description: str,
    height: int = 380,
) -> dict[str, Any]:
    """Points over a world outline (Natural Earth 110m TopoJSON served by the site)."""
    groups = sorted({p["group"] for p in points})
    return {
        "$schema": VEGA_LITE_SCHEMA,
        "description": description,
        "width": "container",
        "height": height,
        "projection": {"type": "equalEarth"},
        "layer": [
            _outline_layer(outline_url),
            {
                "data": {"values": list(points)},
                "mark": {
                    "type": "circle",
                    "size": 46,
                    "opacity": 0.85,
                    "stroke": "#ffffff",
                    "strokeWidth": 0.6,
                },
                "encoding": {
                    "longitude": {"field": "longitude", "type": "quantitative"},
                    "latitude": {"field": "latitude", "type": "quantitative"},
                    "color": {
                        "field": "group",
                        "type": "nominal",
                        "title": group_title,
                        "scale": {"domain": groups, "range": PALETTE[: len(groups)]},
                        "legend": {
                            "orient": "bottom",
                            "direction": "horizontal",
                            "columns": 3,
                            "labelLimit": 0,
                            "labelFontSize": 12,
                            "titleFontSize": 12,
                        },
                    },
                    "tooltip": [
                        {"field": "name", "type": "nominal", "title": " "},
                        {"field": "detail", "type": "nominal", "title": group_title},
                    ],
                    "href": {"field": "url", "type": "nominal"},
                },
            },
        ],
        "config": {"view": {"stroke": None}, "font": "system-ui, sans-serif"},
    }


def stacked_share_bar(
    rows: Sequence[dict[str, Any]],
    *,
    category: str,
    category_title: str,
    series: str,
    series_title: str,
    series_order: Sequence[str],
    description: str,
) -> dict[str, Any]:
    """One horizontal bar per category, split into shares of each series (e.g. gender)."""
    return {
        "$schema": VEGA_LITE_SCHEMA,
        "description": description,
        "width": "container",
        "data": {"values": list(rows)},
        "mark": "bar",
        "encoding": {
            "y": {"field": category, "type": "nominal", "title": category_title, "sort": None},
            "x": {
                "field": "count",
                "type": "quantitative",
                "stack": "normalize",
                "title": "%",
                "axis": {"format": "%"},
            },
            "color": {
                "field": series,
                "type": "nominal",
                "title": series_title,
                "scale": {"domain": list(series_order), "range": PALETTE[: len(series_order)]},
            },
            "order": {"field": "series_order", "type": "quantitative"},
            "tooltip": [
                {"field": category, "type": "nominal", "title": category_title},
                {"field": series, "type": "nominal", "title": series_title},
                {"field": "count", "type": "quantitative"},
            ],
        },
        "config": {"view": {"stroke": None}, "font": "system-ui, sans-serif"},
    }


def stacked_count_bars(
    rows: Sequence[dict[str, Any]],
    *,
    category_title: str,
    series_title: str,
    series_order: Sequence[str],
    colours: Sequence[str],
    value_title: str,
    description: str,
    height: int = 200,
) -> dict[str, Any]:
    """One horizontal bar per category (in the rows' order), split into the counts of each
    series, stacked in `series_order`. Rows: `category`, `series`, `count`, `order` (the
    series' index). Counts are whole numbers: the axis has no fractional ticks."""
    return {
        "$schema": VEGA_LITE_SCHEMA,
        "description": description,
        "width": "container",
        "height": height,
        "data": {"values": list(rows)},
        "mark": "bar",
        "encoding": {
            "y": {"field": "category", "type": "nominal", "title": category_title, "sort": None},
            "x": {
                "field": "count",
                "type": "quantitative",
                "title": value_title,
                "axis": {"format": "d", "tickMinStep": 1},
            },
            "color": {
                "field": "series",
                "type": "nominal",
                "title": series_title,
                "scale": {"domain": list(series_order), "range": list(colours)},
            },
            "order": {"field": "order", "type": "quantitative"},
            "tooltip": [
                {"field": "category", "type": "nominal", "title": category_title},
                {"field": "series", "type": "nominal", "title": series_title},
                {"field": "count", "type": "quantitative", "title": value_title},
            ],
        },
        "config": {"view": {"stroke": None}, "font": "system-ui, sans-serif"},
    }


def _value_tip(title: str, value_format: str) -> dict[str, Any]:
    return {"field": "value", "type": "quantitative", "title": title, "format": value_format}


def ranking_bars(
    rows: Sequence[dict[str, Any]],
    *,
    value_title: str,
    description: str,
    value_format: str = ",.1f",
) -> dict[str, Any]:
    """Horizontal bars, one per row (`name`, `value`, `url`, `highlight`), in the rows' order;
    highlighted rows are drawn in the accent colour."""
    return {
        "$schema": VEGA_LITE_SCHEMA,
        "description": description,
        "width": "container",
        "height": {"step": 16},
        "data": {"values": list(rows)},
        "mark": {"type": "bar", "cornerRadiusEnd": 2},
        "encoding": {
            "y": {"field": "name", "type": "nominal", "title": None, "sort": None},
            "x": {
                "field": "value",
                "type": "quantitative",
                "title": value_title,
                "axis": {"format": value_format},
            },
            "color": {
                "field": "highlight",
                "type": "nominal",
                "scale": {"domain": [False, True], "range": [PALETTE[0], PALETTE[4]]},
                "legend": None,
            },
            "tooltip": [
                {"field": "name", "type": "nominal", "title": " "},
                _value_tip(value_title, value_format),
            ],
            "href": {"field": "url", "type": "nominal"},
        },
        "config": {"view": {"stroke": None}, "font": "system-ui, sans-serif"},
    }


def value_map(
    points: Sequence[dict[str, Any]],
    *,
    outline_url: str,
    value_title: str,
    description: str,
    value_format: str = ",.1f",
    height: int = 380,
) -> dict[str, Any]:
    """Proportional circles (`name`, `latitude`, `longitude`, `value`, `url`) over the world
    outline served by the site."""
    return {
        "$schema": VEGA_LITE_SCHEMA,
        "description": description,
        "width": "container",
        "height": height,
        "projection": {"type": "equalEarth"},
        "layer": [
            _outline_layer(outline_url),
            {
                "data": {"values": list(points)},
                "mark": {
                    "type": "circle",
                    "opacity": 0.7,
                    "color": PALETTE[0],
                    "stroke": "#ffffff",
                    "strokeWidth": 0.5,
                },
                "encoding": {
                    "longitude": {"field": "longitude", "type": "quantitative"},
                    "latitude": {"field": "latitude", "type": "quantitative"},
                    "size": {
                        "field": "value",
                        "type": "quantitative",
                        "title": value_title,
                        "scale": {"range": [8, 600]},
                        "legend": {"orient": "bottom", "format": value_format},
                    },
                    "tooltip": [
                        {"field": "name", "type": "nominal", "title": " "},
                        _value_tip(value_title, value_format),
                    ],
                    "href": {"field": "url", "type": "nominal"},
                },
            },
        ],
        "config": {"view": {"stroke": None}, "font": "system-ui, sans-serif"},
    }


def _label_side(position: float) -> dict[str, Any]:
    """Text beside a rule: to its right, or to its left past 70 % of the axis."""
    return {"align": "right", "dx": -5} if position > 0.7 else {"align": "left", "dx": 5}


def _position(value: float, low: float, high: float, log: bool) -> float:
    if high <= low:
        return 0.5
    if log:
        return (math.log10(value) - math.log10(low)) / (math.log10(high) - math.log10(low))
    return (value - low) / (high - low)


def strip_plot(
    rows: Sequence[dict[str, Any]],
    *,
    value_title: str,
    description: str,
    value_format: str = ",.1f",
    reference: dict[str, Any] | None = None,
    marked: dict[str, Any] | None = None,
    log_scale: bool = False,
    height: int = 150,
) -> dict[str, Any]:
    """One dot per row (`name`, `value`, `url`) along the value axis, spread vertically by a
    fixed jitter so close values stay apart. `reference` (`value`, `label`) draws a dashed rule
    labelled at the top (e.g. a median); `marked` (`name`, `value`, `label`) a rule, a larger
    dot and a label at the bottom in the accent colour."""
    # The golden-ratio sequence spreads dots evenly and draws the same chart every time.
    dots = [dict(row, jitter=0.1 + 0.8 * ((i * 0.6180339887) % 1)) for i, row in enumerate(rows)]
    values = [row["value"] for row in rows]
    low, high = (min(values), max(values)) if values else (0.0, 0.0)
    x: dict[str, Any] = {
        "field": "value",
        "type": "quantitative",
        "title": value_title,
        "axis": {"format": value_format, "grid": False, "labelOverlap": "greedy"},
        "scale": {"type": "log", "nice": False} if log_scale else {"zero": False},
    }
    y = {"field": "jitter", "type": "quantitative", "axis": None, "scale": {"domain": [0, 1]}}
    tip = [
        {"field": "name", "type": "nominal", "title": " "},
        _value_tip(value_title, value_format),
    ]
    layers: list[dict[str, Any]] = [
        {
            "data": {"values": dots},
            "mark": {"type": "circle", "size": 42, "opacity": 0.6, "color": PALETTE[0]},
            "encoding": {
                "x": x,
                "y": y,
                "tooltip": tip,
                "href": {"field": "url", "type": "nominal"},
            },
        }
    ]
    if reference is not None:
        side = _label_side(_position(reference["value"], low, high, log_scale))
        if marked is not None:  # the label goes on the side away from the marked rule
            left = marked["value"] > reference["value"]
            side = {"align": "right", "dx": -5} if left else {"align": "left", "dx": 5}
        layers += [
            {
                "data": {"values": [reference]},
                "mark": {"type": "rule", "color": "#4a5563", "strokeDash": [4, 3]},
                "encoding": {"x": x},
            },
            {
                "data": {"values": [reference]},
                "mark": {"type": "text", "baseline": "top", "color": "#4a5563", **side},
                "encoding": {"x": x, "y": {"value": 0}, "text": {"field": "label"}},
            },
        ]
    if marked is not None:
        side = _label_side(_position(marked["value"], low, high, log_scale))
        accent = PALETTE[4]
        jitter = next((d["jitter"] for d in dots if d["name"] == marked["name"]), 0.5)
        point = dict(marked, jitter=jitter)
        layers += [
            {
                "data": {"values": [marked]},
                "mark": {"type": "rule", "color": accent, "strokeWidth": 2},
                "encoding": {"x": x},
            },
            {
                "data": {"values": [point]},
                "mark": {"type": "circle", "size": 150, "color": accent, "opacity": 1},
                "encoding": {"x": x, "y": y, "tooltip": tip},
            },
            {
                "data": {"values": [marked]},
                "mark": {
                    "type": "text",
                    "baseline": "bottom",
                    "fontWeight": "bold",
                    "color": accent,
                    **side,
                },
                "encoding": {"x": x, "y": {"value": height}, "text": {"field": "label"}},
            },
        ]
    return {
        "$schema": VEGA_LITE_SCHEMA,
        "description": description,
        "width": "container",
        "height": height,
        "layer": layers,
        "config": {"view": {"stroke": None}, "font": "system-ui, sans-serif"},
    }


def line_series(
    rows: Sequence[dict[str, Any]],
    *,
    series_order: Sequence[str],
    value_title: str,
    description: str,
    year_title: str,
    series_title: str,
    source_title: str,
    solid_label: str,
    dashed_label: str,
    value_format: str = ",.1f",
    height: int = 320,
) -> dict[str, Any]:
    """One line per series over the years, with a dot and a tooltip on each value. Rows carry
    `series`, `year`, `value`, `source` and `dashed` (e.g. a projection): dashed values are
    joined by a dashed line that starts from the series' last solid value."""
    data: list[dict[str, Any]] = []
    for name in series_order:
        own = sorted((r for r in rows if r["series"] == name), key=lambda r: r["year"])
        solid = [r for r in own if not r["dashed"]]
        for row in own:
            data.append(dict(row, segment=dashed_label if row["dashed"] else solid_label))
        if solid and any(r["dashed"] for r in own):
            # A copy of the last solid value opens the dashed line, so the two lines join.
            data.append(dict(solid[-1], segment=dashed_label, bridge=True))
    segments = [solid_label, dashed_label]
    dashes = any(r["dashed"] for r in rows)
    x = {
        "field": "year",
        "type": "quantitative",
        "title": year_title,
        "axis": {"format": "d", "tickMinStep": 1},
        "scale": {"zero": False},
    }
    y = {
        "field": "value",
        "type": "quantitative",
        "title": value_title,
        "axis": {"format": value_format},
        "scale": {"zero": False},
    }
    colour = {
        "field": "series",
        "type": "nominal",
        "title": series_title,
        "scale": {"domain": list(series_order), "range": PALETTE[: len(series_order)]},
        "legend": {"orient": "bottom", "direction": "horizontal", "columns": 3, "labelLimit": 0},
    }
    return {
        "$schema": VEGA_LITE_SCHEMA,
        "description": description,
        "width": "container",
        "height": height,
        "data": {"values": data},
        "encoding": {"x": x, "y": y, "color": colour},
        "layer": [
            {
                "mark": {"type": "line", "strokeWidth": 2},
                "encoding": {
                    "strokeDash": {
                        "field": "segment",
                        "type": "nominal",
                        "title": None,
                        "scale": {"domain": segments, "range": [[1, 0], [6, 4]]},
                        "legend": {"orient": "bottom"} if dashes else None,
                    }
                },
            },
            {
                "transform": [{"filter": "!datum.bridge"}],
                "mark": {"type": "point", "filled": True, "size": 40},
                "encoding": {
                    "tooltip": [
                        {"field": "series", "type": "nominal", "title": series_title},
                        {
                            "field": "year",
                            "type": "quantitative",
                            "title": year_title,
                            "format": "d",
                        },
                        _value_tip(value_title, value_format),
                        {"field": "source", "type": "nominal", "title": source_title},
                        {"field": "segment", "type": "nominal", "title": " "},
                    ]
                },
            },
        ],
        "config": {"view": {"stroke": None}, "font": "system-ui, sans-serif"},
    }
