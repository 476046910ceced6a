"""Vega-Lite specs of the listening app, built as data (see core.charts)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from metroscope.core.charts import PALETTE, VEGA_LITE_SCHEMA
from metroscope.listening.analytics import MedianRow

CONFIG = {"view": {"stroke": None}, "font": "system-ui, sans-serif"}


def median_times_by_month(
    rows: Sequence[MedianRow], *, first_title: str, resolution_title: str, description: str
) -> dict[str, Any]:
    """Two lines over the months: median hours to the first answer and to closing."""
    values = []
    for row in rows:
        for measure, hours in (
            (first_title, row.median_first_response_hours),
            (resolution_title, row.median_resolution_hours),
        ):
            if hours is not None:
                values.append({"month": row.group, "measure": measure, "hours": round(hours, 1)})
    return {
        "$schema": VEGA_LITE_SCHEMA,
        "description": description,
        "width": "container",
        "height": 220,
        "data": {"values": values},
        "mark": {"type": "line", "point": True},
        "encoding": {
            "x": {"field": "month", "type": "ordinal", "title": None},
            "y": {
                "field": "hours",
                "type": "quantitative",
                "title": "h",
                "axis": {"format": ",.0f", "tickMinStep": 1},
            },
            "color": {
                "field": "measure",
                "type": "nominal",
                "title": None,
                "scale": {"domain": [first_title, resolution_title], "range": PALETTE[:2]},
            },
            "tooltip": [
                {"field": "month", "type": "ordinal"},
                {"field": "measure", "type": "nominal"},
                {"field": "hours", "type": "quantitative", "format": ".1f"},
            ],
        },
        "config": CONFIG,
    }


def option_counts_by(
    rows: Sequence[dict[str, Any]],
    *,
    options: Sequence[str],
    groups: Sequence[str],
    option_title: str,
    group_title: str,
    description: str,
) -> dict[str, Any]:
    """One bar per option (or scale value), stacked by the respondents' groups (regions,
    roles or genders); rows are {"option", "group", "count"}. Every option has its place on
    the axis, chosen or not, and the count axis has whole numbers only."""
    return {
        "$schema": VEGA_LITE_SCHEMA,
        "description": description,
        "width": "container",
        "data": {"values": list(rows)},
        "mark": "bar",
        "encoding": {
            # every option on the axis, in its order, also those nobody chose
            "y": {
                "field": "option",
                "type": "nominal",
                "title": option_title,
                "sort": list(options),
                "scale": {"domain": list(options)},
            },
            "x": {
                "field": "count",
                "type": "quantitative",
                "title": "n",
                "stack": "zero",
                "axis": {"format": "d", "tickMinStep": 1},  # counts: no fractional ticks
            },
            "color": {
                "field": "group",
                "type": "nominal",
                "title": group_title,
                "scale": {"domain": list(groups), "range": _colours(len(groups))},
            },
            "tooltip": [
                {"field": "option", "type": "nominal", "title": option_title},
                {"field": "group", "type": "nominal", "title": group_title},
                {"field": "count", "type": "quantitative"},
            ],
        },
        "config": CONFIG,
    }


def _colours(n: int) -> list[str]:
    return [PALETTE[i % len(PALETTE)] for i in range(n)]
