"""The carbon page's chart: emissions per year against the target path, as a Vega-Lite spec."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _

from metroscope.accountability.carbon import analytics as carbon
from metroscope.core.charts import (
    PALETTE,
    VEGA_LITE_SCHEMA,
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
