"""Journey: an officer drafts a solution with a picture and submits it; the public cannot see
it; the Secretariat publishes it from the review queue; then anyone reads it at its public
address. axe checks every page on the way."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from metroscope.exchange.models import Solution, SolutionStatus
from tests.conftest import BARCELONA, make_user
from tests.e2e.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.e2e

TITLE = "Superblocks drafted in the browser"


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 6), (20, 120, 60)).save(buffer, format="PNG")
    return buffer.getvalue()


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)


def test_officer_drafts_and_submits_staff_publishes_public_reads(page: Page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    make_user("officer", ("officer", BARCELONA))
    make_user("reviewer", ("secretariat", ""))

    sign_in(page, "officer")
    page.goto("/exchange/")
    exchange_nav = page.get_by_role("navigation", name="Urban solutions exchange")
    exchange_nav.get_by_role("link", name="My solutions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My solutions")
    assert_accessible(page)
    exchange_nav.get_by_role("link", name="Share a solution").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Share a solution")
    assert_accessible(page)

    page.get_by_label("Title (required)").fill(TITLE)
    page.get_by_label("Summary (required)").fill("Streets given back to people, block by block.")
    page.get_by_label("Description", exact=True).fill(
        "We closed **nine** blocks to through traffic."
    )
    page.get_by_label("City (required)").fill("Barcelona")
    page.get_by_label("Country (ISO3 code) (required)").fill("xxx")
    page.get_by_label("Metro", exact=True).fill("Barcelona")
    expect(page.get_by_role("checkbox", name="Barcelona (city)")).to_be_checked()
    page.get_by_role("checkbox", name="Sustainability").check()
    page.get_by_role("checkbox", name="11. Sustainable cities and communities").check()
    page.get_by_label("Tags", exact=True).fill("mobility, public space")
    page.get_by_label("Pictures and documents").set_input_files(
        files=[{"name": "block.png", "mimeType": "image/png", "buffer": _png()}]
    )
    page.get_by_role("button", name="Save the draft").click()
    expect(page.get_by_text("Give the country as an ISO 3166 alpha-3 code")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Country (ISO3 code) (required)").fill("ESP")
    page.get_by_label("Pictures and documents").set_input_files(
        files=[{"name": "block.png", "mimeType": "image/png", "buffer": _png()}]
    )
    page.get_by_role("button", name="Save the draft").click()
    expect(page.get_by_role("status").first).to_have_text(
        "The draft was saved. Submit it when it is ready."
    )
    expect(page).to_have_url(re.compile(r"/exchange/solutions/[\w-]+/status/$"))
    assert_accessible(page)
    solution = Solution.objects.get(title=TITLE)
    assert solution.attachments.get().name == "block.png"
    public = f"/exchange/solutions/{solution.slug}/"

    page.get_by_label("Note for the Secretariat (optional)").fill("Ready for review.")
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text("The solution was sent to the Secretariat")).to_be_visible()
    history = page.get_by_role("region", name="History")
    expect(history.get_by_role("cell", name="Ready for review.")).to_be_visible()
    expect(page.get_by_role("link", name="Edit", exact=True)).to_have_count(0)
    assert_accessible(page)

    sign_out(page)
    response = page.goto(public)
    assert response is not None
    assert response.status == 404

    sign_in(page, "reviewer")
    page.goto("/exchange/")
    exchange_nav.get_by_role("link", name="Review queue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Review solutions")
    assert_accessible(page)
    row = page.get_by_role("row").filter(has_text=TITLE)
    row.get_by_text("Decide").click()
    assert_accessible(page)
    row.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("The solution is published.")).to_be_visible()
    solution.refresh_from_db()
    assert solution.status == SolutionStatus.PUBLISHED

    sign_out(page)
    page.goto(public)
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_text("nine")).to_be_visible()
    expect(page.locator(".gallery img")).to_have_count(1)
    assert_accessible(page)
