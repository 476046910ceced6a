"""Vega-Lite specs of the money and carbon pages, built as data (core.charts' conventions)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _

from metroscope.core.charts import PALETTE, VEGA_LITE_SCHEMA, stacked_share_bar
from metroscope.plan.accountability import carbon, money
from metroscope.plan.accountability.ledger import FundingKind


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
