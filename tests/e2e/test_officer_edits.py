"""Journey: an officer signs in, edits their own member, and is refused on another."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import BARCELONA, make_user
from tests.e2e.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.e2e


def test_officer_edits_own_member_and_is_refused_on_another(page: Page):
    make_user("officer_barcelona", ("officer", BARCELONA))
    sign_in(page, "officer_barcelona")

    page.goto(f"/members/{BARCELONA}/")
    page.get_by_role("link", name="Edit profile").click()
    assert_accessible(page)
    page.get_by_label("Website").fill("not a web address")
    page.get_by_label("Description (English)").fill("The City Council of Barcelona.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Enter a valid URL.")).to_be_visible()
    expect(page.get_by_label("Description (English)")).to_have_value(
        "The City Council of Barcelona."
    )

    page.get_by_label("Website").fill("https://ajuntament.barcelona.cat")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_have_text("The member profile was saved.")
    expect(page.get_by_text("The City Council of Barcelona.")).to_be_visible()

    page.get_by_role("link", name="Add a contact").click()
    page.get_by_label("Given name").fill("Núria")
    page.get_by_label("Family name").fill("Puig")
    page.get_by_label("Role category").select_option("technical")
    page.get_by_label("Gender").select_option("female")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("cell", name="Núria Puig", exact=True)).to_be_visible()
    assert_accessible(page)

    response = page.goto("/members/seoul/edit/")
    assert response is not None
    assert response.status == 403
    page.goto("/members/seoul/")
    expect(page.get_by_role("link", name="Edit profile")).to_have_count(0)
    expect(page.get_by_text("Núria Puig")).to_have_count(0)
