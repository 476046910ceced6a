"""The other public pages render, draw their charts and pass axe."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_accessible

pytestmark = pytest.mark.e2e


def test_statutory_bodies_page(page: Page):
    page.goto("/bodies/")
    expect(page.get_by_role("heading", name="Presidency")).to_be_visible()
    expect(page.locator("#gender-chart")).to_have_attribute("data-ready", "1")
    assert_accessible(page)


def test_plan_page(page: Page):
    page.goto("/plan/")
    expect(page.get_by_test_id("plan-tree").locator(":scope > li")).to_have_count(3)
    assert_accessible(page)


def test_about_page_has_the_milestones(page: Page):
    page.goto("/about/")
    expect(page.locator(".timeline li").first).to_contain_text("1984")
    assert_accessible(page)
