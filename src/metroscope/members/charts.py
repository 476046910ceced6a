"""Chart specs for the member registry."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from metroscope.core.charts import MapPoint, world_map
from metroscope.members.models import Member


def member_points(members: Iterable[Member]) -> list[MapPoint]:
    return [
        MapPoint(
            name=m.name,
            latitude=m.latitude,
            longitude=m.longitude,
            group=str(m.country.region),
            detail=f"{m.country} · {m.country.region}",
            url=reverse("members:detail", kwargs={"code": m.code}),
        )
        for m in members
    ]


def member_map(members: Iterable[Member], *, outline_url: str, height: int = 380) -> dict[str, Any]:
    points = member_points(members)
    return world_map(
        points,
        outline_url=outline_url,
        group_title=_("Region"),
        description=_("World map of %(count)s Metropolis members, coloured by region")
        % {"count": len(points)},
        height=height,
    )
