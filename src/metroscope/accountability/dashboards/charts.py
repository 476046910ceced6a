"""Vega-Lite specs of the opportunity matrix and member engagement, built as data (core.charts'
conventions)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _

from metroscope.core.charts import (
    PALETTE,
    VEGA_LITE_SCHEMA,
    stacked_count_bars,
)
from metroscope.core.i18n import translated


def matrix_chart(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The opportunity matrix as a heat map: one square per challenge × theme, shaded by the
    number of activities, the count written inside. Rows: challenge, theme, activities,
    solutions, spending."""
    activities = _("Activities")
    return {
        "$schema": VEGA_LITE_SCHEMA,
        "description": _("Activities per challenge and orienting theme"),
        "width": "container",
        "height": 220,
        "data": {"values": list(rows)},
        "encoding": {
            "x": {
                "field": "theme",
                "type": "nominal",
                "sort": None,
                "title": _("Orienting theme"),
                # slanted: five theme names fit under a phone-wide chart too
                "axis": {"labelAngle": -30, "labelAlign": "right", "labelLimit": 120},
            },
            "y": {
                "field": "challenge",
                "type": "nominal",
                "sort": None,
                "title": _("Challenge"),
                "axis": {"labelLimit": 160},
            },
        },
        "layer": [
            {
                "mark": {"type": "rect", "stroke": "#ffffff"},
                "encoding": {
                    "color": {
                        "field": "activities",
                        "type": "quantitative",
                        "title": activities,
                        "scale": {"scheme": "blues"},
                        # counts: whole numbers on the legend, never "0.000000"
                        "legend": {"format": "d", "tickMinStep": 1},
                    },
                    "tooltip": [
                        {"field": "challenge", "type": "nominal", "title": _("Challenge")},
                        {"field": "theme", "type": "nominal", "title": _("Orienting theme")},
                        {
                            "field": "activities",
                            "type": "quantitative",
                            "title": activities,
                            "format": "d",
                        },
                        {
                            "field": "solutions",
                            "type": "quantitative",
                            "title": _("Solutions"),
                            "format": "d",
                        },
                        {
                            "field": "spending",
                            "type": "quantitative",
                            "title": _("Spent (EUR)"),
                            "format": ",.0f",
                        },
                    ],
                },
            },
            {
                "mark": {"type": "text", "fontSize": 13},
                "encoding": {
                    "text": {"field": "activities", "type": "quantitative", "format": "d"},
                    "color": {
                        "condition": {"test": "datum.activities > 3", "value": "#ffffff"},
                        "value": "#1b1f24",
                    },
                },
            },
        ],
        "config": {"view": {"stroke": None}, "font": "system-ui, sans-serif"},
    }


def engagement_chart(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Members reached and never reached, one bar per region. Rows: see engagement_rows."""
    reached, never = _("Reached"), _("Never reached")
    return stacked_count_bars(
        rows,
        category_title=_("Region"),
        series_title=_("Members"),
        series_order=[reached, never],
        colours=[PALETTE[0], "#c4ccd4"],
        value_title=_("Members"),
        description=_("Members reached by the activities, per region"),
    )


def matrix_rows(view: Any) -> list[dict[str, Any]]:
    """The cells of a dashboard_selectors.MatrixView as rows for matrix_chart."""
    return [
        {
            "challenge": translated(challenge, "name")[0],
            "theme": theme_names[cell.theme],
            "activities": len(cell.activities),
            "solutions": len(cell.solutions),
            "spending": float(cell.spending_eur),
        }
        for theme_names in [{t.code: translated(t, "name")[0] for t in view.themes}]
        for challenge, cells in view.rows
        for cell in cells
    ]


def engagement_rows(view: Any) -> list[dict[str, Any]]:
    """The regions of a dashboard_selectors.EngagementView as rows for engagement_chart."""
    names = {r.code: r.name for r in view.regions}
    rows = []
    for row in view.engagement.regions:
        region = str(names.get(row.region, row.region))
        rows.append({"category": region, "series": _("Reached"), "count": row.reached, "order": 0})
        rows.append(
            {
                "category": region,
                "series": _("Never reached"),
                "count": row.members - row.reached,
                "order": 1,
            }
        )
    return rows
