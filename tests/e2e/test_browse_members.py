"""Journey: home → members → member page, with the map drawn from local files only."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from metroscope.members.models import Member
from tests.e2e.conftest import assert_accessible

pytestmark = pytest.mark.e2e


def test_home_to_members_to_member_page(page: Page):
    page.goto("/")
    expect(page.get_by_test_id("member-count")).to_have_text(str(Member.objects.count()))
    chart = page.locator("#members-map")
    expect(chart).to_have_attribute("data-ready", "1")
    # One mark per member on the map, drawn from the embedded spec.
    marks = chart.locator("g.mark-symbol.role-mark path")
    expect(marks).to_have_count(Member.objects.count())
    assert_accessible(page)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Members").click()
    expect(page).to_have_url(re.compile(r"/members/$"))
    expect(page.get_by_test_id("result-count")).to_have_text("141 members found")
    assert_accessible(page)

    page.get_by_label("Region").select_option("africa")
    africa = Member.objects.filter(country__region__code="africa").count()
    expect(page.get_by_test_id("result-count")).to_have_text(f"{africa} members found")
    expect(page).to_have_url(re.compile(r"region=africa"))

    page.locator("main").get_by_label("Search").fill("dakar")
    expect(page.get_by_test_id("result-count")).to_have_text("1 member found")
    page.get_by_role("link", name="Dakar").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dakar")
    expect(page.locator("#member-map")).to_have_attribute("data-ready", "1")
    assert_accessible(page)


def test_directory_sorts_by_country(page: Page):
    page.goto("/members/?sort=-country")
    first = page.locator("tbody tr").first.locator("td").nth(1)
    expect(first).to_have_text("Zimbabwe")
