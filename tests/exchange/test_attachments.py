"""A solution's files are PNG, JPEG, WebP or GIF images and PDF documents, recognised by their
content; anything else, or anything too large, is refused with a message that says why, and
too large a file never reaches MEDIA_ROOT."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation

from metroscope.core import tokens
from metroscope.exchange import services
from metroscope.exchange.models import Attachment, AttachmentKind, Solution
from tests.conftest import client_for
from tests.core.files import HTML, PDF, image_bytes, upload
from tests.exchange.drafting import make_draft

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """The services speak the active language; a test before may have left another one."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def draft(officer_barcelona) -> Solution:
    return make_draft(officer_barcelona)


def stored_files(media: Path) -> list[Path]:
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


@pytest.mark.parametrize(
    ("fmt", "name", "content_type"),
    [
        ("PNG", "plan.png", "image/png"),
        ("JPEG", "street.JPG", "image/jpeg"),
        ("WEBP", "trees.webp", "image/webp"),
        ("GIF", "anim.gif", "image/gif"),
    ],
)
def test_images_are_kept_under_a_random_name(
    draft, officer_barcelona, media, fmt, name, content_type
):
    attachment = services.attachment_add(
        user=officer_barcelona,
        solution=draft,
        upload=upload(name, image_bytes(fmt)),
        caption="A picture",
    )
    assert (attachment.kind, attachment.content_type, attachment.name) == (
        AttachmentKind.IMAGE,
        content_type,
        name,
    )
    stored = Path(attachment.file.path)
    assert stored.is_file()
    assert stored.is_relative_to(media)
    assert Path(name).stem not in stored.name
    assert attachment.size == stored.stat().st_size
    assert attachment.uploaded_by == officer_barcelona


def test_a_pdf_is_kept(draft, officer_barcelona):
    attachment = services.attachment_add(
        user=officer_barcelona, solution=draft, upload=upload("report.pdf", PDF)
    )
    assert (attachment.kind, attachment.content_type) == (AttachmentKind.PDF, "application/pdf")
    assert Path(attachment.file.name).suffix == ".pdf"


def test_a_file_without_a_suffix_is_judged_by_content(draft, officer_barcelona):
    attachment = services.attachment_add(
        user=officer_barcelona, solution=draft, upload=upload("scan", PDF)
    )
    assert attachment.kind == AttachmentKind.PDF


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        # every kind of refusal is tested on core.attachments itself; these go through the
        # service, which must store nothing
        ("photo.png", HTML, "is a web page (HTML), not a PNG, JPEG, WebP or GIF image nor a PDF"),
        ("photo.png", PDF, "is named as a PNG file but holds a PDF file"),
        ("broken.pdf", PDF.replace(b"%%EOF", b""), "This PDF is incomplete"),
    ],
)
def test_files_that_are_not_what_they_say_are_refused(
    draft, officer_barcelona, media, name, content, message
):
    with pytest.raises(ValidationError) as refused:
        services.attachment_add(
            user=officer_barcelona, solution=draft, upload=upload(name, content, "image/png")
        )
    assert message in " ".join(refused.value.messages)
    assert not Attachment.objects.filter(solution=draft).exists()
    assert stored_files(media) == []


def test_too_large_a_file_is_refused_by_the_service(draft, officer_barcelona, media, settings):
    settings.METROSCOPE_ATTACHMENT_MAX_BYTES = 1000
    big = image_bytes("PNG", (400, 400))
    assert len(big) > 1000
    with pytest.raises(ValidationError, match="larger than"):
        services.attachment_add(
            user=officer_barcelona, solution=draft, upload=upload("big.png", big)
        )
    assert stored_files(media) == []


def test_files_only_by_those_who_may_edit(draft, officer_seoul):
    with pytest.raises(services.PermissionDenied):
        services.attachment_add(
            user=officer_seoul, solution=draft, upload=upload("plan.png", image_bytes())
        )


def test_removing_a_file_deletes_it_after_the_commit(
    draft, officer_barcelona, media, django_capture_on_commit_callbacks
):
    attachment = services.attachment_add(
        user=officer_barcelona, solution=draft, upload=upload("p.png", image_bytes())
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.attachment_remove(user=officer_barcelona, attachment=attachment)
    assert stored_files(media) == []


# --- through the pages ---------------------------------------------------------------------


def _form(**values):
    data = {
        "title": "Uploaded through the page",
        "summary": "A summary.",
        "language": "en",
        "collection": "use",
        "city": "Barcelona",
        "country_iso3": "ESP",
        "then": "save",
    }
    data.update(values)
    return data


def test_oversize_upload_is_refused_while_received_and_nothing_is_stored(
    officer_barcelona, media, settings
):
    settings.METROSCOPE_ATTACHMENT_MAX_BYTES = 2000
    big = upload("big.png", image_bytes("PNG", (300, 300)) + b"\0" * 5000, "image/png")
    response = client_for(officer_barcelona).post(
        "/exchange/submit/", _form(attachments=big), HTTP_HOST="127.0.0.1"
    )
    assert response.status_code == 200
    assert "“big.png” is larger than 2.0\xa0KB" in response.content.decode()
    assert not Solution.objects.filter(title="Uploaded through the page").exists()
    assert stored_files(media) == []


def test_page_upload_keeps_images_and_pdfs_and_refuses_fakes(officer_barcelona, media):
    client = client_for(officer_barcelona)
    files = [upload("plan.png", image_bytes(), "image/png"), upload("r.pdf", PDF)]
    response = client.post("/exchange/submit/", _form(attachments=files), HTTP_HOST="127.0.0.1")
    assert response.status_code == 302
    solution = Solution.objects.get(title="Uploaded through the page")
    assert sorted(solution.attachments.values_list("name", "kind")) == [
        ("plan.png", "image"),
        ("r.pdf", "pdf"),
    ]
    image = solution.attachments.get(name="plan.png")
    served = client.get(
        f"/exchange/solutions/{solution.slug}/files/{image.pk}/", HTTP_HOST="127.0.0.1"
    )
    assert served["Content-Type"] == "image/png"

    fake = upload("evil.png", HTML, "image/png")
    response = client.post(
        f"/exchange/solutions/{solution.slug}/edit/",
        _form(attachments=fake),
        HTTP_HOST="127.0.0.1",
    )
    assert response.status_code == 200
    assert "“evil.png” is a web page (HTML)" in response.content.decode()
    assert solution.attachments.count() == 2
    assert len(stored_files(media)) == 2


# --- through the API ---------------------------------------------------------------------------


def _files_url(solution: Solution, pk: int | None = None) -> str:
    tail = "" if pk is None else f"/{pk}"
    return f"/api/v1/solutions/{solution.slug}/attachments{tail}"


def _api_upload(client, solution: Solution, name: str, content: bytes, **extra):
    data = {"file": upload(name, content), "caption": "Sent by a script"}
    return client.post(_files_url(solution), data, HTTP_HOST="127.0.0.1", **extra)


def _csrf_client(user) -> Client:
    """A session client that really checks the CSRF token, as a browser's request is."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.cookies["csrftoken"] = CSRF_SECRET
    return client


CSRF_SECRET = "a" * 32


def test_api_upload_keeps_a_pdf_and_records_who(draft, officer_barcelona, media):
    client = _csrf_client(officer_barcelona)
    response = _api_upload(client, draft, "report.pdf", PDF, HTTP_X_CSRFTOKEN=CSRF_SECRET)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["name"], body["kind"], body["content_type"], body["caption"]) == (
        "report.pdf",
        "pdf",
        "application/pdf",
        "Sent by a script",
    )
    attachment = Attachment.objects.get(pk=body["id"], solution=draft)
    assert attachment.uploaded_by == officer_barcelona
    assert attachment.history.get().history_user == officer_barcelona
    assert len(stored_files(media)) == 1
    assert client.get(body["url"]).status_code == 200


def test_api_refuses_a_text_file_named_as_a_pdf(draft, officer_barcelona, media):
    response = _api_upload(
        client_for(officer_barcelona), draft, "report.pdf", b"just some notes, not a PDF\n"
    )
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert "“report.pdf” is an unknown type, not a PNG, JPEG, WebP or GIF image" in detail
    assert response.json()["errors"] == {"file": [detail]}
    assert not Attachment.objects.filter(solution=draft).exists()
    assert stored_files(media) == []


def test_api_refuses_an_oversize_file_while_it_is_received(
    draft, officer_barcelona, media, settings, monkeypatch
):
    settings.METROSCOPE_ATTACHMENT_MAX_BYTES = 2000

    def never(*args, **kwargs):
        raise AssertionError("the file reached the service")

    monkeypatch.setattr(services, "attachment_add", never)
    big = image_bytes("PNG", (300, 300)) + b"\0" * 5000
    client = _csrf_client(officer_barcelona)  # the CSRF check reads the body first
    response = _api_upload(client, draft, "big.png", big, HTTP_X_CSRFTOKEN=CSRF_SECRET)
    assert response.status_code == 422, response.content
    assert (
        response.json()["detail"]
        == "“big.png” is larger than 2.0\xa0KB, the most a file may weigh."
    )
    assert not Attachment.objects.filter(solution=draft).exists()
    assert stored_files(media) == []


def test_api_upload_without_a_file_says_how(draft, officer_barcelona):
    response = client_for(officer_barcelona).post(
        _files_url(draft), {"caption": "nothing"}, HTTP_HOST="127.0.0.1"
    )
    assert response.status_code == 422
    assert "multipart/form-data" in response.json()["detail"]


def test_api_another_members_officer_is_refused(
    draft, officer_barcelona, officer_seoul, staff, media
):
    seoul = client_for(officer_seoul)
    # a draft is not theirs to see: as if it did not exist
    assert _api_upload(seoul, draft, "p.png", image_bytes()).status_code == 404
    services.solution_submit(user=officer_barcelona, solution=draft)
    draft.refresh_from_db()
    services.solution_publish(user=staff, solution=draft)
    response = _api_upload(seoul, draft, "p.png", image_bytes())
    assert response.status_code == 403
    assert response.json()["detail"] == "You may not add files to this solution."
    assert stored_files(media) == []


def test_api_officer_may_not_add_files_once_submitted_but_staff_may(
    draft, officer_barcelona, staff, media
):
    services.solution_submit(user=officer_barcelona, solution=draft)
    assert (
        _api_upload(client_for(officer_barcelona), draft, "p.png", image_bytes()).status_code == 403
    )
    _, token = tokens.issue(staff, "script")
    response = _api_upload(
        Client(), draft, "p.png", image_bytes(), HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code == 201
    assert Attachment.objects.get(solution=draft).uploaded_by == staff


def test_api_anonymous_is_refused(draft, media):
    assert _api_upload(Client(), draft, "p.png", image_bytes()).status_code == 401
    assert Client().get(_files_url(draft), HTTP_HOST="127.0.0.1").status_code == 401
    assert stored_files(media) == []


def test_api_lists_and_deletes_files_with_a_token(
    draft, officer_barcelona, media, django_capture_on_commit_callbacks
):
    kept = services.attachment_add(
        user=officer_barcelona, solution=draft, upload=upload("plan.png", image_bytes())
    )
    _, token = tokens.issue(officer_barcelona, "script")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_HOST="127.0.0.1")
    listed = client.get(_files_url(draft)).json()
    assert [(f["id"], f["name"], f["kind"]) for f in listed] == [(kept.pk, "plan.png", "image")]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.delete(_files_url(draft, kept.pk))
    assert response.status_code == 204
    assert client.get(_files_url(draft)).json() == []
    assert stored_files(media) == []
    removed = Attachment.history.filter(id=kept.pk, history_type="-").get()
    assert removed.history_user == officer_barcelona
    assert client.delete(_files_url(draft, kept.pk)).status_code == 404


def test_api_another_members_officer_cannot_delete(draft, officer_barcelona, officer_seoul, staff):
    kept = services.attachment_add(
        user=officer_barcelona, solution=draft, upload=upload("plan.png", image_bytes())
    )
    services.solution_submit(user=officer_barcelona, solution=draft)
    draft.refresh_from_db()
    services.solution_publish(user=staff, solution=draft)
    seoul = client_for(officer_seoul)
    response = seoul.delete(_files_url(draft, kept.pk), HTTP_HOST="127.0.0.1")
    assert response.status_code == 403
    assert Attachment.objects.filter(pk=kept.pk).exists()
