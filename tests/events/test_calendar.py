"""iCalendar export parsed back: one VEVENT per session, or the event's days without; an
event dated to a month only spans that month, all day; one dated to a year stays out."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from icalendar import Calendar

from metroscope.accountability.activities.models import Activity, DatePrecision
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


def _dated(event, start: dt.date, end: dt.date, precision: str):
    Activity.objects.filter(pk=event.activity_id).update(
        start_date=start, end_date=end, date_precision=precision
    )
    return event


@pytest.mark.parametrize(
    ("start", "end", "after"),
    [
        (dt.date(2019, 11, 1), dt.date(2019, 11, 30), dt.date(2019, 12, 1)),
        (dt.date(2020, 12, 1), dt.date(2020, 12, 31), dt.date(2021, 1, 1)),  # across a year
        (dt.date(2024, 2, 1), dt.date(2024, 2, 29), dt.date(2024, 3, 1)),  # a leap February
    ],
)
def test_an_event_dated_to_a_month_spans_the_month_all_day_and_says_so(start, end, after):
    event = _dated(make_event(sessions=0), start, end, DatePrecision.MONTH)
    (item,) = parse(Client().get(f"/events/{event.pk}/calendar.ics"))
    # DATE values (all day), the end exclusive: the first day of the next month
    assert item.decoded("dtstart") == start
    assert item.decoded("dtend") == after
    assert "VALUE=DATE" in item.to_ical().decode()
    assert str(item["transp"]) == "TRANSPARENT"  # a month does not make the reader busy
    description = str(item["description"])
    assert description.startswith("The source gives the month only")
    assert description.endswith("A test event made by the test suite.")


def test_the_month_note_is_in_the_calendars_language():
    event = _dated(
        make_event(sessions=0), dt.date(2019, 11, 1), dt.date(2019, 11, 30), DatePrecision.MONTH
    )
    (item,) = parse(Client().get(f"/fr/events/{event.pk}/calendar.ics"))
    assert str(item["description"]).startswith("La source ne donne que le mois")


def test_an_event_dated_to_a_year_only_stays_out_and_exact_days_are_opaque():
    year = _dated(
        make_event(sessions=0), dt.date(2020, 1, 1), dt.date(2020, 12, 31), DatePrecision.YEAR
    )
    assert parse(Client().get(f"/events/{year.pk}/calendar.ics")) == []
    (day,) = parse(Client().get(f"/events/{make_event(sessions=0).pk}/calendar.ics"))
    assert "transp" not in day  # OPAQUE, the default
    assert str(day["description"]) == "A test event made by the test suite."
