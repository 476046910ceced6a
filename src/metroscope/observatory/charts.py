"""Chart specs of the Observatory's pages (Vega-Lite, rendered by the locally served bundle)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from metroscope.core.charts import ranking_bars, value_map
from metroscope.observatory.models import Indicator, Observation

RANKED = 30


def _format(indicator: Indicator) -> str:
    return f",.{indicator.decimals}f"


def _title(indicator: Indicator) -> str:
    return f"{indicator.get_unit_display()}"


def indicator_ranking(indicator: Indicator, values: Sequence[Observation]) -> dict[str, Any]:
    """The RANKED highest latest values (values arrive sorted, highest first)."""
    rows = [
        {
            "name": f"{obs.metro.name} ({obs.metro.country_iso3}, {obs.year})",
            "value": obs.value,
            "url": reverse("observatory:metro", kwargs={"code": obs.metro.code}),
            "highlight": obs.scale != "metro",
        }
        for obs in values[:RANKED]
    ]
    return ranking_bars(
        rows,
        value_title=_title(indicator),
        value_format=_format(indicator),
        description=_(
            "The %(count)s highest latest values of %(indicator)s; orange bars are national "
            "proxies or core-city figures"
        )
        % {"count": len(rows), "indicator": indicator.code},
    )


def indicator_map(
    indicator: Indicator, values: Sequence[Observation], *, outline_url: str
) -> dict[str, Any]:
    points = [
        {
            "name": f"{obs.metro.name} ({obs.year})",
            "latitude": obs.metro.latitude,
            "longitude": obs.metro.longitude,
            "value": obs.value,
            "url": reverse("observatory:metro", kwargs={"code": obs.metro.code}),
        }
        for obs in values
        if obs.metro.latitude is not None and obs.metro.longitude is not None
    ]
    return value_map(
        points,
        outline_url=outline_url,
        value_title=_title(indicator),
        value_format=_format(indicator),
        description=_("World map of the latest values of %(indicator)s for %(count)s metros")
        % {"indicator": indicator.code, "count": len(points)},
    )
