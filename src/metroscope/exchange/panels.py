"""Sections the exchange adds to other apps' pages (see core.panels)."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from metroscope.exchange import access, matching
from metroscope.exchange.need_forms import IntroductionForm


def lagging_solutions(
    *, request: Any, metro: Any, profile: list[dict[str, Any]], peers: Any, **_: Any
) -> str:
    """On a metro's Observatory profile: for each indicator where it lags its peers, the
    solutions of members whose metro does better on it."""
    lagging = matching.suggest_for_lagging(metro, profile)
    if not lagging:
        return ""
    members = access.members_acted_for(request.user).order_by("name")
    own = metro.memberships.filter(relation="own").values_list("member__code", flat=True).first()
    intro_form = (
        IntroductionForm(members=members, initial={"from_member": own})
        if members.exists()
        else None
    )
    return render_to_string(
        "exchange/_lagging.html",
        {"lagging": lagging, "peers": peers, "intro_form": intro_form},
        request=request,
    )
