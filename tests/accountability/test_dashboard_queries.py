"""Every accountability page and dashboard API asks the database a fixed number of questions,
however many rows there are: the same count on the open data with the sample accounts and after
adding activities, expenses, trips, people and risks past every page size, both when the
figures are computed (right after a write) and when the process already has them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from metroscope.accountability import version as ledger_version
from metroscope.accountability.activities.models import Activity, WorkPlan
from metroscope.accountability.carbon.models import Trip
from metroscope.accountability.ledger import sample as sample_accounts
from metroscope.accountability.ledger.models import BudgetLine, Expense
from metroscope.accountability.people.models import (
    Panel,
    Participant,
    ParticipantCount,
    Speaker,
)
from metroscope.accountability.risks.models import Risk
from metroscope.members.models import Member
from metroscope.plan.models import Challenge, Outcome, Theme
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

ACTIVITY = "activity (most rows)"
# (queries when the figures are computed, queries when the process has them), as staff
# The money, carbon, people and matrix pages ask once more whether the user may record what
# an empty list lacks (the empty states' links).
PINNED = {
    "/plan/progress/": (14, 6),
    "/plan/work-plans/": (6, 5),
    "/plan/work-plans/2021/": (10, 6),
    "/plan/activities/": (15, 11),
    "/plan/activities/?year=2021&type=event&theme=T-SUS": (15, 11),
    "/plan/money/": (21, 10),
    "/plan/money/?year=2021": (21, 10),
    "/plan/carbon/": (15, 5),
    "/plan/carbon/?year=2021": (15, 5),
    "/plan/people/": (35, 24),  # with the Secretariat's speakers by name, paged
    "/plan/people/?year=2021": (35, 24),
    "/plan/risks/": (9, 6),
    "/plan/matrix/": (13, 8),
    "/plan/matrix/?year=2021": (13, 8),
    "/plan/engagement/": (11, 8),
    "/plan/report/": (5, 5),
    "/api/v1/workplans": (1, 1),
    "/api/v1/activities?year=2021": (2, 2),
    "/api/v1/plan/money": (11, 1),
    "/api/v1/plan/carbon": (11, 1),
    "/api/v1/plan/people": (22, 12),
    "/api/v1/plan/risks": (7, 4),
    ACTIVITY: (18, 18),
}


def _pages(activity: Activity) -> list[tuple[str, str]]:
    urls = [url for url in PINNED if url != ACTIVITY]
    return [(url, url) for url in urls] + [(ACTIVITY, f"/plan/activities/{activity.pk}/")]


def _counts(client, activity: Activity) -> dict[str, tuple[int, int]]:
    found = {}
    for name, url in _pages(activity):
        ledger_version.clear()
        with CaptureQueriesContext(connection) as cold:
            assert client.get(url).status_code == 200, url
        with CaptureQueriesContext(connection) as warm:
            assert client.get(url).status_code == 200, url
        found[name] = (len(cold), len(warm))
    return found


def _grow(activity: Activity) -> None:
    """Rows past every page size: 60 more activities with money, trips and people; 130 more
    expenses and 120 participants by name on one activity; 60 more risks."""
    plan = WorkPlan.objects.get(year=2021)
    members = list(Member.objects.order_by("pk")[:5])
    theme, challenge = Theme.objects.get(code="T-SUS"), Challenge.objects.first()
    outcome = Outcome.objects.first()
    made = Activity.objects.bulk_create(
        Activity(work_plan=plan, code=f"test-{n}", title=f"Test activity {n}", type="event",
                 mode="in_person", start_date=dt.date(2021, 3, 1 + n % 28), illustrative=True)
        for n in range(60)
    )  # fmt: skip
    for a in made:
        a.members.add(*members[:2])
        a.themes.add(theme)
        a.challenges.add(challenge)
        a.outcomes.add(outcome)
    expenses = [
        Expense(activity=a, date=dt.date(2021, 4, 1 + n), amount=Decimal(10), currency="EUR",
                rate_to_eur=Decimal(1), amount_eur=Decimal(10), category="venue",
                illustrative=True)
        for a in [*made, *[activity] * 40]
        for n in range(3)
    ]  # fmt: skip
    Expense.objects.bulk_create(expenses)
    BudgetLine.objects.bulk_create(
        BudgetLine(activity=a, year=2021, category="venue", amount_eur=Decimal(100),
                   illustrative=True)
        for a in made
    )  # fmt: skip
    m = members[0]
    Trip.objects.bulk_create(
        Trip(activity=a, origin="A", origin_latitude=m.latitude, origin_longitude=m.longitude,
             destination="B", destination_latitude=41.4, destination_longitude=2.2, mode="air",
             cabin_class="economy", illustrative=True)
        for a in made
    )  # fmt: skip
    ParticipantCount.objects.bulk_create(
        ParticipantCount(activity=a, gender=g, role_category="technical", count=3,
                         illustrative=True)
        for a in made
        for g in ("female", "male")
    )  # fmt: skip
    Participant.objects.bulk_create(
        Participant(activity=activity, name=f"Person {n}", gender="female",
                    role_category="expert", member=members[n % 5], illustrative=True)
        for n in range(120)
    )  # fmt: skip
    panels = Panel.objects.bulk_create(
        Panel(activity=a, title="Panel", illustrative=True) for a in made
    )
    Speaker.objects.bulk_create(
        Speaker(activity_id=p.activity_id, panel=p, gender="male", role_category="expert",
                illustrative=True)
        for p in panels
    )  # fmt: skip
    risks = Risk.objects.bulk_create(
        Risk(title=f"Test risk {n}", category="financial", likelihood=1 + n % 5,
             impact=1 + n % 3, owner="Test", illustrative=True)
        for n in range(60)
    )  # fmt: skip
    for risk in risks:
        risk.activities.add(*made[:3])
        risk.outcomes.add(outcome)


def _one_of_each() -> None:
    """Every list the pages show has a row (an empty list spares a query, which is not what is
    pinned): an event of 2021 on the filtered list's theme, with a participant by name."""
    event = Activity.objects.filter(work_plan__year=2021).order_by("pk").first()
    event.type = "event"
    event.save()
    event.themes.add(Theme.objects.get(code="T-SUS"))
    Participant.objects.create(activity=event, name="Only person", gender="female",
                               role_category="expert")  # fmt: skip


def test_query_counts_are_pinned_and_do_not_grow_with_the_rows(staff):
    sample_accounts.sample_accounts_load()
    activity = Trip.objects.order_by("pk").first().activity
    _one_of_each()
    client = client_for(staff)
    few = _counts(client, activity)
    assert few == PINNED
    _grow(activity)
    assert Expense.objects.filter(activity=activity).count() > 100
    assert Activity.objects.count() > 50 + 39
    assert _counts(client, activity) == few
