"""The exchange's map: solutions as points over the world outline served by the site."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from metroscope.core.charts import MapPoint, world_map
from metroscope.exchange import countries
from metroscope.exchange.selectors import Located


def solution_map(
    solutions: Sequence[Located],
    *,
    collection_names: Mapping[int, str],
    outline_url: str,
    height: int = 380,
) -> dict[str, Any]:
    """One point per solution, coloured by collection, each linking to its page."""
    names = countries.country_names({s.country_iso3 for s in solutions})
    points = [
        MapPoint(
            name=s.title,
            latitude=s.latitude,
            longitude=s.longitude,
            group=collection_names.get(s.collection_id, ""),
            detail=f"{s.city} ({names.get(s.country_iso3, s.country_iso3)})"
            f" · {collection_names.get(s.collection_id, '')}",
            url=reverse("exchange:solution", kwargs={"slug": s.slug}),
        )
        for s in solutions
    ]
    return world_map(
        points,
        outline_url=outline_url,
        group_title=_("Collection"),
        description=ngettext(
            "World map of %(count)s urban solution, coloured by collection",
            "World map of %(count)s urban solutions, coloured by collection",
            len(points),
        )
        % {"count": len(points)},
        height=height,
    )
