"""iCalendar (RFC 5545) export: one VEVENT per session, or one for the whole event when it
has no sessions yet (all-day, from the activity's dates)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from icalendar import Calendar
from icalendar import Event as VEvent

from metroscope.accountability.activities.models import DatePrecision
from metroscope.events.models import Event, Session

PRODID = "-//Metropolis//Metroscope events//EN"


def _location(session: Session | None, event: Event) -> str:
    if session is not None:
        # never the online link: calendars are public files (events.access.can_see_meeting_links)
        return session.room
    return event.activity.host_city


def _vevent(event: Event, session: Session | None, url: str, host: str) -> VEvent | None:
    item = VEvent()
    if session is not None:
        item.add("uid", f"session-{session.pk}@{host}")
        item.add("summary", f"{event.title} — {session.title}")
        item.add("dtstart", session.starts_at)
        item.add("dtend", session.ends_at)
    else:
        start = event.activity.start_date
        # a month or a year is not a day in a calendar: only what the source dates exactly
        if start is None or event.activity.date_precision != DatePrecision.DAY:
            return None
        end = (event.activity.end_date or start) + dt.timedelta(days=1)
        item.add("uid", f"event-{event.pk}@{host}")
        item.add("summary", event.title)
        item.add("dtstart", start)
        item.add("dtend", end)
    item.add("dtstamp", dt.datetime.now(dt.UTC))
    if event.activity.description:
        item.add("description", event.activity.description)
    location = _location(session, event)
    if location:
        item.add("location", location)
    item.add("url", url)
    return item


def calendar_for(events: Iterable[Event], *, urls: dict[int, str], host: str, name: str) -> bytes:
    """The events' sessions as one calendar; `urls` maps event id → its page's full address."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    for event in events:
        sessions: list[Session | None] = [*event.sessions.all()] or [None]
        for session in sessions:
            item = _vevent(event, session, urls[event.pk], host)
            if item is not None:
                cal.add_component(item)
    return bytes(cal.to_ical())
