"""iCalendar export parsed back: one VEVENT per session, or the event's days without."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from icalendar import Calendar

from tests.events.conftest import make_event

pytestmark = pytest.mark.django_db


def parse(response) -> list:
    assert response["Content-Type"].startswith("text/calendar")
    return list(Calendar.from_ical(response.content).walk("VEVENT"))


def test_an_events_calendar_has_its_sessions():
    event = make_event(sessions=2)
    items = parse(Client().get(f"/events/{event.pk}/calendar.ics"))
    assert len(items) == 2
    sessions = list(event.sessions.order_by("starts_at"))
    first = items[0]
    assert str(first["summary"]) == f"{event.title} — Session 1: mobility"
    assert first.decoded("dtstart") == sessions[0].starts_at
    assert first.decoded("dtend") == sessions[0].ends_at
    assert str(first["location"]) == "Room 2"  # the online link is for registrants only
    assert str(first["url"]).endswith(f"/events/{event.pk}/")
    assert str(first["uid"]) == f"session-{sessions[0].pk}@testserver"


def test_an_event_without_sessions_spans_its_days():
    event = make_event(sessions=0)
    (item,) = parse(Client().get(f"/events/{event.pk}/calendar.ics"))
    start = event.activity.start_date
    assert item.decoded("dtstart") == start
    assert item.decoded("dtend") == start + dt.timedelta(days=2)  # end date is exclusive
    assert str(item["location"]) == "Barcelona"


def test_the_list_calendar_follows_the_filters():
    training = make_event(type="training", sessions=1)
    make_event(type="event", sessions=1)
    # upcoming: the real past events of the open data are in the calendar too
    everything = parse(Client().get("/events/calendar.ics?when=upcoming"))
    trainings = parse(Client().get("/events/calendar.ics?when=upcoming&type=training"))
    assert len(everything) == 2
    assert [str(i["summary"]).split(" — ")[0] for i in trainings] == [training.title]
