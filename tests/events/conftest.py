"""Events made by the events tests: the app invents no registrations for real activities."""

from __future__ import annotations

import datetime as dt
from itertools import count
from typing import Any

import pytest
from django.utils import timezone

from metroscope.accountability.activities.models import Activity, WorkPlan
from metroscope.events.models import Event, Session, Speaker
from metroscope.members.models import Contact, Member

_codes = count(1)


def make_event(
    *,
    capacity: int = 2,
    type: str = "training",
    days_ahead: int = 10,
    languages: str = "",
    title: str = "",
    sessions: int = 1,
) -> Event:
    start = timezone.localdate() + dt.timedelta(days=days_ahead)
    plan, _ = WorkPlan.objects.get_or_create(year=start.year)
    n = next(_codes)
    activity = Activity.objects.create(
        work_plan=plan,
        code=f"test-event-{n}",
        title=title or f"Test training {n} on metropolitan governance",
        description="A test event made by the test suite.",
        type=type,
        mode="hybrid",
        host_city="Barcelona",
        start_date=start,
        end_date=start + dt.timedelta(days=1),
    )
    event = Event.objects.create(activity=activity, capacity=capacity, languages=languages)
    for i in range(sessions):
        begin = timezone.make_aware(dt.datetime.combine(start, dt.time(9 + 2 * i)))
        Session.objects.create(
            event=event,
            title_en=f"Session {i + 1}: mobility",
            title_fr=f"Séance {i + 1} : mobilité",
            title_es=f"Sesión {i + 1}: movilidad",
            starts_at=begin,
            ends_at=begin + dt.timedelta(hours=1, minutes=30),
            room="Room 2",
            online_url="https://meet.example.org/room-2",
            language="en",
        )
    return event


def make_contact(code: str, **values: Any) -> Contact:
    member = Member.objects.get(code=code)
    defaults: dict[str, Any] = {
        "given_name": "Ana",
        "family_name": "Test",
        "role_category": "technical",
        "gender": "female",
        "language": "es",
    }
    return Contact.objects.create(member=member, **(defaults | values))


def make_speaker(event: Event, **values: Any) -> Speaker:
    defaults: dict[str, Any] = {"name": "A. Speaker", "gender": "female"}
    return Speaker.objects.create(event=event, **(defaults | values))


@pytest.fixture
def event(db) -> Event:
    return make_event()
