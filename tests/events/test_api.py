"""API: events public; registrations of one's own, with the rules of the pages."""

from __future__ import annotations

import pytest
from django.test import Client

from metroscope.events import services
from tests.conftest import BARCELONA, client_for, make_user
from tests.events.conftest import make_contact, make_event

pytestmark = pytest.mark.django_db


def test_events_are_listed_with_places_and_sessions():
    event = make_event(capacity=3, languages="en,es")
    services.registration_create(user=make_user("a"), event=event, language="es")
    past = make_event(days_ahead=-30, title="A past training")
    data = Client().get("/api/v1/events?when=upcoming").json()
    (row,) = [r for r in data if r["id"] == event.pk]
    assert (row["capacity"], row["confirmed"], row["waiting"]) == (3, 1, 0)
    assert row["languages"] == ["en", "es"]
    assert row["activity"] == event.activity.code
    assert row["sessions"][0]["title"] == "Session 1: mobility"
    assert past.pk not in {r["id"] for r in data}
    assert past.pk in {r["id"] for r in Client().get("/api/v1/events?when=past").json()}


def test_an_event_in_spanish():
    event = make_event()
    data = Client().get(f"/api/v1/events/{event.pk}?lang=es").json()
    assert data["sessions"][0]["title"] == "Sesión 1: movilidad"
    assert Client().get("/api/v1/events/999999").status_code == 404


def test_register_twice_then_cancel_promotes_through_the_api():
    event = make_event(capacity=1)
    ana, ben = make_user("ana"), make_user("ben")
    first = client_for(ana).post(
        f"/api/v1/events/{event.pk}/registrations",
        {"language": "en"},
        content_type="application/json",
    )
    assert first.status_code == 201
    assert first.json()["status"] == "confirmed"
    again = client_for(ana).post(
        f"/api/v1/events/{event.pk}/registrations",
        {"language": "en"},
        content_type="application/json",
    )
    assert again.status_code == 409
    assert "already registered" in again.json()["detail"]
    second = client_for(ben).post(
        f"/api/v1/events/{event.pk}/registrations", {}, content_type="application/json"
    )
    assert (second.json()["status"], second.json()["waiting_position"]) == ("waiting", 1)
    cancelled = client_for(ana).post(f"/api/v1/registrations/{first.json()['id']}/cancel")
    assert cancelled.json()["status"] == "cancelled"
    (mine,) = client_for(ben).get("/api/v1/registrations").json()
    assert mine["status"] == "confirmed"


def test_a_language_not_offered_is_a_400():
    event = make_event(languages="fr")
    response = client_for(make_user("a")).post(
        f"/api/v1/events/{event.pk}/registrations",
        {"language": "en"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "offered in fr" in response.json()["detail"]


def test_an_officer_registers_their_contact_but_not_anothers(officer_barcelona, officer_seoul):
    event = make_event()
    contact = make_contact(BARCELONA)
    url = f"/api/v1/events/{event.pk}/registrations"
    denied = client_for(officer_seoul).post(
        url, {"contact": contact.pk}, content_type="application/json"
    )
    assert denied.status_code == 403
    made = client_for(officer_barcelona).post(
        url, {"contact": contact.pk, "language": "es"}, content_type="application/json"
    )
    assert made.status_code == 201
    assert (made.json()["contact"], made.json()["name"]) == (contact.pk, "Ana Test")


def test_registering_needs_a_sign_in():
    event = make_event()
    response = Client().post(
        f"/api/v1/events/{event.pk}/registrations", {}, content_type="application/json"
    )
    assert response.status_code == 401
