"""Journey of the Guangzhou Award's jury: a juror declares a conflict of interest, scores a
submission they are not conflicted on and is refused on the conflicted one; staff see the
ranking change. The edition and its submissions are made by the test (illustrative), the
past editions are the real ones. Axe on each page."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from metroscope.awards.models import Juror
from tests.awards.conftest import make_edition, make_submissions
from tests.conftest import BARCELONA, SEOUL, make_user
from tests.e2e.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.e2e


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()


def test_a_juror_scores(page: Page):
    edition = make_edition(year=2031, status="judging")
    author = make_user("author", ("officer", BARCELONA), ("officer", SEOUL))
    subs = make_submissions(edition, author, "Illustrative initiative of")
    juror = make_user("juror")
    Juror.objects.create(edition=edition, user=juror)
    make_user("staff", ("secretariat", ""))
    barcelona, seoul = subs[BARCELONA], subs[SEOUL]

    page.goto("/awards/")
    expect(page.get_by_role("heading", level=1)).to_have_text("The Guangzhou Award")
    assert_accessible(page)
    page.get_by_role("link", name="2018").click()
    expect(page.get_by_role("heading", name="Winners")).to_be_visible()
    assert_accessible(page)

    sign_in(page, "staff")
    page.goto(f"/awards/{edition.year}/ranking/")
    expect(page.get_by_test_id(f"mean-{barcelona.pk}")).to_have_text("—")
    assert_accessible(page)
    sign_out(page)

    sign_in(page, "juror")
    page.goto("/awards/jury/")
    assert_accessible(page)
    page.get_by_role("link", name="Declare a conflict of interest").click()
    assert_accessible(page)
    page.get_by_label("Submission").select_option(str(seoul.pk))
    page.get_by_label("Conflict of interest").fill("I advised Seoul on this initiative.")
    page.get_by_role("button", name="Declare the conflict").click()
    expect(page.locator(".messages [role=status]")).to_contain_text("you will not score it")
    assert_accessible(page)

    page.get_by_role("link", name="My jury assignments").first.click()
    expect(page.get_by_role("link", name=seoul.title)).to_have_count(0)
    page.get_by_role("link", name=barcelona.title).click()
    assert_accessible(page)
    page.get_by_label("Innovation (40 %)").fill("8")
    page.get_by_label("Impact (35 %)").fill("6")
    page.get_by_label("Transferability (25 %)").fill("11")
    page.get_by_role("button", name="Save my scores").click()
    expect(page.get_by_text("Give Transferability a score from 0 to 10.")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Transferability (25 %)").fill("9")
    page.get_by_role("button", name="Save my scores").click()
    expect(page.locator(".messages [role=status]")).to_contain_text("are saved")
    expect(page.get_by_role("row", name=barcelona.title)).to_contain_text("Scored")
    assert_accessible(page)

    answer = page.goto(f"/awards/submissions/{seoul.pk}/score/")
    assert answer is not None
    assert answer.status == 403
    expect(page.get_by_test_id("refused")).to_contain_text(
        "You declared a conflict of interest on this submission"
    )
    assert_accessible(page)
    sign_out(page)

    sign_in(page, "staff")
    page.goto(f"/awards/{edition.year}/ranking/")
    # (40 × 8 + 35 × 6 + 25 × 9) ÷ 100
    expect(page.get_by_test_id(f"mean-{barcelona.pk}")).to_have_text("7.55")
    expect(page.get_by_test_id(f"rank-{barcelona.pk}")).to_contain_text("1")
    assert_accessible(page)

    # the choice stays the Secretariat's until the winners are published
    page.get_by_label(f"Shortlist {barcelona.title}").check()
    page.get_by_label(f"Shortlist {seoul.title}").check()
    page.get_by_label(f"{barcelona.title} wins").check()
    page.get_by_role("button", name="Save the shortlist and the winners").click()
    expect(page.locator(".messages [role=status]")).to_contain_text("are saved")
    sign_out(page)
    page.goto(f"/awards/{edition.year}/")
    expect(page.get_by_text(barcelona.title)).to_have_count(0)
    expect(page.get_by_text(seoul.title)).to_have_count(0)

    sign_in(page, "staff")
    page.goto(f"/awards/{edition.year}/ranking/")
    page.get_by_role("button", name="Publish the winners to the exchange").click()
    expect(page.locator(".messages [role=status]")).to_contain_text("1 winner is published")
    sign_out(page)
    page.goto(f"/awards/{edition.year}/")
    expect(page.get_by_role("link", name=barcelona.title)).to_be_visible()  # to the exchange
    expect(page.get_by_test_id("finalists")).to_contain_text(seoul.title)
    assert_accessible(page)
