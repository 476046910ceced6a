"""Each change of a person's place notifies in the app beside its e-mail: to the person
registered when she has an account, else to whoever registered her; the certificate once."""

from __future__ import annotations

import pytest

from metroscope.core.models import Notification
from metroscope.events import services
from tests.conftest import BARCELONA, make_user
from tests.events.conftest import make_contact, make_event

pytestmark = pytest.mark.django_db


def kinds(user) -> list[str]:
    return list(
        Notification.objects.filter(recipient=user).order_by("pk").values_list("kind", flat=True)
    )


def test_places_waiting_promotion_and_cancellation_each_notify(db):
    event = make_event(capacity=1)
    ana, ben = make_user("ana"), make_user("ben")
    first = services.registration_create(user=ana, event=event, language="en")
    services.registration_create(user=ben, event=event, language="en")
    assert kinds(ana) == ["events.confirmed"]
    assert kinds(ben) == ["events.waiting"]
    waiting = Notification.objects.get(recipient=ben)
    assert waiting.params["position"] == 1
    assert waiting.link == f"/events/{event.pk}/"
    services.registration_cancel(user=ana, registration=first)
    assert kinds(ana) == ["events.confirmed", "events.cancelled"]
    assert kinds(ben) == ["events.waiting", "events.promoted"]


def test_a_contact_without_account_is_announced_to_the_officer_who_registered_her(db):
    officer = make_user("officer_b", ("officer", BARCELONA))
    staff = make_user("staff_b", ("secretariat", ""))
    event = make_event(capacity=5, type="training")
    contact = make_contact(BARCELONA, email="ana@barcelona.example")
    made = services.registration_create(user=officer, event=event, language="es", contact=contact)
    assert kinds(officer) == ["events.confirmed"]
    services.attendance_mark(user=staff, event=event, attended=[made.pk])
    services.attendance_mark(user=staff, event=event, attended=[])
    services.attendance_mark(user=staff, event=event, attended=[made.pk])
    assert kinds(officer) == ["events.confirmed", "events.certificate"]  # once
    certificate = Notification.objects.get(recipient=officer, kind="events.certificate")
    assert certificate.link == f"/events/registrations/{made.pk}/certificate.pdf"
    assert not Notification.objects.filter(recipient=staff).exists()
