"""Journey: a member's officer records a need, sees peers' solutions with the reasons, and
asks for an introduction that lands in the log."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from metroscope.exchange.models import IntroductionRequest
from tests.conftest import make_user
from tests.e2e.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.e2e


def test_officer_records_a_need_and_asks_for_an_introduction(page: Page):
    make_user("officer_sel", ("officer", "seoul"))
    sign_in(page, "officer_sel")
    page.goto("/exchange/needs/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Members' needs")
    assert_accessible(page)
    page.get_by_role("link", name="Record a need").click()
    page.get_by_label("What do you want to solve?").fill("Cleaner air on arterial roads")
    page.get_by_label("Sustainability").check()
    page.get_by_label("Annual mean NO2 concentration").check()
    assert_accessible(page)
    page.get_by_role("button", name="Save and see suggestions").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Cleaner air on arterial roads")
    suggestions = page.locator("ol.suggestions > li")
    expect(suggestions.first).to_be_visible()
    first = suggestions.first
    expect(first).to_contain_text(re.compile(r"does better on Annual mean NO2 concentration"))
    expect(first).to_contain_text("Same plan themes: Sustainability")
    assert_accessible(page)

    first.locator("summary").click()
    first.get_by_label("What would you like to learn from them?").fill("How did you start?")
    first.get_by_role("button", name="Send the request").click()
    expect(page.get_by_text(re.compile(r"^Introduction requested"))).to_be_visible()
    assert IntroductionRequest.objects.filter(from_member__code="seoul").exists()

    page.goto("/exchange/introductions/")
    expect(page.get_by_role("cell", name="How did you start?")).to_be_visible()
    assert_accessible(page)
