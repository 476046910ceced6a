"""Who reads what: unpublished solutions only by their author and the Secretariat (404 for
everyone else), the contact person only by members' officers and the Secretariat, and files
only as their solution is."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile

from metroscope.exchange.models import Attachment, AttachmentKind, Solution, SolutionStatus
from tests.conftest import client_for
from tests.exchange.conftest import make_solution

pytestmark = pytest.mark.django_db

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)


def get(path: str, user=None):
    return client_for(user).get(path, HTTP_HOST="127.0.0.1")


@pytest.mark.parametrize(
    "status",
    [
        SolutionStatus.DRAFT,
        SolutionStatus.SUBMITTED,
        SolutionStatus.CHANGES_REQUESTED,
        SolutionStatus.REJECTED,
        SolutionStatus.ARCHIVED,
    ],
)
def test_unpublished_solution_is_404_for_the_public(draft, status):
    Solution.objects.filter(pk=draft.pk).update(status=status)
    assert get(f"/exchange/solutions/{draft.slug}/").status_code == 404


def test_draft_is_404_for_another_officer_and_a_board_member(draft, officer_seoul, board_member):
    assert get(f"/exchange/solutions/{draft.slug}/", officer_seoul).status_code == 404
    assert get(f"/exchange/solutions/{draft.slug}/", board_member).status_code == 404


def test_author_sees_own_draft_with_a_status_banner_and_counts_no_view(draft, officer_barcelona):
    response = get(f"/exchange/solutions/{draft.slug}/", officer_barcelona)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'class="status-banner"' in page
    assert "Status: Draft." in page
    draft.refresh_from_db()
    assert draft.views == 0


def test_secretariat_sees_any_draft_and_counts_no_view(draft, staff):
    page = get(f"/exchange/solutions/{draft.slug}/", staff).content.decode()
    assert "Draft superblocks of the suite" in page
    assert "Status: Draft." in page
    draft.refresh_from_db()
    assert draft.views == 0


def test_drafts_stay_out_of_the_public_lists_map_and_counters(draft):
    for path in ("/exchange/", "/exchange/collections/use/", "/exchange/feed/rss/"):
        assert draft.title not in get(path).content.decode(), path
    assert "draft-superblocks" not in get("/exchange/").content.decode()


def test_published_page_shows_no_status_banner():
    page = get("/exchange/solutions/the-sharing-city-seoul/").content.decode()
    assert "status-banner" not in page


def test_contact_is_hidden_from_anonymous_readers():
    make_solution(slug="with-contact")
    page = get("/exchange/solutions/with-contact/").content.decode()
    assert "ada.contact@example.org" not in page
    assert "Ada Contact" not in page
    assert "Sign in to see the contact" in page
    assert 'href="/accounts/login/?next=/exchange/solutions/with-contact/"' in page


def test_contact_is_hidden_from_a_signed_in_user_who_is_no_member_officer(board_member):
    make_solution(slug="with-contact")
    page = get("/exchange/solutions/with-contact/", board_member).content.decode()
    assert "ada.contact@example.org" not in page
    assert "shown to officers of member governments and to the Secretariat" in page


@pytest.mark.parametrize("persona", ["officer_seoul", "staff"])
def test_contact_is_shown_to_members_officers_and_the_secretariat(persona, request):
    make_solution(slug="with-contact")
    user = request.getfixturevalue(persona)
    page = get("/exchange/solutions/with-contact/", user).content.decode()
    assert "Ada Contact, Head of innovation" in page
    assert 'href="mailto:ada.contact@example.org"' in page


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def attach(solution: Solution, kind: str, name: str, content: bytes, content_type: str):
    attachment = Attachment(
        solution=solution,
        name=name,
        kind=kind,
        content_type=content_type,
        size=len(content),
        caption=f"Caption of {name}",
    )
    attachment.file.save(name, ContentFile(content), save=True)
    return attachment


def test_images_are_shown_and_pdfs_linked_through_the_checking_view(media):
    solution = make_solution(slug="with-files")
    image = attach(solution, AttachmentKind.IMAGE, "square.png", PNG, "image/png")
    pdf = attach(
        solution, AttachmentKind.PDF, "report.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf"
    )
    page = get("/exchange/solutions/with-files/").content.decode()
    image_url = f"/exchange/solutions/with-files/files/{image.pk}/"
    assert f'<img src="{image_url}" alt="Caption of square.png" loading="lazy">' in page
    assert f'<a href="/exchange/solutions/with-files/files/{pdf.pk}/">report.pdf</a>' in page
    response = get(image_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == PNG
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Cache-Control"].startswith("private")
    document = get(f"/exchange/solutions/with-files/files/{pdf.pk}/")
    assert document["Content-Type"] == "application/pdf"
    assert "inline" in document["Content-Disposition"]


def test_files_of_a_draft_are_served_only_to_its_author_and_the_secretariat(
    media, draft, officer_barcelona, officer_seoul, staff
):
    image = attach(draft, AttachmentKind.IMAGE, "draft.png", PNG, "image/png")
    url = f"/exchange/solutions/{draft.slug}/files/{image.pk}/"
    assert get(url).status_code == 404
    assert get(url, officer_seoul).status_code == 404
    assert get(url, officer_barcelona).status_code == 200
    response = get(url, staff)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


def test_a_file_is_reached_only_through_its_own_solution(media, draft):
    image = attach(draft, AttachmentKind.IMAGE, "draft.png", PNG, "image/png")
    assert get(f"/exchange/solutions/the-sharing-city-seoul/files/{image.pk}/").status_code == 404


def test_an_unexpected_file_type_is_offered_as_a_download_only(media):
    solution = make_solution(slug="odd-file")
    odd = attach(
        solution, AttachmentKind.IMAGE, "page.svg", b"<svg onload=alert(1)>", "image/svg+xml"
    )
    response = get(f"/exchange/solutions/odd-file/files/{odd.pk}/")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")


def test_a_missing_file_is_404(media):
    solution = make_solution(slug="lost-file")
    lost = attach(solution, AttachmentKind.IMAGE, "lost.png", PNG, "image/png")
    lost.file.delete(save=False)
    assert get(f"/exchange/solutions/lost-file/files/{lost.pk}/").status_code == 404
