"""The money page's chart: the funding mix per year, as a Vega-Lite spec."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _

from metroscope.accountability.ledger import analytics as money
from metroscope.accountability.ledger.models import FundingKind
from metroscope.core.charts import (
    stacked_share_bar,
)


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
