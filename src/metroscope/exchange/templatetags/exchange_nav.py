"""The exchange's sub-navigation: reading links for everyone, writing links only for those
access.py lets write, in two queries at most."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from metroscope.exchange import access

register = template.Library()


def _links(user: Any) -> list[tuple[str, str]]:
    links = [(reverse("exchange:home"), _("Solutions")), (reverse("exchange:search"), _("Search"))]
    if not (user.is_authenticated and user.is_active):
        return links
    submit, review = access.can_submit_and_review_solutions(user)
    links.append((reverse("exchange:needs"), _("Members' needs")))
    if submit:
        links.append((reverse("exchange:submit"), _("Share a solution")))
        links.append((reverse("exchange:mine"), _("My solutions")))
    if review:
        links.append((reverse("exchange:review"), _("Review queue")))
    return links


@register.inclusion_tag("exchange/_nav.html", takes_context=True)
def exchange_nav(context: dict[str, Any]) -> dict[str, Any]:
    request = context["request"]
    return {
        "links": [
            {"href": href, "label": label, "current": href == request.path}
            for href, label in _links(request.user)
        ]
    }
