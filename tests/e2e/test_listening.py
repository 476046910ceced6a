"""Journeys of the listening app: an officer answers a survey in Spanish (a mistake first,
then the answers); staff see the response-time dashboard, drawn and accessible."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from metroscope.listening import services
from metroscope.listening.models import SupportRequest, SurveyResponse
from metroscope.members.models import Member
from tests.conftest import BARCELONA, SEOUL, make_user
from tests.e2e.conftest import assert_accessible, sign_in
from tests.listening.conftest import make_survey

pytestmark = pytest.mark.e2e


def test_an_officer_answers_a_survey_in_spanish(page: Page):
    survey = make_survey()
    make_user("officer_barcelona", ("officer", BARCELONA))
    sign_in(page, "officer_barcelona")

    page.goto("/es/listening/surveys/")
    assert_accessible(page)
    page.get_by_role("link", name="Prioridades de la red").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Prioridades de la red")
    expect(page.get_by_text("Díganos qué le importa a su metrópolis.")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Formaciones").check()
    page.get_by_role("radio", name="4", exact=True).check()
    page.get_by_label("Vivienda").select_option("1")
    page.get_by_label("Clima").select_option("1")  # the same rank twice
    page.get_by_label("Igualdad de género").select_option("2")
    submit = page.locator('form.stacked button[type="submit"]')
    submit.click()
    # the required single choice is missing and the ranking repeats a rank: both are named
    alerts = page.locator(".errorlist[role=alert]")
    expect(alerts).to_have_count(2)
    expect(page.get_by_label("Formaciones")).to_be_checked()  # what was given stays
    assert_accessible(page)

    page.get_by_label("Europa").check()
    page.get_by_label("Clima").select_option("3")
    page.get_by_label("Igualdad de género").select_option("2")
    page.get_by_label("¿Algo más?").fill("Más formaciones en español.")
    submit.click()
    expect(page.locator(".messages [role=status]")).to_be_visible()
    assert_accessible(page)
    answer = SurveyResponse.objects.get(survey=survey)
    assert (answer.member.code, answer.language) == (BARCELONA, "es")
    assert page.url.endswith(f"/es/listening/surveys/{survey.pk}/")
    expect(page.locator('form.stacked button[type="submit"]')).to_have_count(0)


def test_staff_see_the_response_time_dashboard(page: Page):
    staff = make_user("staff", ("secretariat", ""))
    now = timezone.now()
    for username, code, answered_after in (
        ("officer_barcelona", BARCELONA, 2),
        ("officer_seoul", SEOUL, 6),
    ):
        officer = make_user(username, ("officer", code))
        made = services.request_create(
            user=officer,
            member=Member.objects.get(code=code),
            subject=f"Question from {code}",
            body="How do we join the training?",
            category="events",
            language="en",
        )
        services.request_reply(user=staff, request=made, body="Here is how.")
        SupportRequest.objects.filter(pk=made.pk).update(
            created_at=now - timedelta(hours=answered_after + 1),
            first_response_at=now - timedelta(hours=1),
        )
    sign_in(page, "staff")
    page.goto("/listening/requests/")
    expect(page.get_by_role("link", name="Question from seoul")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Response times").click()
    chart = page.locator("#response-times")
    expect(chart).to_have_attribute("data-ready", "1")
    expect(chart.locator("svg").first).to_be_visible()
    expect(page.get_by_role("cell", name="4.0").first).to_be_visible()  # median of 2 h and 6 h
    assert_accessible(page)
