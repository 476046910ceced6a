"""What events and learning add to lower floors' pages and figures (see core.panels and
core.sources): the plan's people count who attended or spoke at events, and its people page
shows the urban leaders engaged in the year."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from metroscope.plan.models import HeadlineFigure
from metroscope.programs import selectors

PLAN_FIGURE = "urban_leaders_engaged_per_year"


def urban_leaders(*, request: Any, year: int | None, **_: Any) -> str:
    """On the plan's people page: the urban leaders engaged in the year chosen (this year
    when none is), beside the figure the plan quotes (three queries)."""
    year = year or timezone.localdate().year
    quoted = (
        HeadlineFigure.objects.filter(key=PLAN_FIGURE)
        .order_by("plan_id")
        .values_list("value", flat=True)
        .first()
    )
    return render_to_string(
        "programs/_urban_leaders.html",
        {"engaged": selectors.engaged_people(year=year), "quoted": quoted},
        request=request,
    )
