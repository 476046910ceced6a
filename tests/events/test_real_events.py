"""The association's real events, loaded from the plan's activities into the calendar: dates
and places as the sources give them, no registration until staff open it, idempotent."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client

from metroscope.accountability.activities.loaders import activity_code
from metroscope.accountability.activities.models import Activity
from metroscope.core.loading import LoadReport
from metroscope.events import services
from metroscope.events.loaders import load_events_data
from metroscope.events.models import EVENT_TYPES, Event
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

DATA = Path(settings.DATA_DIR)
DEBATE = "Metropolis Policy Debate 'Greening Cities: A Pathway to Social Inclusion'"


def test_every_real_event_of_the_plans_activities_is_in_the_calendar():
    real = Activity.objects.filter(illustrative=False, type__in=EVENT_TYPES)
    assert real.count() == 26  # 17 events, 2 trainings, 2 policy debates, 5 statutory meetings
    assert Event.objects.filter(activity__in=real).count() == real.count()
    # a publication or a platform is not an event
    assert not Event.objects.filter(activity__type__in=["publication", "platform"]).exists()


def test_a_real_event_keeps_its_sources_date_and_place_and_takes_no_registration():
    event = Event.objects.get(activity__code=activity_code("2023-06-12", DEBATE))
    assert event.activity.start_date == dt.date(2023, 6, 12)
    assert event.activity.host_city == "Brussels"
    assert event.capacity is None
    assert not event.registration_open
    assert not event.takes_registrations


def test_a_second_load_changes_nothing_and_keeps_what_staff_opened():
    event = Event.objects.get(activity__code=activity_code("2023-06-12", DEBATE))
    event.capacity, event.registration_open = 50, True
    event.save()
    report = LoadReport()
    load_events_data(DATA, report)
    assert report.changed == 0
    assert report.counts["events.Event"]["unchanged"] == 26
    event.refresh_from_db()
    assert (event.capacity, event.registration_open) == (50, True)


def test_an_event_opened_without_a_capacity_is_refused():
    event = Event.objects.get(activity__code=activity_code("2023-06-12", DEBATE))
    event.registration_open = True
    with pytest.raises(ValidationError, match="capacity"):
        event.full_clean()


def test_registering_for_a_real_event_without_a_capacity_is_refused(staff):
    event = Event.objects.get(activity__code=activity_code("2023-06-12", DEBATE))
    with pytest.raises(ValueError, match="closed"):
        services.registration_create(user=staff, event=event, language="en")
    assert not event.registrations.exists()


def test_the_calendar_lists_the_past_events_with_what_the_sources_give():
    html = Client().get("/events/").content.decode()
    assert "No past event" not in html
    assert DEBATE.replace("'", "&#x27;") in html
    assert "12 June 2023" in html
    # the source dates the strategic meeting to a month and names no place
    assert "November 2019" in html
    assert "the source gives the month only" in html
    assert "place not given by the source" in html
    assert "no registration" in html


def test_the_calendar_reads_the_month_in_the_pages_language():
    french = Client().get("/fr/events/").content.decode()
    assert "novembre 2019" in french
    spanish = Client().get("/es/events/").content.decode()
    assert "noviembre de 2019" in spanish


def test_a_real_events_page_has_its_source_and_an_opening_link_for_staff_only(staff):
    event = Event.objects.get(activity__code=activity_code("2023-06-12", DEBATE))
    public = client_for(None).get(f"/events/{event.pk}/").content.decode()
    assert 'data-testid="no-registration"' in public
    assert event.activity.source_url in public
    assert "Open registrations" not in public
    staff_page = client_for(staff).get(f"/events/{event.pk}/").content.decode()
    assert f"/admin/events/event/{event.pk}/change/" in staff_page


def test_exact_days_and_months_go_to_the_icalendar_file():
    body = Client().get("/events/calendar.ics?when=past").content.decode()
    assert "Greening Cities" in body
    # dated to a month only: the whole of November 2019, all day, with the note
    assert "Strategic Meeting opening" in body
    assert "DTSTART;VALUE=DATE:20191101" in body
    assert "DTEND;VALUE=DATE:20191201" in body
    assert "The source gives the month only" in body
