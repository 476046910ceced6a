"""Filters of the money and carbon pages: shares as percentages, tonnes, plan labels."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.defaultfilters import floatformat

register = template.Library()


@register.filter
def percent(value: float | None, digits: int = 1) -> str:
    """0.4567 → '45.7 %' in the page's number format; empty for None."""
    if value is None:
        return "—"
    return f"{floatformat(value * 100, f'{digits}g')} %"


@register.filter
def tonnes(kg: float | None) -> str:
    if kg is None:
        return "—"
    return str(floatformat(kg / 1000, "1g"))


@register.filter
def lookup(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key)


@register.simple_tag(takes_context=True)
def sees_board_report(context: Any) -> bool:
    """Whether the plan's navigation links to the Board report: a view that already knows says
    so in `show_report_link`; otherwise the access rule is asked (no query when signed out)."""
    known = context.get("show_report_link")
    if known is not None:
        return bool(known)
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return False
    from metroscope.plan.accountability.access import access_board_report_for_user

    return access_board_report_for_user(request.user)
