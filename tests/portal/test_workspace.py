"""My Metroscope: where people land after signing in (a `next` wins), what an officer sees
(her members' items only) and what the Secretariat sees (its queues with counts and ages)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from metroscope.listening import services as listening
from metroscope.members.models import Member
from metroscope.observatory import services as observatory
from metroscope.observatory.models import Observation
from tests.conftest import PASSWORD, client_for, make_user

pytestmark = pytest.mark.django_db


def enter(user, metro: str, value: float) -> Observation:
    observatory.observation_enter(
        user=user,
        values=[
            observatory.ValueInput(
                metro=metro, indicator="pm10_annual_mean", year=2024, value=value, source="City"
            )
        ],
    )
    return Observation.objects.get(metro__code=metro, indicator__code="pm10_annual_mean", year=2024)


def test_anonymous_visitors_are_sent_to_sign_in():
    response = Client().get("/fr/me/")
    assert response.status_code == 302
    assert response["Location"] == "/fr/accounts/login/?next=/fr/me/"


def test_signing_in_lands_on_my_metroscope_unless_a_next_page_is_given(officer_barcelona):
    client = Client()
    landed = client.post(
        "/accounts/login/", {"username": "officer_barcelona", "password": PASSWORD}
    )
    assert landed["Location"] == "/me/"
    client = Client()
    asked = client.post(
        "/accounts/login/",
        {"username": "officer_barcelona", "password": PASSWORD, "next": "/observatory/enter/"},
    )
    assert asked["Location"] == "/observatory/enter/"


def test_the_home_pages_sign_in_link_leads_to_my_metroscope():
    page = Client().get("/").content.decode()
    assert 'href="/accounts/login/"' in page
    about = Client().get("/about/").content.decode()
    assert 'href="/accounts/login/?next=/about/"' in about


def test_an_officer_sees_only_her_members_values_and_requests(
    staff, officer_barcelona, officer_seoul
):
    barcelona = enter(officer_barcelona, "barcelona", 310.0)
    seoul = enter(officer_seoul, "seoul", 44.0)
    observatory.observation_return(
        user=staff, observation_ids=[barcelona.pk, seoul.pk], comment="Check the unit, please."
    )
    listening.request_create(
        user=officer_seoul,
        member=Member.objects.get(code="seoul"),
        subject="Seoul asks about the award",
        body="When does it open?",
        category="other",
        language="en",
    )
    page = client_for(officer_barcelona).get("/me/").content.decode()
    assert "Check the unit, please." in page
    assert "Barcelona · Annual mean PM10 concentration · 2024" in page
    assert "Seoul · " not in page
    assert "Seoul asks about the award" not in page
    assert (
        "/observatory/enter/?metro=barcelona&amp;indicator=pm10_annual_mean&amp;year=2024" in page
    )
    seoul_page = client_for(officer_seoul).get("/me/").content.decode()
    assert "Seoul asks about the award" in seoul_page
    assert "Barcelona · Annual mean" not in seoul_page


def test_empty_sections_say_what_fills_them_and_link_to_the_form(officer_barcelona):
    page = client_for(officer_barcelona).get("/me/").content.decode()
    assert "None. When the Secretariat returns a value you entered" in page
    assert 'href="/observatory/enter/"' in page
    assert 'href="/listening/requests/new/"' in page
    assert 'href="/exchange/needs/new/"' in page
    assert 'href="/accounts/password/change/"' in page


def test_the_secretariat_sees_its_queues_with_counts_and_the_oldest_age(staff, officer_barcelona):
    obs = enter(officer_barcelona, "barcelona", 31.0)
    Observation.objects.filter(pk=obs.pk).update(
        updated_at=timezone.now() - dt.timedelta(days=3, hours=1)
    )
    page = client_for(staff).get("/me/").content.decode()
    assert "Waiting for the Secretariat" in page
    queue = page.split('href="/observatory/review/#new"', 1)[1].split("</li>", 1)[0]
    assert '<span class="figure">1</span>' in queue
    assert "the oldest waits for 3" in queue
    assert (
        "Waiting for the Secretariat"
        not in client_for(officer_barcelona).get("/me/").content.decode()
    )


def test_a_person_with_no_role_still_has_a_page(db):
    plain = make_user("plain")
    page = client_for(plain).get("/es/me/")
    assert page.status_code == 200
    assert "Observatory values" not in page.content.decode()


def test_the_workspace_reads_in_constant_queries(staff, officer_barcelona):
    def queries(user) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client_for(user).get("/me/").status_code == 200
        return len(captured)

    enter(officer_barcelona, "barcelona", 31.0)
    one = (queries(officer_barcelona), queries(staff))
    for code in ("no2_annual_mean", "pm25_annual_mean", "life_expectancy_at_birth"):
        observatory.observation_enter(
            user=officer_barcelona,
            values=[
                observatory.ValueInput(
                    metro="barcelona", indicator=code, year=2024, value=30.0, source="City"
                )
            ],
        )
    waiting = Observation.objects.filter(metro__code="barcelona", status="provisional")
    observatory.observation_return(
        user=staff, observation_ids=list(waiting.values_list("pk", flat=True)[:2]), comment="?"
    )
    assert (queries(officer_barcelona), queries(staff)) == one
    assert max(one) <= 40
