"""Pages: the list (upcoming and past, filters) with pinned queries, an event, registering,
the waiting list and feedback through the forms."""

from __future__ import annotations

import pytest
from django.test import Client

from metroscope.events import services
from metroscope.events.models import Feedback
from tests.conftest import client_for, make_user
from tests.events.conftest import make_event, make_speaker

pytestmark = pytest.mark.django_db


def test_the_list_shows_upcoming_and_past_in_three_languages():
    coming = make_event(title="Coming training")
    gone = make_event(days_ahead=-40, title="Gone training")
    for prefix, heading in (("", "Upcoming"), ("/fr", "À venir"), ("/es", "Próximos")):
        body = Client().get(f"{prefix}/events/").content.decode()
        assert heading in body
        assert coming.title in body
        assert gone.title in body
    upcoming = Client().get("/events/?when=upcoming").content.decode()
    assert coming.title in upcoming
    assert gone.title not in upcoming


def test_the_list_filters_by_type_and_language():
    training = make_event(type="training", languages="es", title="Formación")
    event = make_event(type="event", languages="en", title="Congress")
    body = Client().get("/events/?type=training").content.decode()
    assert (training.title in body, event.title in body) == (True, False)
    body = Client().get("/events/?language=en").content.decode()
    assert (training.title in body, event.title in body) == (False, True)


def test_the_list_runs_a_fixed_number_of_queries(django_assert_num_queries):
    for i in range(3):
        make_event(title=f"Pinned {i}", sessions=2)
    client = Client()
    client.get("/events/")  # warm caches (content types, session)
    with django_assert_num_queries(3):  # years, events with counts, their sessions
        response = client.get("/events/")
    assert response.status_code == 200


def test_the_event_page_runs_a_fixed_number_of_queries(django_assert_num_queries):
    event = make_event(sessions=3)
    for i in range(3):
        make_speaker(event, name=f"Speaker {i}")
    user = make_user("ana")
    services.registration_create(user=user, event=event, language="en")
    client = client_for(user)
    client.get(f"/events/{event.pk}/")
    with django_assert_num_queries(9):  # event, sessions, speakers, auth, own, contacts, role,
        # and the header's unread notifications
        response = client.get(f"/events/{event.pk}/")
    assert "Speaker 2" in response.content.decode()


def test_register_through_the_page_then_join_the_waiting_list():
    event = make_event(capacity=1)
    ana, ben = client_for(make_user("ana")), client_for(make_user("ben"))
    url = f"/events/{event.pk}/register/"
    ok = ana.post(url, {"who": "me", "language": "en", "gender": "female"}, follow=True)
    assert "the place is confirmed" in ok.content.decode()
    again = ana.post(url, {"who": "me", "language": "en"}, follow=True)
    assert "is already registered" in again.content.decode()
    waiting = ben.post(url, {"who": "me", "language": "en"}, follow=True)
    body = waiting.content.decode()
    assert "number 1 on the waiting list" in body
    assert event.registrations.get(user__username="ana").gender == "female"


def test_feedback_through_the_page_once():
    event = make_event()
    user = make_user("ana")
    reg = services.registration_create(user=user, event=event, language="en")
    client = client_for(user)
    url = f"/events/registrations/{reg.pk}/feedback/"
    client.post(url, {"rating": "5", "comment": "Great"})
    second = client.post(url, {"rating": "1"}, follow=True)
    assert "once each" in second.content.decode()
    assert Feedback.objects.get(registration=reg).rating == 5


def test_an_anonymous_visitor_is_asked_to_sign_in():
    event = make_event()
    body = Client().get(f"/events/{event.pk}/").content.decode()
    assert "Sign in to register." in body
    assert Client().post(f"/events/{event.pk}/register/").status_code == 302


def test_an_events_activity_page_leads_to_its_registrations():
    """One page away: the plan's activity shows its places and links the event's page; staff
    also reach the registrations and attendance, or open registrations for a training that
    takes none yet (the back office's form, with the activity chosen)."""
    from metroscope.accountability.activities.models import Activity

    staff = make_user("staff", ("secretariat", ""))
    event = make_event(capacity=3)
    services.registration_create(user=make_user("ana"), event=event, language="en")
    page = f"/plan/activities/{event.activity_id}/"
    html = Client().get(page).content.decode()
    panel = html.split('data-testid="activity-event"', 1)[1].split("</section>", 1)[0]
    assert "1 of 3 places taken" in panel
    assert f'href="/events/{event.pk}/"' in panel
    assert "/registrations/" not in panel
    staff_html = client_for(staff).get(page).content.decode()
    assert f'href="/events/{event.pk}/registrations/"' in staff_html
    fr = Client().get(f"/fr{page}").content.decode()
    assert "1 sur 3 places prises" in fr

    unopened = Activity.objects.create(
        work_plan=event.activity.work_plan,
        code="test-unopened",
        title="A training",
        type="training",
    )
    assert (
        'data-testid="activity-event"'
        not in Client().get(f"/plan/activities/{unopened.pk}/").content.decode()
    )
    staff_html = client_for(staff).get(f"/plan/activities/{unopened.pk}/").content.decode()
    assert f'href="/admin/events/event/add/?activity={unopened.pk}"' in staff_html
    other = Activity.objects.create(
        work_plan=event.activity.work_plan,
        code="test-publication",
        title="A report",
        type="publication",
    )
    staff_html = client_for(staff).get(f"/plan/activities/{other.pk}/").content.decode()
    assert 'data-testid="activity-event"' not in staff_html
