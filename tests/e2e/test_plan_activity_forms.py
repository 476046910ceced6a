"""Journey: the Secretariat creates an activity, records an expense (in USD, at the ECB rate of
its date) and a trip on it, sees the money and carbon pages' totals change, and downloads the
Board report PDF through the plan's navigation; axe on every page. Everything typed is test
data, and no sample accounts are loaded, so the totals are those of this journey alone."""

from __future__ import annotations

import io
import re

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from tests.conftest import make_user
from tests.e2e.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.e2e
TITLE = "Journey test workshop"


def test_staff_run_an_activity_from_the_browser(page: Page):
    make_user("staff", ("secretariat", ""))
    sign_in(page, "staff")

    page.goto("/plan/money/?year=2022")
    expect(page.get_by_test_id("budget-empty")).to_contain_text(
        "No budget or expense has been recorded yet."
    )
    page.goto("/plan/carbon/?year=2022")
    expect(page.get_by_test_id("carbon-summary")).to_contain_text("0 trips")

    page.get_by_role("navigation", name="Plan and accountability").get_by_role(
        "link", name="Activities"
    ).click()
    page.get_by_role("link", name="New activity").click()
    expect(page.get_by_role("heading", name="New activity")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Work plan year").select_option("2022")
    page.get_by_label("Type", exact=True).select_option("training")
    page.get_by_label("Plan outcomes").select_option(index=0)
    page.get_by_label("Held").select_option("in_person")
    page.get_by_label("Start date").fill("2022-05-10")
    page.get_by_label("End date").fill("2022-05-01")
    page.get_by_role("button", name="Create the activity").click()
    expect(page.get_by_role("alert").first).to_contain_text("names its host city")
    assert_accessible(page)
    page.get_by_label("Host city").fill("Seoul")
    page.get_by_role("button", name="Create the activity").click()
    expect(page.get_by_role("alert").first).to_contain_text("The end date is before the start")
    page.get_by_label("End date").fill("2022-05-12")
    page.get_by_role("button", name="Create the activity").click()
    expect(page.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
    expect(page.get_by_text("The activity was created.")).to_be_visible()
    assert_accessible(page)

    actions = page.get_by_test_id("activity-staff-actions")
    actions.get_by_role("link", name="Record an expense").click()
    assert_accessible(page)
    page.get_by_label("Date").fill("2022-03-15")
    page.get_by_label("Amount", exact=True).fill("1000")
    page.get_by_label("Currency").fill("XYZ")
    page.get_by_label("Category").select_option("venue")
    page.get_by_label("Supplier").fill("Test venue")
    page.get_by_role("button", name="Record an expense").click()
    expect(page.get_by_role("alert").first).to_contain_text("no reference rate for XYZ")
    assert_accessible(page)
    page.get_by_label("Currency").fill("USD")
    page.get_by_role("button", name="Record an expense").click()
    expect(page.get_by_test_id("activity-expenses")).to_contain_text("909.84")

    page.get_by_test_id("activity-staff-actions").get_by_role("link", name="Record a trip").click()
    assert_accessible(page)
    page.get_by_label("From").fill("Qwzxy Town")
    page.get_by_label("To", exact=True).fill("Seoul")
    page.get_by_label("Mode").select_option("air")
    page.get_by_label("Cabin class").select_option("economy")
    page.get_by_role("button", name="Record a trip").click()
    expect(page.get_by_role("alert").first).to_contain_text("Unknown place “Qwzxy Town”")
    page.get_by_label("From").fill("Barcelona")
    page.get_by_role("button", name="Record a trip").click()
    expect(page.get_by_test_id("activity-carbon")).to_contain_text("t CO2e from the trips")
    assert_accessible(page)

    nav = page.get_by_role("navigation", name="Plan and accountability")
    nav.get_by_role("link", name="Money").click()
    expect(page).to_have_url(re.compile(r"/plan/money/$"))
    page.goto("/plan/money/?year=2022")  # the year list has the years with funding or budgets
    expect(page.get_by_test_id("budget-by-line")).to_contain_text("910")
    expect(page.get_by_test_id("expense-lines")).to_contain_text(TITLE)
    assert_accessible(page)

    nav = page.get_by_role("navigation", name="Plan and accountability")
    nav.get_by_role("link", name="Carbon").click()
    expect(page).to_have_url(re.compile(r"/plan/carbon/$"))
    page.goto("/plan/carbon/?year=2022")
    expect(page.get_by_test_id("carbon-summary")).to_contain_text("1 trip,")
    expect(page.get_by_test_id("emissions-by-year")).to_contain_text("2022")
    assert_accessible(page)

    page.get_by_role("navigation", name="Plan and accountability").get_by_role(
        "link", name="Board report"
    ).click()
    expect(page).to_have_url(re.compile(r"/plan/report/"))
    assert_accessible(page)
    form = page.get_by_test_id("year-report")
    form.get_by_label("Year").select_option("2022")
    with page.expect_download(timeout=180_000) as info:
        form.get_by_role("button", name="Download the PDF").click()
    with open(info.value.path(), "rb") as handle:
        data = handle.read()
    assert data[:5] == b"%PDF-"
    text = "".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages)
    assert "2022" in text
    assert TITLE in text
