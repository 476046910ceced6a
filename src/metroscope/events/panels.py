"""What events and learning add to lower floors' pages and figures (see core.panels and
core.sources): the plan's people count who attended or spoke at events, its people page
shows the urban leaders engaged in the year, and an event's or a training's activity page
leads to its registrations (or, for staff, to opening them)."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from metroscope.events import access, selectors
from metroscope.events.models import EVENT_TYPES
from metroscope.plan.models import HeadlineFigure

PLAN_FIGURE = "urban_leaders_engaged_per_year"


def urban_leaders(*, request: Any, year: int | None, **_: Any) -> str:
    """On the plan's people page: the urban leaders engaged in the year chosen (the newest
    year someone attended or spoke at an event when none is), beside the figure the plan
    quotes (up to five queries); when nobody has, what would fill it."""
    year = year or selectors.newest_engaged_year()
    quoted = (
        HeadlineFigure.objects.filter(key=PLAN_FIGURE)
        .order_by("plan_id")
        .values_list("value", flat=True)
        .first()
    )
    return render_to_string(
        "events/_urban_leaders.html",
        {
            "engaged": selectors.engaged_people(year=year) if year is not None else None,
            "quoted": quoted,
            "staff": access.can_manage_events(request.user),
        },
        request=request,
    )


def activity_event(*, request: Any, activity: Any, **_: Any) -> str:
    """On an activity of type event or training: its registrations (places taken, the
    event's page; for staff, the registrations and attendance page), or for staff, when it
    takes none yet, the way to open them in the back office (two queries)."""
    if activity.type not in EVENT_TYPES:
        return ""
    staff = access.can_manage_events(request.user)
    event = selectors.event_of_activity(activity)
    if event is None and not staff:
        return ""
    return render_to_string(
        "events/_activity_event.html",
        {"event": event, "activity": activity, "staff": staff},
        request=request,
    )
