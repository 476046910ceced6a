"""A member's submission on the page (documents checked by content, the eligibility check's
messages field by field, nothing written on a refusal) and through the API."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from metroscope.awards.models import Document, Submission
from tests.awards.conftest import make_edition
from tests.conftest import BARCELONA, SEOUL, client_for

pytestmark = pytest.mark.django_db


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 6), (20, 120, 60)).save(buffer, format="PNG")
    return buffer.getvalue()


PNG = _png()
GOOD = {"title": "Superblocks", "description": "Streets given back.", "impact": "Less traffic."}


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _member_pk(code: str) -> int:
    from metroscope.members.models import Member

    return Member.objects.get(code=code).pk


def test_an_officer_submits_with_a_document(officer_barcelona, media):
    edition = make_edition()
    answer = client_for(officer_barcelona).post(
        f"/awards/{edition.year}/submit/",
        {**GOOD, "member": _member_pk(BARCELONA), "documents": SimpleUploadedFile("a.png", PNG)},
    )
    assert answer.status_code == 302
    made = Submission.objects.get(edition=edition)
    assert (made.member.code, made.title) == (BARCELONA, "Superblocks")
    document = made.documents.get()
    assert (document.name, document.content_type) == ("a.png", "image/png")


def test_the_eligibility_messages_show_field_by_field(officer_barcelona, media):
    edition = make_edition()
    answer = client_for(officer_barcelona).post(
        f"/awards/{edition.year}/submit/",
        {"title": "Superblocks", "description": " ", "impact": "", "member": _member_pk(BARCELONA)},
    )
    form = answer.context["form"]
    assert form.errors["description"] == ["This field is required."]
    assert form.errors["impact"] == ["This field is required."]
    assert "title" not in form.errors
    assert not Submission.objects.exists()


def test_a_closed_call_is_said_at_the_top(officer_barcelona, media):
    edition = make_edition(status="judging")
    answer = client_for(officer_barcelona).post(
        f"/awards/{edition.year}/submit/", {**GOOD, "member": _member_pk(BARCELONA)}
    )
    assert answer.context["form"].non_field_errors() == [
        "The call of this edition is not open today."
    ]
    assert not Submission.objects.exists()


def test_a_disguised_file_is_refused_and_nothing_is_written(officer_barcelona, media):
    edition = make_edition()
    fake = SimpleUploadedFile("report.pdf", b"<html><script>alert(1)</script></html>")
    answer = client_for(officer_barcelona).post(
        f"/awards/{edition.year}/submit/",
        {**GOOD, "member": _member_pk(BARCELONA), "documents": fake},
    )
    assert "a web page (HTML)" in " ".join(answer.context["form"].errors["documents"])
    assert not Submission.objects.exists()
    assert not Document.objects.exists()
    assert not any(p.is_file() for p in media.rglob("*"))


def test_too_large_a_file_is_refused(officer_barcelona, media, settings):
    settings.METROSCOPE_ATTACHMENT_MAX_BYTES = 1000
    edition = make_edition()
    big = SimpleUploadedFile("big.png", PNG + b"\0" * 2000)
    answer = client_for(officer_barcelona).post(
        f"/awards/{edition.year}/submit/",
        {**GOOD, "member": _member_pk(BARCELONA), "documents": big},
    )
    assert "larger than" in " ".join(answer.context["form"].errors["documents"])
    assert not Submission.objects.exists()


def test_an_officer_cannot_submit_for_another_member(officer_seoul, media):
    edition = make_edition()
    answer = client_for(officer_seoul).post(
        f"/awards/{edition.year}/submit/", {**GOOD, "member": _member_pk(BARCELONA)}
    )
    assert "member" in answer.context["form"].errors
    assert not Submission.objects.exists()


def test_only_officers_reach_the_form(board_member, officer_seoul):
    edition = make_edition()
    assert client_for(None).get(f"/awards/{edition.year}/submit/").status_code == 302
    assert client_for(board_member).get(f"/awards/{edition.year}/submit/").status_code == 403
    assert client_for(officer_seoul).get(f"/awards/{edition.year}/submit/").status_code == 200


# --- API -------------------------------------------------------------------------------------


def _post(user, body):
    return client_for(user).post(
        "/api/v1/awards/submissions", body, content_type="application/json"
    )


def test_the_api_submits_for_the_officers_member(officer_barcelona):
    edition = make_edition()
    answer = _post(officer_barcelona, {"edition": edition.year, "member": BARCELONA, **GOOD})
    assert answer.status_code == 201
    assert answer.json()["member"] == BARCELONA
    assert answer.json()["shortlisted"] is False


def test_the_api_names_the_fields_that_fail(officer_barcelona):
    edition = make_edition()
    answer = _post(officer_barcelona, {"edition": edition.year, "member": BARCELONA, "title": "X"})
    assert answer.status_code == 400
    assert answer.json()["errors"]["description"] == ["This field is required."]
    assert not Submission.objects.exists()


def test_the_api_refuses_another_members_officer(officer_seoul):
    edition = make_edition()
    answer = _post(officer_seoul, {"edition": edition.year, "member": BARCELONA, **GOOD})
    assert answer.status_code == 403
    assert not Submission.objects.exists()


def test_the_api_lists_only_the_officers_own_submissions(judging, officer_seoul, staff):
    mine = client_for(officer_seoul).get("/api/v1/awards/submissions").json()
    assert [s["member"] for s in mine] == [SEOUL]
    everything = client_for(staff).get("/api/v1/awards/submissions").json()
    assert sorted(s["member"] for s in everything) == sorted([BARCELONA, SEOUL])
    assert client_for(judging["juror_a"]).get("/api/v1/awards/submissions").json() == []
    assert client_for(None).get("/api/v1/awards/submissions").status_code == 401


def test_the_shortlist_is_hidden_from_officers_until_published(judging, officer_seoul):
    Submission.objects.filter(member__code=SEOUL).update(shortlisted=True)
    mine = client_for(officer_seoul).get("/api/v1/awards/submissions").json()
    assert mine[0]["shortlisted"] is False
