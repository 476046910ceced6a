"""Journey of a member's submission to the Guangzhou Award and of the staff's rubric: an
officer submits with a document (the eligibility check's message under the field left
empty), staff are refused weights that do not sum to 100. The open edition is made by the
test (illustrative). Axe on each page."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from metroscope.awards.models import Submission
from tests.awards.conftest import make_edition
from tests.conftest import BARCELONA, make_user
from tests.e2e.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.e2e


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 6), (20, 120, 60)).save(buffer, format="PNG")
    return buffer.getvalue()


def _attach(page: Page) -> None:
    page.get_by_label("Documents").set_input_files(
        {"name": "superblock.png", "mimeType": "image/png", "buffer": _png()}
    )


def test_an_officer_submits_and_staff_set_the_rubric(page: Page):
    edition = make_edition(year=2031, status="open")
    make_user("officer", ("officer", BARCELONA))
    make_user("staff", ("secretariat", ""))

    sign_in(page, "officer")
    page.goto(f"/awards/{edition.year}/")
    assert_accessible(page)
    page.get_by_role("link", name="Submit your member's initiative").click()
    assert_accessible(page)
    page.get_by_label("Initiative").fill("Illustrative superblocks")
    page.get_by_label("Description").fill("Streets given back to people.")
    _attach(page)
    page.get_by_role("button", name="Submit").click()
    expect(page.locator("#id_impact ~ [role=alert]")).to_contain_text("This field is required.")
    assert_accessible(page)
    assert not Submission.objects.exists()
    page.get_by_label("Impact").fill("Less traffic, more trees.")
    _attach(page)
    page.get_by_role("button", name="Submit").click()
    expect(page.locator(".messages [role=status]")).to_contain_text("is submitted for")
    expect(page.get_by_role("heading", name="Your member's submission")).to_be_visible()
    assert_accessible(page)
    assert Submission.objects.get().documents.get().content_type == "image/png"
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, "staff")
    page.goto(f"/awards/{edition.year}/rubric/")
    assert_accessible(page)
    page.locator("#id_criteria-0-weight").fill("50")
    page.locator("#id_criteria-1-weight").fill("30")
    page.locator("#id_criteria-2-weight").fill("30")
    page.get_by_role("button", name="Save the rubric").click()
    expect(page.get_by_role("alert").first).to_contain_text("The weights sum to 110, not 100.")
    assert_accessible(page)
    page.locator("#id_criteria-2-weight").fill("20")
    page.get_by_role("button", name="Save the rubric").click()
    expect(page.locator(".messages [role=status]")).to_contain_text("The rubric is saved.")
    assert list(edition.criteria.values_list("weight", flat=True)) == [50, 30, 20]
