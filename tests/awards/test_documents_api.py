"""The documents of a submission through the API (POST /api/v1/awards/submissions/{id}/
documents, multipart): the submission page's rules and checks — an officer of the member, the
call open, images and PDF recognised by their content, too large a file refused while it is
received and never stored — with every refusal under its field and nothing written."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from metroscope.awards import services
from metroscope.awards.models import Document, Juror, Submission
from metroscope.core import tokens
from metroscope.members.models import Member
from tests.awards.conftest import make_edition
from tests.conftest import BARCELONA, client_for, make_user

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
CSRF_SECRET = "b" * 32


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 6), (20, 120, 60)).save(buffer, format="PNG")
    return buffer.getvalue()


PNG = _png()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored_files(media: Path) -> list[Path]:
    return [p for p in media.rglob("*") if p.is_file()]


@pytest.fixture
def submission(officer_barcelona) -> Submission:
    return Submission.objects.create(
        edition=make_edition(),
        member=Member.objects.get(code=BARCELONA),
        submitted_by=officer_barcelona,
        title="Superblocks",
        description="Streets given back.",
        impact="Less traffic.",
    )


def url(submission: Submission) -> str:
    return f"/api/v1/awards/submissions/{submission.pk}/documents"


def send(client: Client, submission: Submission, *files: tuple[str, bytes], **extra):
    data = {"documents": [SimpleUploadedFile(name, content) for name, content in files]}
    return client.post(url(submission), data, **extra)


def csrf_client(user) -> Client:
    """A session client that checks the CSRF token, as a browser's request is."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.cookies["csrftoken"] = CSRF_SECRET
    return client


def test_an_officer_adds_an_image_and_a_pdf_then_lists_and_reads_them(
    submission, officer_barcelona, media
):
    client = csrf_client(officer_barcelona)
    answer = send(
        client, submission, ("plan.png", PNG), ("report.pdf", PDF), HTTP_X_CSRFTOKEN=CSRF_SECRET
    )
    assert answer.status_code == 201, answer.content
    made = answer.json()
    assert [(d["name"], d["content_type"], d["size"]) for d in made] == [
        ("plan.png", "image/png", len(PNG)),
        ("report.pdf", "application/pdf", len(PDF)),
    ]
    assert len(stored_files(media)) == 2
    document = Document.objects.get(name="report.pdf")
    assert document.history.get().history_user == officer_barcelona
    listed = client_for(officer_barcelona).get(url(submission)).json()
    assert [d["id"] for d in listed] == [d["id"] for d in made]
    download = client_for(officer_barcelona).get(made[1]["url"])
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == PDF
    summary = client_for(officer_barcelona).get("/api/v1/awards/submissions").json()
    assert summary[0]["documents"] == 2


def test_a_file_that_is_not_what_its_name_says_is_refused_and_nothing_is_stored(
    submission, officer_barcelona, media
):
    answer = send(
        client_for(officer_barcelona),
        submission,
        ("plan.png", PNG),
        ("report.pdf", b"<html><script>alert(1)</script></html>"),
    )
    assert answer.status_code == 400
    (problem,) = answer.json()["errors"]["documents"]
    assert "“report.pdf” is a web page (HTML)" in problem
    assert "recognised by their content, not by their name" in problem
    # all or nothing: the good image is not kept either
    assert not Document.objects.exists()
    assert stored_files(media) == []


def test_an_image_named_as_a_pdf_is_refused(submission, officer_barcelona, media):
    answer = send(client_for(officer_barcelona), submission, ("scan.pdf", PNG))
    assert answer.status_code == 400
    assert "named as a PDF file but holds a PNG file" in answer.json()["errors"]["documents"][0]
    assert stored_files(media) == []


def test_an_oversize_file_is_refused_while_received_before_it_is_stored(
    submission, officer_barcelona, media, settings, monkeypatch
):
    settings.METROSCOPE_ATTACHMENT_MAX_BYTES = 1000

    def never(**kwargs):
        raise AssertionError("the file reached the service")

    monkeypatch.setattr(services, "documents_add", never)
    client = csrf_client(officer_barcelona)  # the CSRF check reads the body first
    answer = send(client, submission, ("big.png", PNG + b"\0" * 5000), HTTP_X_CSRFTOKEN=CSRF_SECRET)
    assert answer.status_code == 400, answer.content
    assert answer.json()["errors"] == {
        "documents": ["“big.png” is larger than 1000\xa0bytes, the most a file may weigh."]
    }
    assert not Document.objects.exists()
    assert stored_files(media) == []


def test_no_file_says_what_to_send(submission, officer_barcelona, media):
    answer = client_for(officer_barcelona).post(url(submission), {})
    assert answer.status_code == 400
    assert answer.json()["errors"] == {"documents": ["Send at least one image or PDF document."]}


def test_a_closed_call_refuses_new_documents(submission, officer_barcelona, media):
    submission.edition.status = "judging"
    submission.edition.save()
    answer = send(client_for(officer_barcelona), submission, ("plan.png", PNG))
    assert answer.status_code == 400
    assert answer.json()["errors"] == {
        "__all__": ["The call of this edition is closed: its submissions no longer change."]
    }
    assert stored_files(media) == []


def test_at_most_ten_documents_in_all(submission, officer_barcelona, media):
    first = send(client_for(officer_barcelona), submission, *[(f"{i}.png", PNG) for i in range(9)])
    assert first.status_code == 201
    answer = send(client_for(officer_barcelona), submission, ("a.png", PNG), ("b.png", PNG))
    assert answer.status_code == 400
    assert answer.json()["errors"]["documents"] == [
        "A submission has at most 10 documents; this one has 9."
    ]
    assert submission.documents.count() == 9


def test_a_bearer_token_uploads_without_a_session(submission, officer_barcelona, media):
    _token, plain = tokens.issue(officer_barcelona)
    answer = send(Client(), submission, ("plan.png", PNG), HTTP_AUTHORIZATION=f"Bearer {plain}")
    assert answer.status_code == 201


@pytest.mark.parametrize(
    ("persona", "post_status", "get_status"),
    [
        ("anonymous", 401, 401),
        ("officer_barcelona", 201, 200),
        ("officer_seoul", 404, 404),  # another member's submission: as if it did not exist
        ("board_member", 404, 404),
        ("staff", 403, 200),  # staff read every submission; only its officers add to it
        ("juror", 403, 200),  # a juror reads what they score, adds nothing
        ("conflicted_juror", 404, 404),
    ],
)
def test_who_may_add_and_read_documents(
    request, submission, media, persona, post_status, get_status
):
    if persona == "anonymous":
        user = None
    elif persona in ("juror", "conflicted_juror"):
        user = make_user(persona)
        seat = Juror.objects.create(edition=submission.edition, user=user)
        if persona == "conflicted_juror":
            seat.conflicts.create(submission=submission, reason="I advised Barcelona.")
    else:
        user = request.getfixturevalue(persona)
    client = client_for(user)
    assert send(client, submission, ("plan.png", PNG)).status_code == post_status
    assert client.get(url(submission)).status_code == get_status
    assert submission.documents.count() == (1 if post_status == 201 else 0)
    if post_status != 201:
        assert stored_files(media) == []


def test_another_members_document_is_not_found(submission, officer_barcelona, officer_seoul, media):
    made = send(client_for(officer_barcelona), submission, ("plan.png", PNG)).json()
    assert client_for(officer_seoul).get(made[0]["url"]).status_code == 404
    assert Client().get(made[0]["url"]).status_code == 401


def test_documents_are_served_private_and_images_sandboxed(submission, officer_barcelona, media):
    """Issue 21: award documents were served inline without the sandbox policy and the
    Cache-Control that Exchange and group files have."""
    client = csrf_client(officer_barcelona)
    made = send(
        client, submission, ("plan.png", PNG), ("report.pdf", PDF), HTTP_X_CSRFTOKEN=CSRF_SECRET
    ).json()
    reader = client_for(officer_barcelona)
    for item in made:
        for address in (item["url"], f"/awards/documents/{item['id']}/"):
            got = reader.get(address)
            assert got.status_code == 200, address
            assert got["Cache-Control"] == "private, no-store"
            policy = got["Content-Security-Policy"]
            if item["content_type"] == "application/pdf":
                assert "sandbox" not in policy  # the browsers' PDF viewers refuse a sandbox
            else:
                assert policy == "default-src 'none'; sandbox"
