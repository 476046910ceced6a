"""Registration within capacity, the waiting list, promotion on cancellation, attendance,
feedback once."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from metroscope.events import selectors, services
from metroscope.events.models import Feedback, Registration
from tests.conftest import BARCELONA, SEOUL, make_user
from tests.events.conftest import make_contact, make_event


def register(user, event, **kw):
    return services.registration_create(user=user, event=event, language="en", **kw)


def test_registrations_past_capacity_go_to_the_waiting_list(db):
    event = make_event(capacity=2)
    regs = [register(make_user(f"u{i}"), event) for i in range(4)]
    assert [r.status for r in regs] == ["confirmed", "confirmed", "waiting", "waiting"]
    assert [selectors.waiting_position(r) for r in regs] == [None, None, 1, 2]
    assert event.registrations.filter(status="confirmed").count() == 2


def test_cancelling_a_confirmed_place_promotes_the_first_waiting(db):
    event = make_event(capacity=1)
    first, second, third = (register(make_user(f"u{i}"), event) for i in range(3))
    promoted = services.registration_cancel(user=first.user, registration=first)
    assert promoted is not None
    assert promoted.pk == second.pk
    second.refresh_from_db()
    third.refresh_from_db()
    assert (second.status, third.status) == ("confirmed", "waiting")
    assert second.confirmed_at is not None
    assert selectors.waiting_position(third) == 1


def test_cancelling_a_waiting_place_promotes_nobody(db):
    event = make_event(capacity=1)
    first, second = (register(make_user(f"u{i}"), event) for i in range(2))
    assert services.registration_cancel(user=second.user, registration=second) is None
    first.refresh_from_db()
    assert first.status == "confirmed"
    with pytest.raises(ValueError, match="already cancelled"):
        services.registration_cancel(user=second.user, registration=second)


def test_a_second_registration_of_the_same_person_is_refused_clearly(db):
    event = make_event(capacity=5)
    user = make_user("ana")
    register(user, event)
    with pytest.raises(services.AlreadyRegistered, match="ana is already registered for Test"):
        register(user, event)
    assert event.registrations.count() == 1


def test_a_person_may_register_again_after_cancelling(db):
    event = make_event(capacity=5)
    user = make_user("ana")
    services.registration_cancel(user=user, registration=register(user, event))
    again = register(user, event)
    assert again.status == "confirmed"


def test_an_officer_registers_their_members_contact_with_its_gender_and_region(db):
    officer = make_user("officer_barcelona", ("officer", BARCELONA))
    contact = make_contact(BARCELONA, gender="female", role_category="political")
    event = make_event()
    made = register(officer, event, contact=contact)
    assert (made.contact, made.user, made.registered_by) == (contact, None, officer)
    assert (made.gender, made.role_category, made.member.code) == ("female", "political", BARCELONA)
    with pytest.raises(services.AlreadyRegistered, match="Ana Test is already registered"):
        register(officer, event, contact=contact)


def test_an_officer_cannot_register_another_members_contact(db):
    officer = make_user("officer_seoul", ("officer", SEOUL))
    contact = make_contact(BARCELONA)
    with pytest.raises(PermissionDenied):
        register(officer, make_event(), contact=contact)


def test_a_language_the_event_does_not_offer_is_refused(db):
    event = make_event(languages="en,es")
    with pytest.raises(ValueError, match="offered in en, es"):
        services.registration_create(user=make_user("u"), event=event, language="fr")
    assert not event.registrations.exists()


def test_closed_registration_is_refused(db):
    event = make_event()
    event.registration_open = False
    event.save()
    with pytest.raises(ValueError, match="closed"):
        register(make_user("u"), event)


def test_only_staff_mark_attendance_and_only_confirmed_places(db):
    staff = make_user("staff", ("secretariat", ""))
    event = make_event(capacity=1)
    confirmed = register(make_user("a"), event)
    waiting = register(make_user("b"), event)
    with pytest.raises(PermissionDenied):
        services.attendance_mark(user=confirmed.user, event=event, attended=[confirmed.pk])
    with pytest.raises(ValueError, match=str(waiting.pk)):
        services.attendance_mark(user=staff, event=event, attended=[waiting.pk])
    assert services.attendance_mark(user=staff, event=event, attended=[confirmed.pk]) == 1
    confirmed.refresh_from_db()
    assert confirmed.attended
    services.attendance_mark(user=staff, event=event, attended=[])
    confirmed.refresh_from_db()
    assert not confirmed.attended


def test_an_attended_registration_cannot_be_cancelled(db):
    staff = make_user("staff", ("secretariat", ""))
    event = make_event()
    reg = register(make_user("a"), event)
    services.attendance_mark(user=staff, event=event, attended=[reg.pk])
    with pytest.raises(ValueError, match="attended"):
        services.registration_cancel(user=reg.user, registration=reg)


def test_feedback_is_given_once_per_registration(db):
    event = make_event()
    reg = register(make_user("a"), event)
    services.feedback_give(user=reg.user, registration=reg, rating=4, comment=" Useful ")
    with pytest.raises(ValueError, match="once each"):
        services.feedback_give(user=reg.user, registration=reg, rating=5)
    assert Feedback.objects.get(registration=reg).comment == "Useful"


@pytest.mark.parametrize("rating", [0, 6])
def test_feedback_rating_is_from_one_to_five(db, rating):
    reg = register(make_user("a"), make_event())
    with pytest.raises(ValueError, match="1 to 5"):
        services.feedback_give(user=reg.user, registration=reg, rating=rating)


def test_feedback_only_from_the_registrant_and_a_confirmed_place(db):
    event = make_event(capacity=1)
    confirmed = register(make_user("a"), event)
    waiting = register(make_user("b"), event)
    with pytest.raises(PermissionDenied):
        services.feedback_give(user=waiting.user, registration=confirmed, rating=3)
    with pytest.raises(ValueError, match="confirmed"):
        services.feedback_give(user=waiting.user, registration=waiting, rating=3)


def test_the_database_refuses_a_second_active_registration(db):
    from django.db import IntegrityError, transaction

    event = make_event(capacity=5)
    reg = register(make_user("a"), event)
    with pytest.raises(IntegrityError), transaction.atomic():
        Registration.objects.create(
            event=event, user=reg.user, registered_by=reg.user, name="dup", status="waiting"
        )
