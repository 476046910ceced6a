"""Journey: the opportunity matrix and member engagement pages (axe on each), then the
Secretariat opens the Board report page and downloads the PDF."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from metroscope.accountability.ledger import sample as sample_accounts
from tests.conftest import make_user
from tests.e2e.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.e2e


def test_dashboards_and_board_report_download(page: Page):
    sample_accounts.sample_accounts_load()
    make_user("staff", ("secretariat", ""))

    page.goto("/plan/")
    nav = page.get_by_role("navigation", name="Plan and accountability")
    nav.get_by_role("link", name="Opportunity matrix").click()
    expect(page).to_have_url(re.compile(r"/plan/matrix/$"))
    expect(page.get_by_test_id("matrix")).to_be_visible()
    expect(
        page.locator("#opportunity-matrix svg, #opportunity-matrix canvas").first
    ).to_be_visible()
    assert_accessible(page)

    nav = page.get_by_role("navigation", name="Plan and accountability")
    nav.get_by_role("link", name="Member engagement").click()
    expect(page).to_have_url(re.compile(r"/plan/engagement/$"))
    expect(page.get_by_test_id("engagement-regions")).to_be_visible()
    expect(page.get_by_test_id("never-reached")).to_be_visible()
    assert_accessible(page)

    sign_in(page, "staff")
    page.goto("/plan/report/")
    expect(page.get_by_role("heading", name="Board report", level=1)).to_be_visible()
    assert_accessible(page)
    form = page.get_by_test_id("year-report")
    form.get_by_label("Year").select_option("2022")
    with page.expect_download(timeout=120_000) as info:
        form.get_by_role("button", name="Download the PDF").click()
    download = info.value
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"
