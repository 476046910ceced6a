"""Journey: with illustrative samples, staff record a participant count on the people page and
a risk on the risks page, and see the tables and the heat map change; axe on every page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from metroscope.accountability.activities.models import Activity
from metroscope.accountability.ledger import sample as sample_accounts
from metroscope.accountability.risks.models import Risk
from tests.conftest import make_user
from tests.e2e.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.e2e
LABEL = "Illustrative figures, not Metropolis's accounts"


def test_staff_record_a_count_and_a_risk_and_see_the_heat_map_change(page: Page):
    sample_accounts.sample_accounts_load()
    make_user("staff", ("secretariat", ""))
    activity = Activity.objects.filter(mode="online").order_by("pk").first()
    before = Risk.objects.filter(likelihood=5, impact=5).exclude(status="closed").count()

    page.goto("/plan/")
    nav = page.get_by_role("navigation", name="Plan and accountability")
    nav.get_by_role("link", name="People").click()
    expect(page).to_have_url(re.compile(r"/plan/people/$"))
    expect(page.get_by_test_id("illustrative")).to_contain_text(LABEL)
    expect(page.locator("#gender-balance svg, #gender-balance canvas").first).to_be_visible()
    expect(page.get_by_test_id("people-by-member")).to_have_count(0)
    assert_accessible(page)

    page.goto("/plan/risks/")
    expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()

    sign_in(page, "staff")
    page.goto("/plan/people/")
    page.get_by_role("link", name="Record a participant count").click()
    assert_accessible(page)
    page.get_by_label("Activity").select_option(str(activity.pk))
    page.get_by_label("Gender").select_option("female")
    page.get_by_label("Role category").select_option("expert")
    page.get_by_label("Number of people").fill("-2")
    page.get_by_role("button", name="Record").click()
    expect(page.get_by_role("alert")).to_contain_text("0 or more, not -2")
    page.get_by_label("Number of people").fill("17")
    page.get_by_role("button", name="Record").click()
    expect(page).to_have_url(re.compile(r"/plan/people/#by-activity$"))
    row = (
        page.get_by_test_id("participants-by-activity")
        .get_by_role("row")
        .filter(has_text=activity.title)
    )
    expect(row).to_contain_text("17")
    assert_accessible(page)

    page.get_by_role("navigation", name="Plan and accountability").get_by_role(
        "link", name="Risks"
    ).click()
    expect(page).to_have_url(re.compile(r"/plan/risks/$"))
    cell = page.locator('[data-cell="5-5"]')
    expect(cell).to_have_text(str(before))
    expect(page.locator("#risk-heat-map svg, #risk-heat-map canvas").first).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Add a risk").click()
    page.get_by_label("Title").fill("Venue unavailable")
    page.get_by_label("Category").select_option("operational")
    page.get_by_label("Likelihood (1–5)").fill("7")
    page.get_by_label("Impact (1–5)").fill("5")
    page.get_by_label("Owner").fill("Events team")
    page.get_by_role("button", name="Add to the register").click()
    expect(page.get_by_role("alert")).to_contain_text("7 is outside the scale")
    assert_accessible(page)
    page.get_by_label("Likelihood (1–5)").fill("5")
    page.get_by_role("button", name="Add to the register").click()
    expect(page).to_have_url(re.compile(r"/plan/risks/$"))
    expect(page.locator('[data-cell="5-5"]')).to_have_text(str(before + 1))
    expect(page.get_by_test_id("risk-register")).to_contain_text("Venue unavailable")
    assert_accessible(page)
