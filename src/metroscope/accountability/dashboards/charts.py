"""Vega-Lite specs of the money and carbon pages, built as data (core.charts' conventions)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _

from metroscope.accountability.carbon import analytics as carbon
from metroscope.accountability.ledger import analytics as money
from metroscope.accountability.ledger.models import FundingKind
from metroscope.core.charts import (
    PALETTE,
    VEGA_LITE_SCHEMA,
    stacked_count_bars,
    stacked_share_bar,
)
from metroscope.core.i18n import translated


def funding_mix_chart(mix: Sequence[money.YearMix]) -> dict[str, Any]:
    """One bar per year split into the shares of each kind of source."""
    labels = dict(FundingKind.choices)
    order = [str(labels[k]) for k in FundingKind.values]
    rows = [
        {
            "year": str(year.year),
            "kind": str(labels.get(row.kind, row.kind)),
            "count": float(row.amount_eur),
            "series_order": order.index(str(labels.get(row.kind, row.kind))),
        }
        for year in mix
        for row in year.rows
    ]
    return stacked_share_bar(
        rows,
        category="year",
        category_title=_("Year"),
        series="kind",
        series_title=_("Source"),
        series_order=order,
        description=_("Share of each kind of funding source, per year"),
    )


def emissions_chart(rows: Sequence[carbon.YearAgainstTarget]) -> dict[str, Any]:
    """Travel emissions per year (bars) and the straight path to the target (line)."""
    values = [
        {
            "year": str(r.year),
            "tonnes": round(r.kg_co2e / 1000, 2),
            "path": None if r.allowed_kg is None else round(r.allowed_kg / 1000, 2),
        }
        for r in rows
    ]
    tonnes = _("t CO2e")
    return {
        "$schema": VEGA_LITE_SCHEMA,
        "description": _("Travel emissions per year against the path to the target"),
        "width": "container",
        "height": 240,
        "data": {"values": values},
        "encoding": {"x": {"field": "year", "type": "ordinal", "title": _("Year")}},
        "layer": [
            {
                "mark": {"type": "bar", "color": PALETTE[0]},
                "encoding": {
                    "y": {"field": "tonnes", "type": "quantitative", "title": tonnes},
                    "tooltip": [
                        {"field": "year", "type": "ordinal", "title": _("Year")},
                        {"field": "tonnes", "type": "quantitative", "title": tonnes},
                    ],
                },
            },
            {
                "mark": {"type": "line", "color": PALETTE[4], "point": True, "strokeDash": [4, 3]},
                "transform": [{"filter": "datum.path != null"}],
                "encoding": {
                    "y": {"field": "path", "type": "quantitative", "title": tonnes},
                    "tooltip": [
                        {"field": "year", "type": "ordinal", "title": _("Year")},
                        {"field": "path", "type": "quantitative", "title": _("Path to target")},
                    ],
                },
            },
        ],
        "config": {"view": {"stroke": None}, "font": "system-ui, sans-serif"},
    }


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
                "axis": {"labelAngle": 0, "labelLimit": 120},
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
                    },
                    "tooltip": [
                        {"field": "challenge", "type": "nominal", "title": _("Challenge")},
                        {"field": "theme", "type": "nominal", "title": _("Orienting theme")},
                        {"field": "activities", "type": "quantitative", "title": activities},
                        {"field": "solutions", "type": "quantitative", "title": _("Solutions")},
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
                    "text": {"field": "activities", "type": "quantitative"},
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
