"""A reader opens the exchange, a collection's mini-site and a solution: the maps draw with the
locally served bundle, the links lead where they say, and every page passes axe."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_accessible

pytestmark = pytest.mark.e2e


def map_drawn(page: Page) -> None:
    chart = page.locator("#exchange-map")
    expect(chart).to_have_attribute("data-ready", "1")
    expect(chart.locator("svg, canvas").first).to_be_visible()
    expect(chart.locator("path").first).to_be_attached()  # the world outline was loaded


def test_reader_goes_from_the_exchange_to_a_collection_and_a_solution(page: Page):
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Exchange").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Urban solutions exchange")
    map_drawn(page)
    expect(page.locator("#latest-title + ul.solutions > li")).to_have_count(6)
    assert_accessible(page)

    collections = page.get_by_role("region", name="Collections")
    collections.get_by_role("link", name="Guangzhou Award", exact=True).click()
    expect(page).to_have_url(re.compile(r"/exchange/collections/guangzhou-award/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Guangzhou Award")
    expect(page.get_by_label("Search this collection")).to_be_visible()
    map_drawn(page)
    assert_accessible(page)

    first = page.locator("ul.solutions a.title").first
    title = first.inner_text()
    first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.get_by_role("link", name="Sign in to see the contact")).to_be_visible()
    assert_accessible(page)


def test_solution_page_links_to_the_observatory_and_the_member(page: Page):
    page.goto("/exchange/solutions/the-sharing-city-seoul/")
    expect(page.get_by_role("heading", level=1)).to_have_text("The Sharing City, Seoul")
    expect(page.get_by_role("heading", name="Related solutions")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Observatory profile of Seoul").click()
    expect(page).to_have_url(re.compile(r"/observatory/metros/seoul/$"))


def test_french_exchange_home_passes_axe(page: Page):
    page.goto("/fr/exchange/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    map_drawn(page)
    assert_accessible(page)
