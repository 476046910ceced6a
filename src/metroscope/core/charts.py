"""Vega-Lite chart specs, built as plain data so they can be tested and reused in reports."""

from __future__ import annotations

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
