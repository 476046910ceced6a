"""Journey: plan → activities → filter → activity detail, and the plan's progress tree."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_accessible

pytestmark = pytest.mark.e2e


def test_plan_to_activities_to_activity(page: Page):
    page.goto("/plan/")
    page.get_by_role("navigation", name="Plan and accountability").get_by_role(
        "link", name="Activities"
    ).click()
    expect(page).to_have_url(re.compile(r"/plan/activities/$"))
    expect(page.get_by_test_id("activity-count")).to_have_text("39 activities")
    assert_accessible(page)

    page.get_by_label("Year").select_option("2019")
    page.get_by_label("Type", exact=True).select_option("statutory_meeting")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"year=2019"))
    expect(page.get_by_test_id("activity-count")).to_have_text("1 activity")
    expect(page.get_by_test_id("iati-download")).to_have_attribute(
        "href", "/plan/activities/iati.xml?year=2019"
    )

    page.get_by_role("link", name="Metropolis Board of Directors meeting 2019").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Metropolis Board of Directors meeting 2019"
    )
    expect(page.get_by_role("link", name="Montevideo")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Progress").click()
    expect(page.get_by_test_id("progress-tree")).to_contain_text("L3")
    assert_accessible(page)
