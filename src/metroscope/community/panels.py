"""Sections the community adds to other apps' pages (see core.panels)."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from metroscope.community import selectors
from metroscope.community.access import can_see_expert_contacts, can_view_member_engagement


def need_experts(*, request: Any, need: Any, **_: Any) -> str:
    """On an Exchange need: the listed experts whose themes, challenges or topics match it,
    each with why (the matching themes, challenges and topics). Signed-in users only, as
    the need page itself and the experts directory."""
    if not request.user.is_authenticated:
        return ""
    rows = selectors.need_experts(need)
    if not rows:
        return ""
    return render_to_string(
        "community/_need_experts.html",
        {"rows": rows, "contacts": can_see_expert_contacts(request.user)},
        request=request,
    )


def member_links(*, request: Any, member: Any, **_: Any) -> str:
    """On a member's page: its Observatory profile, its solutions, its activities and, for
    the Secretariat and its officers, its engagement."""
    engagement = bool(
        request.user.is_authenticated and can_view_member_engagement(request.user, member)
    )
    return render_to_string(
        "community/_member_links.html",
        {"member": member, "links": selectors.member_links(member), "engagement": engagement},
        request=request,
    )
