"""Journeys of the community: a signed-in person offers their expertise with explicit consent,
is found in the directory and on a matching Exchange need, then withdraws; staff and a
member's officer read the engagement pages. Axe on each page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from metroscope.accountability.activities.models import Activity, WorkPlan
from metroscope.community.models import Expert
from metroscope.exchange.models import Need
from metroscope.members.models import Member
from metroscope.plan.models import Theme
from tests.conftest import BARCELONA, make_user
from tests.e2e.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.e2e


def test_opt_in_be_found_on_a_need_and_withdraw(page: Page):
    make_user("bea")
    theme = Theme.objects.order_by("order").first()
    need = Need.objects.create(
        member=Member.objects.get(code="seoul"), title="Social housing near new metro lines"
    )
    need.themes.add(theme)

    sign_in(page, "bea")
    page.goto("/community/experts/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Experts of the network")
    expect(page.get_by_text("No one has opted in as an expert yet.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Offer your expertise").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My expert profile")
    page.get_by_label("Name shown", exact=True).fill("Bea Expert")
    page.get_by_label("Affiliation", exact=True).fill("Housing agency of Seoul")
    page.get_by_role("checkbox", name=theme.name, exact=True).check()
    page.get_by_label("Topics", exact=True).fill("social housing, water")
    page.get_by_role("checkbox", name="English", exact=True).check()
    page.get_by_role("button", name="List me as an expert").click()
    expect(page.get_by_text("Tick the consent box to be listed as an expert.")).to_be_visible()
    assert not Expert.objects.exists()
    assert_accessible(page)

    page.get_by_label(re.compile("^I agree to be listed as an expert")).check()
    page.get_by_role("button", name="List me as an expert").click()
    expect(page.get_by_test_id("expert-status")).to_contain_text("You are listed as an expert")
    assert_accessible(page)

    page.goto("/community/experts/")
    page.get_by_label("Topic", exact=True).fill("water")
    page.get_by_role("combobox", name="Language").select_option("en")
    page.locator("main").get_by_role("button", name="Search").click()
    expect(page.get_by_test_id("experts-count")).to_have_text("1 expert")
    expect(page.get_by_test_id("experts")).to_contain_text("Bea Expert")
    assert_accessible(page)

    page.goto(f"/exchange/needs/{need.pk}/")
    panel = page.get_by_test_id("need-experts")
    expect(panel).to_contain_text("Bea Expert")
    expect(panel).to_contain_text(f"Shares the plan themes: {theme.name}")
    expect(panel).to_contain_text("Knows the topics: social housing")
    assert_accessible(page)

    page.goto("/community/experts/me/")
    page.get_by_role("button", name="Withdraw my consent").click()
    expect(page.get_by_test_id("expert-status")).to_contain_text("You withdrew on")
    assert_accessible(page)
    page.goto("/community/experts/")
    expect(page.get_by_test_id("experts-count")).to_have_text("0 experts")
    page.goto(f"/exchange/needs/{need.pk}/")
    expect(page.get_by_test_id("need-experts")).to_have_count(0)


def test_staff_and_the_officer_read_engagement(page: Page):
    barcelona = Member.objects.get(code=BARCELONA)
    start = timezone.localdate() - dt.timedelta(days=30)
    plan, _ = WorkPlan.objects.get_or_create(year=start.year)
    recent = Activity.objects.create(
        work_plan=plan,
        code="e2e-engagement",
        title="Peer learning on metropolitan housing",
        type="event",
        start_date=start,
        end_date=start + dt.timedelta(days=1),
    )
    recent.members.add(barcelona)
    make_user("staff", ("secretariat", ""))
    make_user("officer_bcn", ("officer", BARCELONA))

    sign_in(page, "staff")
    page.goto(f"/members/{BARCELONA}/")
    page.get_by_role("link", name=re.compile("^Engagement: events")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Engagement of")
    expect(page.get_by_test_id("last-contact")).to_contain_text("engaged in the last 12 months")
    expect(page.get_by_test_id("records-activities")).to_contain_text(
        "Peer learning on metropolitan housing"
    )
    expect(page.get_by_text(re.compile("^Engaged = at least one interaction"))).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Members not engaged lately").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Members not engaged lately")
    expect(page.get_by_test_id("network-summary")).to_contain_text(
        "members not engaged in the last 12 months"
    )
    expect(page.get_by_role("link", name=barcelona.name, exact=True)).to_have_count(0)
    chart = page.locator("#network-engagement-chart")
    expect(chart).to_have_attribute("data-ready", "1")
    expect(chart.locator("svg").first).to_be_visible()
    expect(chart.locator("g.mark-rect path")).to_have_count(10)  # 5 regions × 2 bars
    europe = page.get_by_test_id("network-regions").get_by_role("row", name=re.compile("Europe"))
    expect(europe.locator("td").nth(1)).not_to_have_text("0")  # Barcelona is engaged
    assert_accessible(page)
    quiet = page.locator("table[data-testid^=quiet-] a").first
    name = quiet.inner_text()
    quiet.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Engagement of {name}")
    expect(page.get_by_test_id("last-contact")).to_contain_text("not engaged")

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, "officer_bcn")
    page.goto(f"/community/engagement/{BARCELONA}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Engagement of")
    assert_accessible(page)
    response = page.goto("/community/engagement/")
    assert response is not None
    assert response.status == 403
