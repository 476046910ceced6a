"""Vega-Lite specs of the people and risks pages, built as data (core.charts' conventions)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _

from metroscope.accountability.people import analytics as people
from metroscope.accountability.risks import analytics as risks
from metroscope.core.charts import PALETTE, VEGA_LITE_SCHEMA

LEVEL_COLOURS = {
    risks.LOW: "#e8f4ea",
    risks.MEDIUM: "#fbe3b0",
    risks.HIGH: "#f4a259",
    risks.CRITICAL: "#d1495b",
}


def group_labels() -> dict[str, str]:
    return {
        people.PARTICIPANTS: _("Participants"),
        people.SPEAKERS: _("Speakers"),
        people.BODIES: _("Statutory bodies"),
    }


def has_shares(balance: Sequence[people.Balance]) -> bool:
    """Whether the gender balance chart has a point to draw: a year and group with someone
    whose gender is stated (without one, no chart is drawn)."""
    return any(b.split.women_share is not None for b in balance)


def gender_balance_chart(balance: Sequence[people.Balance]) -> dict[str, Any]:
    """Women's share (among people whose gender is stated) per year, one line per group,
    with parity marked at 50 %."""
    labels = group_labels()
    order = [labels[g] for g in people.GROUPS]
    values = [
        {
            "year": b.year,
            "group": labels.get(b.group, b.group),
            "share": round(b.split.women_share, 4),
            "women": b.split["female"],
            "stated": b.split.stated,
        }
        for b in balance
        if b.split.women_share is not None
    ]
    share = _("Women's share")
    year = _("Year")
    return {
        "$schema": VEGA_LITE_SCHEMA,
        "description": _("Women's share of participants, speakers and statutory bodies, per year"),
        "width": "container",
        "height": 260,
        "layer": [
            {
                "data": {"values": values},
                "mark": {"type": "line", "point": True, "strokeWidth": 2},
                "encoding": {
                    "x": {"field": "year", "type": "ordinal", "title": year},
                    "y": {
                        "field": "share",
                        "type": "quantitative",
                        "title": share,
                        "scale": {"domain": [0, 1]},
                        "axis": {"format": "%"},
                    },
                    "color": {
                        "field": "group",
                        "type": "nominal",
                        "title": _("Who"),
                        "scale": {"domain": order, "range": PALETTE[: len(order)]},
                        "legend": {"orient": "bottom"},
                    },
                    "tooltip": [
                        {"field": "group", "type": "nominal", "title": _("Who")},
                        {"field": "year", "type": "ordinal", "title": year},
                        {"field": "share", "type": "quantitative", "title": share, "format": ".0%"},
                        {"field": "women", "type": "quantitative", "title": _("Women")},
                        {"field": "stated", "type": "quantitative", "title": _("Gender stated")},
                    ],
                },
            },
            {
                "data": {"values": [{"parity": 0.5}]},
                "mark": {"type": "rule", "strokeDash": [4, 3], "color": "#555555"},
                "encoding": {"y": {"field": "parity", "type": "quantitative"}},
            },
        ],
        "config": {"view": {"stroke": None}, "font": "system-ui, sans-serif"},
    }


def heat_map_chart(cells: Sequence[risks.Cell]) -> dict[str, Any]:
    """A 5 × 5 grid of likelihood (rows, 5 on top) by impact (columns), each cell coloured by
    its level and labelled with the number of open risks in it."""
    level_names = {
        risks.LOW: _("Low"),
        risks.MEDIUM: _("Medium"),
        risks.HIGH: _("High"),
        risks.CRITICAL: _("Critical"),
    }
    values = [
        {
            "likelihood": c.likelihood,
            "impact": c.impact,
            "count": c.count,
            "level": str(level_names[c.level]),
        }
        for c in cells
    ]
    domain = [str(level_names[v]) for v in risks.LEVELS]
    x = {"field": "impact", "type": "ordinal", "title": _("Impact"), "sort": list(risks.SCALE)}
    y = {
        "field": "likelihood",
        "type": "ordinal",
        "title": _("Likelihood"),
        "sort": list(reversed(risks.SCALE)),
    }
    return {
        "$schema": VEGA_LITE_SCHEMA,
        "description": _("Heat map of open risks by likelihood and impact"),
        "width": 300,
        "height": 300,
        "data": {"values": values},
        "encoding": {"x": x, "y": y},
        "layer": [
            {
                "mark": {"type": "rect", "stroke": "#ffffff", "strokeWidth": 2},
                "encoding": {
                    "color": {
                        "field": "level",
                        "type": "nominal",
                        "title": _("Level"),
                        "scale": {
                            "domain": domain,
                            "range": [LEVEL_COLOURS[v] for v in risks.LEVELS],
                        },
                        "legend": {"orient": "bottom"},
                    },
                    "tooltip": [
                        {"field": "likelihood", "type": "ordinal", "title": _("Likelihood")},
                        {"field": "impact", "type": "ordinal", "title": _("Impact")},
                        {"field": "count", "type": "quantitative", "title": _("Open risks")},
                    ],
                },
            },
            {
                "transform": [{"filter": "datum.count > 0"}],
                "mark": {"type": "text", "fontSize": 16, "fontWeight": "bold", "color": "#1a1a1a"},
                "encoding": {"text": {"field": "count", "type": "quantitative"}},
            },
        ],
        "config": {"view": {"stroke": None}, "font": "system-ui, sans-serif"},
    }
