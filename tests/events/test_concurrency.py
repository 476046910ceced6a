"""Two (or eight) registrations at once never go over capacity: each racer is a thread with
its own PostgreSQL connection, all released together by a barrier. SQLite serialises writers
(BEGIN IMMEDIATE), so the race cannot happen there and the test is skipped."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, connections

from metroscope.accountability.activities.models import Activity, WorkPlan
from metroscope.events import services
from metroscope.events.models import Event, Registration
from tests.events.conftest import make_event

RACERS = 8
CAPACITY = 3


def in_thread(fn: Callable[[], Any]) -> Any:
    """Run fn on a fresh connection in its own thread, so what it writes is committed."""
    out: dict[str, Any] = {}

    def run() -> None:
        try:
            out["value"] = fn()
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return out["value"]


def _setup() -> tuple[int, list[int]]:
    event = make_event(capacity=CAPACITY, days_ahead=4000)
    users = [
        get_user_model().objects.create_user(username=f"racer{i}", password="x")
        for i in range(RACERS)
    ]
    return event.pk, [u.pk for u in users]


def _cleanup(event_id: int, user_ids: list[int]) -> None:
    event = Event.objects.get(pk=event_id)
    activity_id, plan_id = event.activity_id, event.activity.work_plan_id
    Registration.objects.filter(event_id=event_id).delete()
    event.delete()
    Activity.objects.filter(pk=activity_id).delete()
    if not Activity.objects.filter(work_plan_id=plan_id).exists():
        WorkPlan.objects.filter(pk=plan_id).delete()
    get_user_model().objects.filter(pk__in=user_ids).delete()


@pytest.mark.django_db
def test_simultaneous_registrations_never_go_over_capacity():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers: the race needs PostgreSQL (set DATABASE_URL)")
    event_id, user_ids = in_thread(_setup)
    barrier = threading.Barrier(RACERS)
    statuses: list[str] = []
    errors: list[BaseException] = []

    def racer(user_id: int) -> None:
        try:
            user = get_user_model().objects.get(pk=user_id)
            event = Event.objects.get(pk=event_id)
            barrier.wait(timeout=30)
            made = services.registration_create(user=user, event=event, language="en")
            statuses.append(made.status)
        except BaseException as exc:  # noqa: BLE001 — reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=racer, args=(uid,)) for uid in user_ids]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert not errors, errors
        counted = in_thread(
            lambda: sorted(
                Registration.objects.filter(event_id=event_id).values_list("status", flat=True)
            )
        )
        assert sorted(statuses) == counted
        assert counted.count("confirmed") == CAPACITY
        assert counted.count("waiting") == RACERS - CAPACITY
    finally:
        in_thread(lambda: _cleanup(event_id, user_ids))


@pytest.mark.django_db
def test_a_cancellation_and_a_registration_at_once_keep_capacity():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers: the race needs PostgreSQL (set DATABASE_URL)")
    event_id, user_ids = in_thread(_setup)

    def fill() -> int:
        event = Event.objects.get(pk=event_id)
        users = get_user_model().objects.filter(pk__in=user_ids).order_by("pk")
        made = [
            services.registration_create(user=u, event=event, language="en")
            for u in users[: CAPACITY + 1]
        ]
        return made[0].pk

    try:
        first = in_thread(fill)
        barrier = threading.Barrier(2)
        errors: list[BaseException] = []

        def cancel() -> None:
            try:
                reg = Registration.objects.select_related("event", "user").get(pk=first)
                barrier.wait(timeout=30)
                services.registration_cancel(user=reg.user, registration=reg)
            except BaseException as exc:  # noqa: BLE001
                errors.append(exc)
            finally:
                connections.close_all()

        def newcomer() -> None:
            try:
                user = get_user_model().objects.get(pk=user_ids[-1])
                event = Event.objects.get(pk=event_id)
                barrier.wait(timeout=30)
                services.registration_create(user=user, event=event, language="en")
            except BaseException as exc:  # noqa: BLE001
                errors.append(exc)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=cancel), threading.Thread(target=newcomer)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert not errors, errors
        confirmed = in_thread(
            lambda: Registration.objects.filter(event_id=event_id, status="confirmed").count()
        )
        assert confirmed == CAPACITY
    finally:
        in_thread(lambda: _cleanup(event_id, user_ids))
