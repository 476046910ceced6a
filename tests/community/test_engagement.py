"""Member engagement: the counts and last contact on hand-checked cases, who may see them,
and query counts that do not grow with the data."""

from __future__ import annotations

import datetime as dt
from itertools import count

import pytest
from django.utils import timezone

from metroscope.accountability.activities.models import Activity, WorkPlan
from metroscope.community.engagement import (
    last_contacts,
    member_engagement,
    network_engagement,
    window_start,
)
from metroscope.events.models import Registration
from metroscope.exchange.models import Collection, Solution, SolutionStatus
from metroscope.listening.models import RequestMessage, SupportRequest, SurveyResponse
from metroscope.members.models import Member
from metroscope.observatory.models import BatchKind, ImportBatch, Status
from tests.conftest import client_for, make_user
from tests.events.conftest import make_contact, make_event
from tests.listening.conftest import make_survey

TODAY = dt.date(2026, 6, 15)
_n = count(1)


def at(day: str) -> dt.datetime:
    return timezone.make_aware(dt.datetime.fromisoformat(day + "T12:00"))


def quiet_member(n: int = 0) -> Member:
    """A member the open data links to no solution and no activity: a clean slate."""
    return Member.objects.filter(solutions=None, activities=None).order_by("code")[n]


def attend(member: Member, event, *, people: int = 1, attended: bool = True) -> None:
    for _ in range(people):
        contact = make_contact(member.code, given_name=f"P{next(_n)}")
        Registration.objects.create(
            event=event,
            contact=contact,
            registered_by=make_user(f"reg{next(_n)}"),
            name=str(contact),
            member=member,
            status="confirmed",
            attended=attended,
        )


def dated_event(type: str, start: str):
    event = make_event(type=type)
    day = dt.date.fromisoformat(start)
    Activity.objects.filter(pk=event.activity_id).update(
        start_date=day, end_date=day + dt.timedelta(days=1)
    )
    return event


def batch(user, kind: str, when: str, created: int, updated: int) -> ImportBatch:
    made = ImportBatch.objects.create(
        kind=kind, user=user, status=Status.PROVISIONAL, created=created, updated=updated
    )
    ImportBatch.objects.filter(pk=made.pk).update(created_at=at(when))
    return made


def solution(member: Member, *, submitted: str | None, status: str) -> Solution:
    made = Solution.objects.create(
        slug=f"engagement-test-{next(_n)}",
        title="A test solution of the engagement suite",
        summary="Made by the test suite.",
        collection=Collection.objects.get(code="use"),
        city="Test city",
        country_iso3="esp",
        status=status,
        submitted_at=at(submitted) if submitted else None,
    )
    made.members.add(member)
    return made


def activity(member: Member, start: str, end: str | None) -> Activity:
    plan, _ = WorkPlan.objects.get_or_create(year=int(start[:4]))
    made = Activity.objects.create(
        work_plan=plan,
        code=f"engagement-test-{next(_n)}",
        title=f"Engagement test activity {start}",
        type="event",
        start_date=dt.date.fromisoformat(start),
        end_date=dt.date.fromisoformat(end) if end else None,
    )
    made.members.add(member)
    return made


@pytest.fixture
def busy(db):
    """One member with one interaction of each kind, on known dates (TODAY = 15 June 2026)."""
    member = quiet_member()
    officer = make_user("officer_busy", ("officer", member.code))
    staff = make_user("staff_busy", ("secretariat", ""))
    # Events: 2 of its people at one event (ends 11 March 2026), 1 registered but absent at
    # another; one training attended (ends 21 January 2025).
    attend(member, dated_event("event", "2026-03-10"), people=2)
    attend(member, dated_event("event", "2026-04-10"), attended=False)
    attend(member, dated_event("training", "2025-01-20"))
    survey = make_survey()
    SurveyResponse.objects.create(survey=survey, member=member, submitted_at=at("2025-05-01"))
    request = SupportRequest.objects.create(
        member=member, created_by=officer, subject="Help with data", body="?"
    )
    SupportRequest.objects.filter(pk=request.pk).update(created_at=at("2025-02-01"))
    RequestMessage.objects.create(
        request=request, author=staff, body="Answer", created_at=at("2026-05-20")
    )
    # Values: a form entry (3 created, 2 changed) and a file (4 created) by its officer;
    # the open-data load and a staff import are not the member's submissions.
    batch(officer, BatchKind.FORM, "2024-11-01", 3, 2)
    batch(officer, BatchKind.FILE, "2024-12-01", 4, 0)
    batch(officer, BatchKind.OPEN_DATA, "2026-06-01", 99, 0)
    batch(staff, BatchKind.FILE, "2026-06-01", 50, 0)
    # Solutions: one submitted (5 January 2026), one published from sources (no date), a
    # draft that does not count.
    solution(member, submitted="2026-01-05", status=SolutionStatus.SUBMITTED)
    solution(member, submitted=None, status=SolutionStatus.PUBLISHED)
    solution(member, submitted=None, status=SolutionStatus.DRAFT)
    # Activities: one past, one still going on (counts as today), one not started yet.
    activity(member, "2023-03-01", "2023-03-02")
    activity(member, "2026-06-01", "2026-12-31")
    activity(member, "2026-09-01", None)
    return member


def test_window_start_is_twelve_months_back():
    assert window_start(dt.date(2026, 6, 15)) == dt.date(2025, 6, 15)
    assert window_start(dt.date(2028, 2, 29)) == dt.date(2027, 2, 28)


def test_member_engagement_counts_and_dates(busy):
    view = member_engagement(busy, today=TODAY)
    got = {s.kind: (s.total, s.last) for s in view.sections}
    assert got == {
        "events": (1, dt.date(2026, 3, 11)),
        "trainings": (1, dt.date(2025, 1, 21)),
        "surveys": (1, dt.date(2025, 5, 1)),
        "requests": (1, dt.date(2026, 5, 20)),
        "values": (9, dt.date(2024, 12, 1)),
        "solutions": (2, dt.date(2026, 1, 5)),
        "activities": (3, TODAY),
    }
    events = next(s for s in view.sections if s.kind == "events")
    assert events.items[0].detail == "2 people attended"
    assert events.items[0].url.startswith("/events/")
    assert view.last_contact == TODAY
    assert view.engaged


def test_last_contact_is_the_latest_interaction(busy):
    Activity.objects.filter(members=busy, start_date__year=2026).delete()
    view = member_engagement(busy, today=TODAY)
    assert view.last_contact == dt.date(2026, 5, 20)  # the answer on its request
    assert last_contacts(today=TODAY)[busy.pk] == dt.date(2026, 5, 20)


def test_network_lists_members_not_engaged_by_region(busy):
    other = quiet_member(1)
    activity(other, "2025-06-14", None)  # one day before the window: not engaged
    recent = quiet_member(2)
    activity(recent, "2025-06-15", None)  # the window's first day: engaged
    view = network_engagement(today=TODAY)
    quiet = {m.code: m.last_contact for g in view.regions for m in g.quiet}
    assert busy.code not in quiet
    assert recent.code not in quiet
    assert quiet[other.code] == dt.date(2025, 6, 14)
    assert view.members == Member.objects.count()
    assert view.quiet == len(quiet)
    region = next(g for g in view.regions if g.region.pk == other.country.region_id)
    assert region.members == Member.objects.filter(country__region=region.region).count()


def test_a_member_with_nothing_is_never_contacted(db):
    member = quiet_member()
    view = member_engagement(member, today=TODAY)
    assert view.last_contact is None
    assert not view.engaged
    assert all(s.total == 0 for s in view.sections)
    quiet = {
        m.code: m.last_contact for g in network_engagement(today=TODAY).regions for m in g.quiet
    }
    assert quiet[member.code] is None


@pytest.mark.django_db
def test_who_sees_the_engagement_pages(busy, staff, officer_barcelona, board_member):
    own = make_user("officer_own", ("officer", busy.code))
    page = f"/community/engagement/{busy.code}/"
    network = "/community/engagement/"
    expected = {
        None: (302, 302),
        "staff": (200, 200),
        "own": (200, 403),
        "other_officer": (403, 403),
        "board": (403, 403),
    }
    users = {
        None: None,
        "staff": staff,
        "own": own,
        "other_officer": officer_barcelona,
        "board": board_member,
    }
    for who, (member_status, network_status) in expected.items():
        client = client_for(users[who])
        assert client.get(page).status_code == member_status, who
        assert client.get(network).status_code == network_status, who


@pytest.mark.django_db
def test_member_page_links_to_engagement_only_for_those_allowed(busy, staff, officer_barcelona):
    own = make_user("officer_own", ("officer", busy.code))
    link = f'href="/community/engagement/{busy.code}/"'
    for user, shown in ((None, False), (officer_barcelona, False), (own, True), (staff, True)):
        html = client_for(user).get(f"/members/{busy.code}/").content.decode()
        assert (link in html) is shown


@pytest.mark.django_db
def test_engagement_pages_show_the_rule_and_counts(busy, staff):
    client = client_for(staff)
    html = client.get(f"/community/engagement/{busy.code}/").content.decode()
    assert "Engaged = at least one interaction in the last 12 months" in html
    assert 'data-kind="values">9<' in html
    html = client.get("/community/engagement/").content.decode()
    assert "Engaged = at least one interaction in the last 12 months" in html
    assert f"/community/engagement/{quiet_member(1).code}/" in html


@pytest.mark.django_db
def test_query_counts_do_not_grow_with_the_data(busy, staff, django_assert_num_queries):
    client = client_for(staff)
    member_page = f"/community/engagement/{busy.code}/"
    client.get(member_page)
    client.get("/community/engagement/")
    with django_assert_num_queries(MEMBER_PAGE_QUERIES):
        client.get(member_page)
    with django_assert_num_queries(NETWORK_PAGE_QUERIES):
        client.get("/community/engagement/")
    # More of everything, for this member and others: the same number of queries.
    other = quiet_member(1)
    for m in (busy, other):
        attend(m, dated_event("event", "2026-05-01"), people=3)
        attend(m, dated_event("training", "2026-05-02"), people=2)
        SurveyResponse.objects.create(survey=make_survey(), member=m)
        activity(m, "2026-01-01", "2026-01-02")
        solution(m, submitted="2026-02-01", status=SolutionStatus.SUBMITTED)
    with django_assert_num_queries(MEMBER_PAGE_QUERIES):
        client.get(member_page)
    with django_assert_num_queries(NETWORK_PAGE_QUERIES):
        client.get("/community/engagement/")


MEMBER_PAGE_QUERIES = 12  # + the header's unread notifications
NETWORK_PAGE_QUERIES = 12  # + the header's unread notifications


def test_the_network_chart_has_the_tables_numbers(busy):
    from metroscope.community.charts import network_engagement_chart, network_engagement_rows

    view = network_engagement(today=TODAY)
    rows = network_engagement_rows(view)
    assert len(rows) == 2 * len(view.regions)
    by_region = {(r["category"], r["series"]): r["count"] for r in rows}
    region = next(g for g in view.regions if g.region.pk == busy.country.region_id)
    assert by_region[(region.region.name, "Engaged")] == region.engaged >= 1
    assert by_region[(region.region.name, "Not engaged")] == len(region.quiet)
    assert sum(by_region.values()) == Member.objects.count()
    assert sum(r["count"] for r in rows if r["series"] == "Engaged") == view.engaged
    spec = network_engagement_chart(view)
    assert spec["data"]["values"] == rows
    assert spec["encoding"]["color"]["scale"]["domain"] == ["Engaged", "Not engaged"]
    assert spec["encoding"]["x"]["axis"] == {"format": "d", "tickMinStep": 1}
    assert "description" in spec


@pytest.mark.django_db
def test_the_network_page_draws_the_chart_with_its_table_and_local_scripts(busy, staff):
    import json
    import re

    html = client_for(staff).get("/es/community/engagement/").content.decode()
    found = re.search(
        r'<script id="network-engagement-chart-spec" type="application/json">(.*?)</script>',
        html,
        re.S,
    )
    assert found is not None
    spec = json.loads(found.group(1))
    assert spec["encoding"]["color"]["scale"]["domain"] == ["Con implicación", "Sin implicación"]
    assert 'src="/static/vendor/vega.min.js"' in html
    # the table beside it holds the same numbers, for those who do not see the chart
    for row in spec["data"]["values"]:
        if row["series"] == "Con implicación":
            region = next(
                g for g in network_engagement().regions if g.region.name_es == row["category"]
            )
            assert f'data-engaged="{region.region.code}">{row["count"]}<' in html
