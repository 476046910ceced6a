"""Filters of the money and carbon pages: shares as percentages, tonnes, plan labels."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.formats import date_format, localize
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.timezone import localtime
from django.utils.translation import get_language
from django.utils.translation import gettext as _

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


@register.filter
def activity_url(pk: int) -> str:
    """{% url 'accountability:activity' pk %} without resolving the pattern each time: the
    report links thousands of activities."""
    language = get_language()
    pattern = _ACTIVITY_URLS.get(language)
    if pattern is None:
        pattern = _ACTIVITY_URLS[language] = reverse("accountability:activity", args=[0]).replace(
            "/0/", "/{}/"
        )
    return pattern.format(int(pk))


_ACTIVITY_URLS: dict[str | None, str] = {}


@register.simple_tag
def gender_cells(split: Any) -> SafeString:
    """A split's cells (women, men, another gender, not stated, total, women's share), as a
    tag: the people tables have hundreds of rows, and an include per row costs more than the
    rest of the page."""
    counts = split.counts
    values = [counts["female"], counts["male"], counts["another"], counts["not_stated"]]
    cells = [localize(v) for v in [*values, split.total]] + [percent(split.women_share, 0)]
    return format_html_join("", '<td class="num">{}</td>', ((c,) for c in cells))


@register.simple_tag
def acknowledgers(version: Any) -> SafeString:
    """Who acknowledged a policy version and when ("alice (2021-03-02), bob (…)"), or "nobody
    yet": a version of a policy everyone signs has as many names as users."""
    acks = list(version.acknowledgements.all())
    if not acks:
        return format_html("{}", _("nobody yet"))
    return format_html_join(
        ", ",
        "{} ({})",
        ((a.user.get_username(), date_format(localtime(a.acknowledged_at), "Y-m-d")) for a in acks),
    )


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
    from metroscope.accountability.access import can_view_board_report

    return can_view_board_report(request.user)
