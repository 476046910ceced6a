"""Permission matrix of the events API against its pages: events are public; a person acts
on their own registrations (those they hold or made for their member's contacts), the
Secretariat on any as on its pages; feedback once, by its holder; the certificate of an
attended training for whoever may read the registration. A refusal writes nothing."""

from __future__ import annotations

import pytest
from django.test import Client

from metroscope.events import services
from metroscope.events.models import Feedback, Registration
from tests.conftest import BARCELONA, PERSONAS, client_for, persona_user
from tests.events.conftest import make_contact, make_event

pytestmark = pytest.mark.django_db


def post(client: Client, url: str, payload: dict | None = None):
    return client.post(url, payload or {}, content_type="application/json")


@pytest.fixture
def held(officer_barcelona):
    """A training and the registration Barcelona's officer made for one of its contacts."""
    event = make_event(capacity=5)
    contact = make_contact(BARCELONA, email="ana@example.org")
    reg = services.registration_create(
        user=officer_barcelona, event=event, language="es", contact=contact
    )
    return event, reg


@pytest.mark.parametrize("persona", PERSONAS)
def test_events_are_public_in_the_api_as_on_the_pages(request, held, persona):
    event, _reg = held
    client = client_for(persona_user(request, persona))
    assert client.get("/api/v1/events").status_code == 200
    assert client.get(f"/api/v1/events/{event.pk}").json()["confirmed"] == 1
    assert client.get(f"/events/{event.pk}/").status_code == 200


# persona → (lists it, cancel: API status, page status)
OWN = {
    "anonymous": (None, 401, 302),
    "officer_barcelona": (True, 200, 302),
    "officer_seoul": (False, 404, 404),
    "board_member": (False, 404, 404),
    "staff": (False, 200, 302),  # "own" in the list; staff cancel any, as on the pages
    "plain": (False, 404, 404),
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_lists_and_cancels_a_registration(request, held, persona):
    _event, reg = held
    client = client_for(persona_user(request, persona))
    listed, api_status, page_status = OWN[persona]
    mine = client.get("/api/v1/registrations")
    if listed is None:
        assert mine.status_code == 401
    else:
        assert (reg.pk in {r["id"] for r in mine.json()}) is listed
    assert post(client, f"/api/v1/registrations/{reg.pk}/cancel").status_code == api_status
    reg.refresh_from_db()
    assert (reg.status == "cancelled") is (api_status == 200)
    if api_status != 200:  # the page refuses alike
        page = client.post(f"/events/registrations/{reg.pk}/cancel/")
        assert page.status_code == page_status
        reg.refresh_from_db()
        assert reg.status == "confirmed"


# persona → registering Barcelona's contact: API status
CONTACT = {
    "anonymous": 401,
    "officer_barcelona": 201,
    "officer_seoul": 403,
    "board_member": 403,
    "staff": 403,  # staff register people in the back office
    "plain": 403,
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_registers_themselves_and_barcelonas_contact(request, persona):
    event = make_event(capacity=5)
    contact = make_contact(BARCELONA, given_name="Jordi")
    client = client_for(persona_user(request, persona))
    url = f"/api/v1/events/{event.pk}/registrations"
    themselves = post(client, url, {"language": "en"})
    assert themselves.status_code == (401 if persona == "anonymous" else 201)
    for_contact = post(client, url, {"language": "en", "contact": contact.pk})
    assert for_contact.status_code == CONTACT[persona]
    assert Registration.objects.filter(contact=contact).exists() is (CONTACT[persona] == 201)


# persona → (feedback: API status, certificate: API status, certificate page status)
AFTER = {
    "anonymous": (401, 401, 302),
    "officer_barcelona": (201, 200, 200),
    "officer_seoul": (404, 404, 404),
    "board_member": (404, 404, 404),
    "staff": (403, 200, 200),  # staff read any certificate; feedback is the holder's
    "plain": (404, 404, 404),
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_gives_feedback_and_reads_the_certificate(request, held, persona, staff):
    event, reg = held
    services.attendance_mark(user=staff, event=event, attended=[reg.pk])
    user = staff if persona == "staff" else persona_user(request, persona)
    client = client_for(user)
    feedback, certificate, page = AFTER[persona]
    given = post(client, f"/api/v1/registrations/{reg.pk}/feedback", {"rating": 5})
    assert given.status_code == feedback
    assert Feedback.objects.filter(registration=reg).exists() is (feedback == 201)
    pdf = client.get(f"/api/v1/registrations/{reg.pk}/certificate")
    assert pdf.status_code == certificate
    if certificate == 200:
        assert pdf["Content-Type"] == "application/pdf"
        assert pdf.content.startswith(b"%PDF-")
    assert client.get(f"/events/registrations/{reg.pk}/certificate.pdf").status_code == page


def test_feedback_once_and_only_by_a_confirmed_participant(held, officer_barcelona):
    _event, reg = held
    client = client_for(officer_barcelona)
    url = f"/api/v1/registrations/{reg.pk}/feedback"
    assert post(client, url, {"rating": 6}).status_code == 400
    assert post(client, url, {"rating": 4, "comment": "Useful"}).json()["comment"] == "Useful"
    again = post(client, url, {"rating": 5})
    assert again.status_code == 400
    assert "once" in again.json()["detail"]


def test_the_certificate_is_announced_in_the_list_once_attended(held, officer_barcelona, staff):
    event, reg = held
    client = client_for(officer_barcelona)
    (row,) = client.get("/api/v1/registrations").json()
    assert row["certificate"] is None
    refused = client.get(f"/api/v1/registrations/{reg.pk}/certificate")
    assert refused.status_code == 400
    assert "attendance is recorded" in refused.json()["detail"]
    services.attendance_mark(user=staff, event=event, attended=[reg.pk])
    (row,) = client.get("/api/v1/registrations").json()
    assert row["certificate"].endswith(f"/api/v1/registrations/{reg.pk}/certificate")
    assert client.get(row["certificate"]).status_code == 200
