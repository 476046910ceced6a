"""Solutions made for the exchange's tests, beside the 53 real ones loaded for the session."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from metroscope.exchange.models import Collection, Solution, SolutionStatus
from metroscope.plan.models import Theme

SEOUL_SLUG = "the-sharing-city-seoul"


def make_solution(**values: Any) -> Solution:
    fields: dict[str, Any] = {
        "slug": "test-solution",
        "title": "Test solution of the suite",
        "summary": "A summary written by the test suite.",
        "collection": Collection.objects.get(code="use"),
        "city": "Barcelona",
        "country_iso3": "ESP",
        "status": SolutionStatus.PUBLISHED,
        "contact_name": "Ada Contact",
        "contact_email": "ada.contact@example.org",
        "contact_role": "Head of innovation",
    }
    fields.update(values)
    if fields["status"] == SolutionStatus.PUBLISHED:
        fields.setdefault("published_at", timezone.now())
    themes = fields.pop("themes", [])
    solution = Solution.objects.create(**fields)
    if themes:
        solution.themes.set(Theme.objects.filter(code__in=themes))
    return solution


@pytest.fixture
def draft(officer_barcelona) -> Solution:
    return make_solution(
        slug="draft-superblocks",
        title="Draft superblocks of the suite",
        status=SolutionStatus.DRAFT,
        author=officer_barcelona,
        themes=["T-SUS"],
    )
