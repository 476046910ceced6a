"""Vega-Lite specs of the community's pages, built as data (core.charts' conventions)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from metroscope.community.engagement import NetworkEngagement
from metroscope.core.charts import PALETTE, stacked_count_bars
from metroscope.core.i18n import translated


def network_engagement_rows(view: NetworkEngagement) -> list[dict[str, Any]]:
    """Per region, the members engaged and not engaged in the window, as rows for the chart
    (the same numbers as the page's table)."""
    engaged, quiet = _("Engaged"), _("Not engaged")
    rows = []
    for group in view.regions:
        region = translated(group.region, "name")[0]
        rows.append({"category": region, "series": engaged, "count": group.engaged, "order": 0})
        rows.append({"category": region, "series": quiet, "count": len(group.quiet), "order": 1})
    return rows


def network_engagement_chart(view: NetworkEngagement) -> dict[str, Any]:
    """Members engaged and not engaged in the last 12 months, one bar per region."""
    return stacked_count_bars(
        network_engagement_rows(view),
        category_title=_("Region"),
        series_title=_("In the last 12 months"),
        series_order=[_("Engaged"), _("Not engaged")],
        colours=[PALETTE[0], PALETTE[4]],
        value_title=_("Members"),
        description=_("Members engaged and not engaged in the last 12 months, per region"),
    )
