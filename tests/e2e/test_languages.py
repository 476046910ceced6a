"""Journey: switch a page to French and to Spanish; the switcher keeps the page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_accessible

pytestmark = pytest.mark.e2e


def test_switch_to_french_and_spanish_keeps_the_page(page: Page):
    page.goto("/members/seoul/")
    page.get_by_role("link", name="Français").click()
    expect(page).to_have_url(re.compile(r"/fr/members/seoul/$"))
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    nav = page.get_by_role("navigation", name="Principal")
    expect(nav.get_by_role("link", name="Membres")).to_be_visible()
    expect(page.get_by_text("Corée du Sud")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Español").click()
    expect(page).to_have_url(re.compile(r"/es/members/seoul/$"))
    expect(page.locator("html")).to_have_attribute("lang", "es")
    nav = page.get_by_role("navigation", name="Principal")
    expect(nav.get_by_role("link", name="Miembros")).to_be_visible()
    expect(page.get_by_text("Corea del Sur")).to_be_visible()

    page.get_by_role("link", name="English").click()
    expect(page).to_have_url(re.compile(r"/members/seoul/$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_plan_tree_in_spanish(page: Page):
    page.goto("/es/plan/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Plan de Acción Estratégico 2021-2023"
    )
    page.get_by_text("L2.2", exact=True).click()
    expect(page.get_by_text("L2.2.1", exact=True)).to_be_visible()
    assert_accessible(page)
