"""Observatory sections other apps' pages show (registered in apps.py)."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from metroscope.observatory import member_places


def member_places_panel(*, request: Any, member: Any, **_: Any) -> str:
    """On a member's page: its own place in the Observatory, with its key figures, and the
    wider places it lies in (their figures said to be theirs)."""
    place = member_places.own_metro(member.pk)
    if place is None:
        return ""
    links = member_places.place_links(place)
    wider = [w for w in links.wider if member.name in w.members]
    return render_to_string(
        "observatory/_member_places.html",
        {
            "member": member,
            "place": place,
            "figures": member_places.place_figures([place.pk])[place.pk],
            "wider": wider,
        },
        request=request,
    )
