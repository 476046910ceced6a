"""Drafts written through the services, as an officer would, for the workflow tests."""

from __future__ import annotations

from typing import Any

from metroscope.exchange import services
from metroscope.exchange.models import Collection, Solution
from metroscope.members.models import Member


def draft_data(**values: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "Superblocks for the workflow suite",
        "summary": "Streets given back to people, written by the workflow tests.",
        "description": "Some **Markdown**.",
        "collection": Collection.objects.get(code="use"),
        "city": "Barcelona",
        "country_iso3": "esp",
        "tags": "mobility, public space, mobility",
        "sdgs": [11, 3],
    }
    data.update(values)
    return data


def make_draft(user: Any, **values: Any) -> Solution:
    return services.solution_create(user=user, data=draft_data(**values))


def member(code: str) -> Member:
    return Member.objects.get(code=code)
