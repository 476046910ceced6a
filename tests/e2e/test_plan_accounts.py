"""Journey: the plan's money and carbon pages with illustrative accounts, as the public and as
the Secretariat, through the plan's sub-navigation; axe on every page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from metroscope.accountability.ledger import sample as sample_accounts
from tests.conftest import make_user
from tests.e2e.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.e2e
LABEL = "Illustrative figures, not Metropolis's accounts"


def test_money_and_carbon_pages_with_illustrative_accounts(page: Page):
    sample_accounts.sample_accounts_load()
    make_user("staff", ("secretariat", ""))

    page.goto("/plan/")
    nav = page.get_by_role("navigation", name="Plan and accountability")
    nav.get_by_role("link", name="Money").click()
    expect(page).to_have_url(re.compile(r"/plan/money/$"))
    expect(page.get_by_test_id("illustrative")).to_contain_text(LABEL)
    expect(page.get_by_test_id("concentration")).to_contain_text("HHI (0–1)")
    expect(page.locator("#funding-mix svg, #funding-mix canvas").first).to_be_visible()
    expect(page.get_by_test_id("expense-lines")).to_have_count(0)
    assert_accessible(page)

    page.get_by_label("Year", exact=True).select_option("2021")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"year=2021"))
    expect(page.get_by_test_id("funding-mix")).to_contain_text("2021")
    expect(page.get_by_test_id("funding-mix")).not_to_contain_text("2019")

    nav = page.get_by_role("navigation", name="Plan and accountability")
    nav.get_by_role("link", name="Carbon").click()
    expect(page).to_have_url(re.compile(r"/plan/carbon/$"))
    expect(page.get_by_test_id("illustrative")).to_be_visible()
    expect(page.get_by_test_id("emissions-by-year")).to_contain_text("2019")
    expect(page.get_by_test_id("online-savings")).to_be_visible()
    assert_accessible(page)

    sign_in(page, "staff")
    page.goto("/plan/money/")
    expect(page.get_by_test_id("expense-lines")).to_contain_text("(illustrative)")
    expect(page.get_by_test_id("member-fees")).to_be_visible()
    assert_accessible(page)
