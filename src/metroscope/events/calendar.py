"""iCalendar (RFC 5545) export: one VEVENT per session, or one for the whole event when it
has no sessions yet (all-day, from the activity's dates).

An event its source dates to a month only is an all-day event spanning that month (RFC 5545
§3.6.1: DTSTART and DTEND as DATE values, DTEND exclusive, so the first day of the next
month), marked TRANSPARENT so that it does not make the reader busy for a month, and its
description says first that the days are not known. An event dated to a year only stays
out: a year-long block in a calendar says nothing a reader can plan with."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils.translation import gettext as _
from icalendar import Calendar
from icalendar import Event as VEvent

from metroscope.accountability.activities.models import Activity, DatePrecision
from metroscope.events.models import Event, Session

PRODID = "-//Metropolis//Metroscope events//EN"


def _location(session: Session | None, event: Event) -> str:
    if session is not None:
        # never the online link: calendars are public files (events.access.can_see_meeting_links)
        return session.room
    return event.activity.host_city


def all_day_span(activity: Activity) -> tuple[dt.date, dt.date] | None:
    """The first day and the day after the last (iCalendar's DTEND is exclusive) of an
    activity dated to the day or to the month; None for a year or no date."""
    start = activity.start_date
    if start is None:
        return None
    if activity.date_precision == DatePrecision.DAY:
        return start, (activity.end_date or start) + dt.timedelta(days=1)
    if activity.date_precision == DatePrecision.MONTH:
        last = activity.end_date or start  # the loader sets the month's last day
        after = dt.date(last.year + last.month // 12, last.month % 12 + 1, 1)
        return start.replace(day=1), after
    return None


def _vevent(event: Event, session: Session | None, url: str, host: str) -> VEvent | None:
    item = VEvent()
    if session is not None:
        item.add("uid", f"session-{session.pk}@{host}")
        item.add("summary", f"{event.title} — {session.title}")
        item.add("dtstart", session.starts_at)
        item.add("dtend", session.ends_at)
    else:
        days = all_day_span(event.activity)
        if days is None:
            return None
        item.add("uid", f"event-{event.pk}@{host}")
        item.add("summary", event.title)
        item.add("dtstart", days[0])
        item.add("dtend", days[1])
    item.add("dtstamp", dt.datetime.now(dt.UTC))
    description = [event.activity.description] if event.activity.description else []
    if session is None and event.activity.date_precision == DatePrecision.MONTH:
        item.add("transp", "TRANSPARENT")
        description.insert(0, _("The source gives the month only: the exact days are not known."))
    if description:
        item.add("description", "\n\n".join(description))
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
