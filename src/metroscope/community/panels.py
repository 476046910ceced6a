"""Sections the community adds to other apps' pages (see core.panels)."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from metroscope.community.access import can_see_expert_contacts, can_view_member_engagement
from metroscope.community.models import Expert
from metroscope.community.selectors import experts_for
from metroscope.plan.models import Challenge, Theme

NEED_EXPERTS_SHOWN = 5


def need_experts(*, request: Any, need: Any, **_: Any) -> str:
    """On an Exchange need: the listed experts whose themes, challenges or topics match it,
    each with why (the matching themes, challenges and topics). Signed-in users only, as
    the need page itself and the experts directory."""
    if not request.user.is_authenticated:
        return ""
    themes = {t.code for t in need.themes.all()}
    challenges = {c.code for c in need.challenges.all()}
    matches = experts_for(
        themes=themes, challenges=challenges, text=f"{need.title} {need.description}"
    )[:NEED_EXPERTS_SHOWN]
    if not matches:
        return ""
    experts = Expert.objects.in_bulk([m.id for m in matches])
    theme_names = {t.code: t for t in Theme.objects.filter(code__in=themes)}
    challenge_names = {c.code: c for c in Challenge.objects.filter(code__in=challenges)}
    rows = [
        {
            "match": m,
            "expert": experts[m.id],
            "themes": [theme_names[c] for c in m.themes],
            "challenges": [challenge_names[c] for c in m.challenges],
        }
        for m in matches
    ]
    return render_to_string(
        "community/_need_experts.html",
        {"rows": rows, "contacts": can_see_expert_contacts(request.user)},
        request=request,
    )


def member_engagement_link(*, request: Any, member: Any, **_: Any) -> str:
    """On a member's page, for the Secretariat and its officers: a link to its engagement."""
    if not request.user.is_authenticated or not can_view_member_engagement(request.user, member):
        return ""
    return render_to_string(
        "community/_member_engagement_link.html", {"member": member}, request=request
    )
