"""Journey: the Secretariat pages through long lists of the plan — expense lines on the money
page and on an activity, the activities list, a member's activities from the engagement page —
with the totals over every row; axe on each page. The 130 extra expenses and the risks are
test data (illustrative)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from metroscope.accountability.activities.models import Activity
from metroscope.accountability.ledger import sample as sample_accounts
from metroscope.accountability.ledger.models import Expense
from tests.conftest import make_user
from tests.e2e.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.e2e


def test_secretariat_pages_through_long_lists(page: Page):
    sample_accounts.sample_accounts_load()
    make_user("staff", ("secretariat", ""))
    activity = (
        Activity.objects.filter(work_plan__year=2021, members__isnull=False).order_by("pk").first()
    )
    Expense.objects.bulk_create(
        Expense(activity=activity, date=dt.date(2021, 2, 1) + dt.timedelta(days=n),
                amount=Decimal(1), currency="EUR", rate_to_eur=Decimal(1),
                amount_eur=Decimal(1), category="other", document_reference=f"PAGE-{n:03d}",
                illustrative=True)
        for n in range(130)
    )  # fmt: skip
    lines = Expense.objects.filter(date__year=2021).count()
    assert lines > 100
    sign_in(page, "staff")

    page.goto("/plan/money/?year=2021")
    pages = page.get_by_test_id("expense-lines-pages")
    expect(pages).to_contain_text(f"Page 1 of {(lines + 99) // 100}")
    expect(page.get_by_test_id("expense-lines").locator("tbody tr")).to_have_count(100)
    assert_accessible(page)
    pages.get_by_role("link", name=re.compile("Next")).click()
    expect(page).to_have_url(re.compile(r"year=2021&page=2#expense-lines$"))
    expect(page.get_by_test_id("expense-lines").locator("tbody tr")).to_have_count(lines - 100)
    expect(page.get_by_test_id("budget-by-line")).to_be_visible()  # totals over every line

    page.goto(f"/plan/activities/{activity.pk}/")
    own = page.get_by_test_id("activity-expenses-pages")
    expect(own).to_contain_text("Page 1 of")
    own.get_by_role("link", name=re.compile("Next")).click()
    expect(page).to_have_url(re.compile(r"expenses=2#activity-expenses$"))
    expect(page.get_by_test_id("activity-expenses")).to_contain_text("PAGE-")
    assert_accessible(page)

    page.goto("/plan/engagement/")
    assert_accessible(page)
    page.goto(f"/plan/activities/?member={activity.members.first().code}")
    expect(page.get_by_test_id("member-filter")).to_contain_text(activity.members.first().name)
    expect(page.get_by_test_id("activities")).to_contain_text(activity.title)
    assert_accessible(page)
