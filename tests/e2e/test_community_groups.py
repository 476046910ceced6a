"""Journey of groups: staff create a working group and add a member; the member posts in the
thread and shares a document; a signed-in non-member is refused the inside; axe on each page."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from metroscope.community.models import Group, GroupDocument, Post
from tests.conftest import make_user
from tests.core.files import PDF
from tests.e2e.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.e2e

NAME = "Test working group on heat (made by the test suite)"


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()


def test_staff_create_a_group_a_member_posts_and_shares_an_outsider_is_refused(
    page: Page, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    make_user("staff", ("secretariat", ""))
    make_user("ana")
    make_user("outsider")

    sign_in(page, "staff")
    page.goto("/community/groups/")
    expect(page.get_by_text("No group is recorded yet")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Create a group").click()
    assert_accessible(page)
    page.get_by_label("Name in English").fill(NAME)
    page.get_by_label("Name in French").fill("Groupe de travail test sur la chaleur")
    page.get_by_label("Kind").select_option("working_group")
    page.get_by_label("Visibility").select_option("public")
    page.get_by_label("Description in English").fill("Made by the test suite.")
    page.get_by_role("button", name="Save the group").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(NAME)
    page.get_by_label("User name").fill("ana")
    page.get_by_label("Role in the group").select_option("member")
    page.get_by_role("button", name="Add the member").click()
    expect(page.locator(".messages [role=status]")).to_contain_text("The member is added")
    expect(page.get_by_test_id("member-row")).to_contain_text("ana")
    assert_accessible(page)
    group = Group.objects.get(name_en=NAME)
    sign_out(page)

    sign_in(page, "ana")
    page.goto("/community/groups/")
    page.get_by_role("link", name=NAME).click()
    expect(page.get_by_test_id("my-role")).to_have_text("Member")
    page.get_by_label("Your message").fill("First call on **Tuesday** <script>alert(1)</script>")
    page.get_by_role("button", name="Post", exact=True).click()
    expect(page.locator(".messages [role=status]")).to_contain_text("Your message is posted")
    expect(page.get_by_test_id("post").locator("strong", has_text="Tuesday")).to_be_visible()
    assert page.locator("[data-testid=post] script").count() == 0
    page.get_by_label("File", exact=True).set_input_files(
        files=[{"name": "agenda.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_role("button", name="Share the file").click()
    expect(page.locator(".messages [role=status]")).to_contain_text("shared with the group")
    expect(page.get_by_test_id("document")).to_contain_text("agenda.pdf")
    assert_accessible(page)
    page.goto(f"/fr/community/groups/{group.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Groupe de travail test sur la chaleur"
    )
    assert_accessible(page)
    page.goto(f"/community/groups/{group.pk}/")
    sign_out(page)

    sign_in(page, "outsider")
    page.goto(f"/community/groups/{group.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(NAME)
    expect(page.get_by_text("are for the group's members and the Secretariat")).to_be_visible()
    assert page.get_by_test_id("post").count() == 0
    assert page.get_by_test_id("document").count() == 0
    assert_accessible(page)
    document = GroupDocument.objects.get()
    refused = page.goto(f"/community/groups/{group.pk}/documents/{document.pk}/")
    assert refused is not None
    assert refused.status == 403
    assert Post.objects.count() == 1
