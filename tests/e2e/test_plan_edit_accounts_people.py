"""Journey: the Secretariat records an expense and then a refund of part of it (refused without
its reason, accepted with it) and sees the activity's and the money page's totals drop; records a
participant person by person and sees the gender balance change; records a trip, edits it (two
passengers) and sees the carbon total double, then deletes it after confirming. Axe on every
page. Everything typed is test data; no sample accounts are loaded."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from metroscope.accountability.activities import accounts as activity_accounts_module
from metroscope.accountability.activities.models import Activity
from metroscope.accountability.templatetags.plan_accounts import tonnes
from tests.conftest import make_user
from tests.e2e.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.e2e
YEAR = 2023


def test_staff_record_a_refund_a_participant_and_edit_a_trip(page: Page):
    make_user("staff", ("secretariat", ""))
    activity = (
        Activity.objects.filter(work_plan__year=YEAR, mode="in_person").order_by("pk").first()
    )
    sign_in(page, "staff")

    # An expense, then a refund of part of it: the totals net.
    page.goto(f"/plan/activities/{activity.pk}/")
    actions = page.get_by_test_id("activity-staff-actions")
    actions.get_by_role("link", name="Record an expense").click()
    page.get_by_label("Date").fill(f"{YEAR}-03-15")
    page.get_by_label("Amount", exact=True).fill("1000")
    page.get_by_label("Currency").fill("EUR")
    page.get_by_label("Category").select_option("venue")
    page.get_by_role("button", name="Record an expense").click()
    money = page.get_by_test_id("activity-money")
    expect(money).to_contain_text("1,000")

    page.get_by_test_id("activity-staff-actions").get_by_role(
        "link", name="Record an expense"
    ).click()
    page.get_by_label("Date").fill(f"{YEAR}-04-02")
    page.get_by_label("Amount", exact=True).fill("-250")
    page.get_by_label("Currency").fill("EUR")
    page.get_by_label("Category").select_option("venue")
    page.get_by_role("button", name="Record an expense").click()
    expect(page.get_by_role("alert").first).to_contain_text("needs its reason")
    assert_accessible(page)
    page.get_by_label("Reason (for a negative amount)").fill("Refund of the unused room")
    page.get_by_role("button", name="Record an expense").click()
    expect(page.get_by_text("The expense was recorded.")).to_be_visible()
    facts = page.get_by_test_id("activity-money").locator("dl")
    expect(facts).to_contain_text("750")
    expenses = page.get_by_test_id("activity-expenses")
    expect(expenses).to_contain_text("Refund of the unused room")
    expect(expenses).to_contain_text("paid in EUR")
    assert_accessible(page)

    page.goto(f"/plan/money/?year={YEAR}")
    expect(page.get_by_test_id("budget-by-line")).to_contain_text("750")
    expect(page.get_by_test_id("expense-lines")).to_contain_text("Refund of the unused room")
    assert_accessible(page)

    # A participant person by person: the year's gender balance changes.
    page.goto(f"/plan/people/?year={YEAR}")
    # nobody yet that year: no totals table, the empty state says who records them
    expect(page.get_by_test_id("participants-total")).to_have_count(0)
    expect(page.get_by_test_id("participants-empty")).to_contain_text("No participant")
    page.get_by_test_id("people-staff-actions").get_by_role(
        "link", name="Record a participant", exact=True
    ).click()
    assert_accessible(page)
    page.get_by_label("Activity").select_option(str(activity.pk))
    page.get_by_label("Name").fill("Test Participant")
    page.get_by_label("Gender").select_option("female")
    page.get_by_label("Role category").select_option("technical")
    page.get_by_label("Member").select_option("seoul")
    page.get_by_role("button", name="Record a participant").click()
    expect(page).to_have_url(re.compile(r"/plan/people/#by-activity$"))
    expect(page.get_by_text("The participant was recorded.")).to_be_visible()
    page.goto(f"/plan/people/?year={YEAR}")
    totals = page.get_by_test_id("participants-total").get_by_role("row").nth(1)
    expect(totals).to_contain_text("Participants")
    expect(totals.get_by_role("cell").nth(1)).to_have_text("1")  # women
    expect(totals.get_by_role("cell").nth(6)).to_contain_text("100")  # women's share, %
    expect(page.get_by_test_id("participant-records")).to_contain_text("Test Participant")
    assert_accessible(page)

    # A trip, edited to two passengers: the carbon total doubles; then deleted.
    page.goto(f"/plan/activities/{activity.pk}/trip/")
    page.get_by_label("From").fill("Barcelona")
    page.get_by_label("To", exact=True).fill("Seoul")
    page.get_by_label("Mode").select_option("air")
    page.get_by_label("Cabin class").select_option("economy")
    page.get_by_label("Passengers").fill("1")
    page.get_by_role("button", name="Record a trip").click()
    carbon = page.get_by_test_id("activity-carbon")
    one = activity_accounts_module.activity_accounts(activity=activity).kg_co2e
    expect(carbon).to_contain_text(f"{tonnes(one)} t CO2e from the trips recorded")

    carbon.get_by_role("link", name="Edit Barcelona → Seoul").click()
    expect(page.get_by_role("heading", name="Edit a trip")).to_be_visible()
    expect(page.get_by_label("From")).to_have_value("Barcelona")
    assert_accessible(page)
    page.get_by_label("Passengers").fill("0")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert").first).to_contain_text("at least one passenger")
    page.get_by_label("Passengers").fill("2")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The trip was saved.")).to_be_visible()
    two = activity_accounts_module.activity_accounts(activity=activity).kg_co2e
    assert two == pytest.approx(2 * one)
    expect(carbon).to_contain_text(f"{tonnes(two)} t CO2e from the trips recorded")
    assert_accessible(page)

    carbon.get_by_role("link", name="Delete Barcelona → Seoul").click()
    expect(page.get_by_test_id("row-to-delete")).to_contain_text("Seoul")
    assert_accessible(page)
    page.get_by_role("button", name="Yes, delete it").click()
    expect(page.get_by_text("The trip was deleted.")).to_be_visible()
    expect(page.get_by_test_id("activity-carbon")).to_contain_text("No trips recorded.")
