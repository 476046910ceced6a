"""Journeys of the listening app: an officer answers a survey in Spanish (a mistake first,
then the answers); staff see the response-time dashboard, drawn and accessible; staff see a
survey's response rates by region, role and language and publish its aggregated results."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from metroscope.listening import invitations, services
from metroscope.listening.models import SupportRequest, SurveyInvitation, SurveyResponse
from metroscope.members.models import Contact, Member
from tests.conftest import BARCELONA, SEOUL, make_user
from tests.e2e.conftest import assert_accessible, sign_in
from tests.listening.conftest import good_answers, make_survey

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


def _rates(page: Page, heading: str):
    """The rows of the rate table under a heading, as (group, audience, answered, rate)."""
    table = page.locator(
        f"h2:text-is('{heading}') + p.muted + .table-box > table, "
        f"h2:text-is('{heading}') + .table-box > table"
    )
    rows = table.first.locator("tbody tr")
    found = [
        tuple(" ".join(c.split()) for c in rows.nth(i).locator("th, td").all_inner_texts())
        for i in range(rows.count())
    ]
    assert all(rate == "—" for _g, audience, _a, rate in found if audience == "0")
    return [row for row in found if row[1] != "0"]  # groups with nobody in the audience out


def test_staff_see_the_response_rate_dashboard_and_publish(page: Page):
    """A per-contact survey: four contacts invited, three answered (hand-counted below)."""
    make_user("staff", ("secretariat", ""))
    survey = make_survey()
    survey.audience = "contact"
    survey.save()
    people = [  # (member, e-mail, role, language, answers)
        (BARCELONA, "ana@example.org", "technical", "es", True),
        (BARCELONA, "jo@example.org", "manager", "en", True),
        (SEOUL, "min@example.org", "technical", "fr", True),
        (SEOUL, "kim@example.org", "technical", "en", False),
    ]
    for code, email, role, language, _answers in people:
        Contact.objects.create(
            member=Member.objects.get(code=code), given_name=email.split("@")[0],
            family_name="Test", role_category=role, email=email, language=language,
        )  # fmt: skip
    invitations.invitations_update(survey=survey)
    for _code, email, _role, language, answers in people:
        if answers:
            services.survey_answer_invited(
                invitation=SurveyInvitation.objects.get(survey=survey, email=email),
                raw=good_answers(survey),
                language=language,
            )

    sign_in(page, "staff")
    page.goto(f"/listening/surveys/{survey.pk}/results/")
    expect(page.get_by_role("heading", name="Response rate by region")).to_be_visible()
    # Europe: Ana and Jo of 2; Asia: Min of 2 (Kim has not answered); all: 3 of 4
    assert _rates(page, "Response rate by region") == [
        ("Asia", "2", "1", "50 %"),
        ("Europe", "2", "2", "100 %"),
        ("All regions", "4", "3", "75 %"),
    ]
    assert _rates(page, "Response rate by role") == [
        ("City manager or senior manager", "1", "1", "100 %"),
        ("Technical officer", "3", "2", "67 %"),
        ("All roles", "4", "3", "75 %"),
    ]
    assert _rates(page, "Response rate by language") == [
        ("English", "2", "1", "50 %"),
        ("French", "1", "1", "100 %"),
        ("Spanish", "1", "1", "100 %"),
        ("All languages", "4", "3", "75 %"),
    ]
    assert_accessible(page)

    page.get_by_role("button", name="Publish the aggregated results").click()
    expect(page.locator(".messages [role=status]")).to_contain_text("public now")
    expect(page.get_by_role("button", name="Withdraw the public results")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="See the public page").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Priorities of the network")
    expect(page.get_by_role("note")).to_contain_text("fewer than 3")
    # three answered: the answers are shown, counts of 1 or 2 are not
    expect(page.get_by_text("3 answers").first).to_be_visible()
    assert "Ana" not in page.content()  # nobody's name or answer, only counts
    assert_accessible(page)
