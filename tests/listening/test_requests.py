"""The request desk through its pages and services: who sees what, who may do what, what
is measured, and who is e-mailed in which language."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from metroscope.listening import emails, services
from metroscope.listening.models import RequestStatus, SupportRequest
from metroscope.members.models import Contact, Member
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def ask(user, member_code="barcelona-city", subject="Help with the Observatory import"):
    return services.request_create(
        user=user,
        member=Member.objects.get(code=member_code),
        subject=subject,
        body="Our CSV is refused. What format do you expect?",
        category="data",
        language="es",
    )


def test_an_officer_asks_through_the_page_and_staff_are_emailed(
    officer_barcelona, staff, django_capture_on_commit_callbacks
):
    staff.email = "staff@example.org"
    staff.save()
    client = client_for(officer_barcelona)
    assert client.get("/listening/requests/new/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/listening/requests/new/",
            {
                "member": "barcelona-city",
                "subject": "Invitation to the training",
                "category": "events",
                "language": "es",
                "body": "Can two of our staff attend?",
            },
        )
    made = SupportRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"/{made.pk}/")
    assert (made.member.code, made.created_by, made.status) == (
        "barcelona-city",
        officer_barcelona,
        "open",
    )
    assert [m.to for m in mail.outbox] == [["staff@example.org"]]
    assert "Invitation to the training" in mail.outbox[0].subject
    assert f"/listening/requests/{made.pk}/" in mail.outbox[0].body


def test_officer_cannot_ask_for_another_member(officer_seoul):
    with pytest.raises(PermissionDenied):
        ask(officer_seoul, "barcelona-city")
    response = client_for(officer_seoul).post(
        "/listening/requests/new/",
        {
            "member": "barcelona-city",
            "subject": "x",
            "category": "question",
            "language": "en",
            "body": "y",
        },
    )
    assert response.status_code == 200  # the form refuses a member that is not theirs
    assert not SupportRequest.objects.exists()


@pytest.mark.parametrize(
    ("persona", "list_sees", "detail", "dashboard"),
    [
        ("officer_barcelona", True, 200, 403),
        ("officer_seoul", False, 404, 403),
        ("staff", True, 200, 200),
        ("board_member", None, 404, 403),
        (None, None, 302, 302),
    ],
)
def test_permission_matrix(request, officer_barcelona, persona, list_sees, detail, dashboard):
    made = ask(officer_barcelona)
    user = request.getfixturevalue(persona) if persona else None
    client = client_for(user)
    listing = client.get("/listening/requests/")
    if list_sees is None:
        assert listing.status_code in (302, 403)
    else:
        assert listing.status_code == 200
        assert (made.subject in listing.content.decode()) is list_sees
    assert client.get(f"/listening/requests/{made.pk}/").status_code == detail
    assert client.get("/listening/requests/dashboard/").status_code == dashboard


@pytest.mark.parametrize("persona", ["officer_barcelona", "officer_seoul", "board_member"])
def test_only_staff_assign_and_close(request, officer_barcelona, persona):
    made = ask(officer_barcelona)
    client = client_for(request.getfixturevalue(persona))
    assert client.post(f"/listening/requests/{made.pk}/close/").status_code in (403, 404)
    assert client.post(f"/listening/requests/{made.pk}/assign/", {}).status_code in (403, 404)
    made.refresh_from_db()
    assert made.status == "open"
    assert made.closed_at is None


def test_an_officer_of_another_member_cannot_write_in_the_thread(officer_barcelona, officer_seoul):
    made = ask(officer_barcelona)
    response = client_for(officer_seoul).post(
        f"/listening/requests/{made.pk}/reply/", {"body": "me too"}
    )
    assert response.status_code == 404
    assert not made.messages.exists()


def test_staff_assign_answer_and_close_and_times_are_measured(
    officer_barcelona, staff, django_capture_on_commit_callbacks
):
    officer_barcelona.email = "officer@example.org"
    officer_barcelona.save()
    made = ask(officer_barcelona)
    SupportRequest.objects.filter(pk=made.pk).update(created_at=timezone.now() - timedelta(hours=5))
    client = client_for(staff)
    assert (
        client.post(f"/listening/requests/{made.pk}/assign/", {"assignee": staff.pk}).status_code
        == 302
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/listening/requests/{made.pk}/reply/", {"body": "Use the tidy format."})
    made.refresh_from_db()
    assert made.assigned_to == staff
    assert made.status == RequestStatus.ANSWERED
    assert made.first_response_at is not None
    first = (made.first_response_at - made.created_at).total_seconds() / 3600
    assert first == pytest.approx(5, abs=0.05)
    # the asker hears of it, in the language they wrote in (no contact record says otherwise)
    assert [m.to for m in mail.outbox] == [["officer@example.org"]]
    assert "/es/listening/requests/" in mail.outbox[0].body
    # a second answer does not move the first-response time
    before = made.first_response_at
    client.post(f"/listening/requests/{made.pk}/reply/", {"body": "And the SDMX one."})
    made.refresh_from_db()
    assert made.first_response_at == before
    client.post(f"/listening/requests/{made.pk}/close/")
    made.refresh_from_db()
    assert made.status == "closed"
    assert made.closed_at >= made.first_response_at
    page = client.get(f"/listening/requests/{made.pk}/").content.decode()
    assert "Use the tidy format." in page
    # every change is audited
    assert made.history.count() >= 4
    assert client.get(f"/history/listening/supportrequest/{made.pk}/").status_code == 200
    # a closed request takes no more messages
    with pytest.raises(ValueError, match="closed"):
        services.request_reply(user=staff, request=made, body="late")


def test_requests_are_assigned_only_to_staff(officer_barcelona, staff):
    made = ask(officer_barcelona)
    with pytest.raises(ValueError, match="staff"):
        services.request_assign(user=staff, request=made, assignee=officer_barcelona)


def test_an_officer_follow_up_opens_an_answered_request_again(officer_barcelona, staff):
    made = ask(officer_barcelona)
    services.request_reply(user=staff, request=made, body="Here you are.")
    services.request_reply(user=officer_barcelona, request=made, body="One more thing.")
    made.refresh_from_db()
    assert made.status == "open"
    assert [m.from_secretariat for m in made.messages.all()] == [True, False]


@pytest.mark.parametrize(
    ("language", "prefix", "category"),
    [
        ("en", "/listening/", "Data and the Observatory"),
        ("fr", "/fr/listening/", None),
        ("es", "/es/listening/", None),
    ],
)
def test_emails_render_in_each_language(officer_barcelona, staff, language, prefix, category):
    made = ask(officer_barcelona)
    subject, body = emails.render("new_request", language, {"request": made})
    assert made.subject in subject
    assert "\n" not in subject
    assert f"{prefix}requests/{made.pk}/" in body
    assert made.body in body
    if category:
        assert category in body
    message = services.request_reply(user=staff, request=made, body="Voici la réponse.")
    subject, body = emails.render("answer", language, {"request": made, "message": message})
    assert "Voici la réponse." in body
    assert f"{prefix}requests/{made.pk}/" in body


def test_a_recipient_language_comes_from_their_contact_record(officer_barcelona, staff):
    staff.email = "staff@example.org"
    staff.save()
    assert emails.language_of(staff) == "en"
    member = Member.objects.get(code="barcelona-city")
    Contact.objects.create(
        member=member,
        given_name="Sam",
        family_name="Staff",
        role_category="technical",
        email="staff@example.org",
        language="fr",
    )
    assert emails.language_of(staff) == "fr"
    officer_barcelona.email = "nobody@example.org"
    assert emails.language_of(officer_barcelona, "es") == "es"


def test_the_dashboard_shows_medians_by_month_and_region(
    officer_barcelona, officer_seoul, staff, django_assert_max_num_queries
):
    first = ask(officer_barcelona)
    second = ask(officer_seoul, "seoul", subject="Seoul asks")
    now = timezone.now()
    SupportRequest.objects.filter(pk=first.pk).update(
        created_at=now - timedelta(hours=10),
        first_response_at=now - timedelta(hours=8),
        closed_at=now,
    )
    SupportRequest.objects.filter(pk=second.pk).update(
        created_at=now - timedelta(hours=10), first_response_at=now - timedelta(hours=4)
    )
    client = client_for(staff)
    with django_assert_max_num_queries(12):
        page = client.get("/listening/requests/dashboard/").content.decode()
    assert 'id="response-times"' in page
    assert "vega-lite" in page
    assert now.strftime("%Y-%m") in page
    assert "4.0" in page  # median first response: (2 + 6) / 2
    assert "10.0" in page  # median resolution: the one closed request
    assert "Asia-Pacific" in page or "Asia" in page


def test_the_dashboard_explains_itself_when_there_is_no_request(staff):
    page = client_for(staff).get("/listening/requests/dashboard/").content.decode()
    assert "No request has been made yet" in page


def test_the_request_list_costs_the_same_queries_for_one_or_many(
    officer_barcelona, staff, django_assert_max_num_queries
):
    for i in range(8):
        ask(officer_barcelona, subject=f"Question {i}")
    client = client_for(staff)
    with django_assert_max_num_queries(8):
        page = client.get("/listening/requests/").content.decode()
    assert page.count("Question ") == 8


@pytest.mark.parametrize(
    ("persona", "shows_nav"),
    [("officer_barcelona", True), ("staff", True), ("board_member", False)],
)
def test_the_listening_home_says_who_it_is_for(request, persona, shows_nav):
    page = client_for(request.getfixturevalue(persona)).get("/listening/").content.decode()
    assert ('href="/listening/requests/"' in page) is shows_nav
    assert client_for(None).get("/listening/").status_code == 302


@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_email_subjects_are_plain_text_never_html_escaped(officer_barcelona, staff, language):
    """Subjects are plain text like the bodies: an apostrophe or an ampersand a member
    writes reaches the inbox as written, not as &#x27; or &amp;."""
    written = "Données sur l'air & l'eau <PM2.5>"
    made = ask(officer_barcelona, subject=written)
    subject, body = emails.render("new_request", language, {"request": made})
    assert written in subject
    assert written in body
    message = services.request_reply(user=staff, request=made, body="D'accord & merci.")
    subject, body = emails.render("answer", language, {"request": made, "message": message})
    assert written in subject
    assert "D'accord & merci." in body
    assert "&#x27;" not in subject + body
    assert "&amp;" not in subject + body
