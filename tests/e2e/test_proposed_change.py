"""Journey: Seoul's officer proposes a change to a published value; the public keeps the
published one; the Secretariat sees both side by side, rejects one change, returns another
with a comment (refused first without one); the officer sees it returned in My Metroscope,
corrects it and proposes it again; the Secretariat approves it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from metroscope.observatory.models import Decision, Observation, ProposedValue, Status
from tests.conftest import SEOUL, make_user
from tests.e2e.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.e2e

PM25 = "pm25_annual_mean"
PM25_NAME = "Annual mean PM2.5 concentration"
SOURCE = "Seoul Metropolitan Government, Air Quality Report 2019"
COMMENT = "265 is ten times the report's figure: check the decimal point."


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)


def seoul_2019() -> Observation:
    return Observation.objects.get(metro__code="seoul", indicator__code=PM25, year=2019)


def propose(page: Page, value: str) -> None:
    page.goto("/observatory/enter/?metro=seoul")
    page.get_by_label("Indicator").select_option(PM25)
    page.get_by_label("Year").fill("2019")
    page.get_by_label("Value", exact=True).fill(value)
    page.get_by_label("Area the value describes").select_option("core_city")
    page.get_by_label("Source").fill(SOURCE)
    page.get_by_role("button", name="Save as provisional").click()
    expect(page.get_by_role("status")).to_have_text(
        "Your change to the published value was saved for review; the published value stays "
        "public until the Secretariat approves the change."
    )


def test_a_proposed_change_waits_beside_the_published_value(page: Page):
    published = seoul_2019()
    assert (published.value, published.status) == (25.0, Status.PUBLISHED)
    make_user("officer_seoul", ("officer", SEOUL))
    sign_in(page, "officer_seoul")
    propose(page, "131.4")
    changes = page.locator("table").filter(has=page.get_by_role("columnheader", name="Proposed"))
    expect(page.get_by_role("heading", name="Changes waiting for review")).to_be_visible()
    row = changes.locator("tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("25.0")
    expect(row).to_contain_text("131.4")
    expect(row).to_contain_text("+106.4")
    expect(row).to_contain_text(SOURCE)
    assert_accessible(page)
    assert seoul_2019().value == 25.0

    sign_out(page)
    page.goto("/observatory/metros/seoul/")
    expect(page.get_by_role("heading", name="Changes waiting for review")).to_have_count(0)
    pm25 = page.locator("section.series").filter(
        has=page.get_by_role("heading", name=PM25_NAME, exact=True)
    )
    expect(pm25).not_to_contain_text("131.4")

    make_user("staff", ("secretariat", ""))
    sign_in(page, "staff")
    page.goto("/observatory/review/")
    choice = page.get_by_role("checkbox", name="Choose the change to Seoul pm25_annual_mean 2019")
    expect(choice).to_be_visible()
    assert_accessible(page)
    choice.check()
    page.get_by_role("button", name="Reject").click()
    expect(page.get_by_role("status")).to_have_text(
        "1 proposed change(s) rejected; the published values stay."
    )
    expect(choice).to_have_count(0)
    assert seoul_2019().value == 25.0
    assert ProposedValue.objects.get().decision == Decision.REJECTED

    # A second change is returned with a comment; the officer corrects it and proposes again.
    sign_out(page)
    sign_in(page, "officer_seoul")
    propose(page, "265")
    sign_out(page)
    sign_in(page, "staff")
    page.goto("/observatory/review/")
    page.get_by_role("checkbox", name="Choose the change to Seoul pm25_annual_mean 2019").check()
    page.locator('button[name="proposal_action"][value="return"]').click()
    expect(page.get_by_role("alert")).to_have_text(
        "Say what should be corrected: a value is returned with a comment."
    )
    assert_accessible(page)
    page.get_by_label("Comment for whoever proposed the changes").fill(COMMENT)
    page.locator('button[name="proposal_action"][value="return"]').click()
    expect(page.get_by_role("status")).to_have_text(
        "1 proposed change returned with your comment; whoever proposed it is told."
    )
    expect(page.locator("#returned-changes + .table-box")).to_contain_text(COMMENT)
    assert seoul_2019().value == 25.0
    sign_out(page)
    sign_in(page, "officer_seoul")
    page.goto("/me/")
    returned = page.locator("ul.values li.returned")
    expect(returned.locator("blockquote")).to_contain_text(COMMENT)
    expect(page.locator("ul.notifications")).to_contain_text(COMMENT)
    assert_accessible(page)
    returned.get_by_role("link", name="Correct and propose again").click()
    expect(page.get_by_role("note")).to_contain_text(COMMENT)
    expect(page.get_by_label("Value", exact=True)).to_have_value("265.0")
    assert_accessible(page)
    page.get_by_label("Value", exact=True).fill("26.5")
    page.get_by_role("button", name="Save as provisional").click()
    expect(page.get_by_role("status")).to_contain_text("saved for review")
    sign_out(page)
    sign_in(page, "staff")
    page.goto("/observatory/review/")
    page.get_by_role("checkbox", name="Choose the change to Seoul pm25_annual_mean 2019").check()
    page.get_by_role("button", name="Approve and publish").click()
    expect(page.get_by_role("status")).to_have_text("1 proposed change(s) approved and published.")
    assert_accessible(page)
    approved = seoul_2019()
    assert (approved.value, approved.status) == (26.5, Status.PUBLISHED)
    assert approved.revisions.get().value == 25.0
    decisions = list(ProposedValue.objects.order_by("pk").values_list("decision", flat=True))
    assert decisions == [Decision.REJECTED, Decision.RETURNED, Decision.APPROVED]
