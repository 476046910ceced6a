"""The listening API: the same rules as the pages."""

from __future__ import annotations

import json

import pytest

from metroscope.core import tokens
from metroscope.listening.models import SupportRequest, SurveyResponse
from metroscope.members.models import Member
from tests.conftest import client_for
from tests.listening.conftest import good_answers, make_survey, questions

pytestmark = pytest.mark.django_db


def post(client, url, payload, **extra):
    return client.post(url, json.dumps(payload), content_type="application/json", **extra)


def test_anonymous_gets_401(survey):
    client = client_for(None)
    assert client.get("/api/v1/requests").status_code == 401
    assert client.get("/api/v1/surveys").status_code == 401
    assert post(client, f"/api/v1/surveys/{survey.pk}/answers", {"answers": {}}).status_code == 401


def test_officers_see_only_their_own_requests_and_staff_all(
    officer_barcelona, officer_seoul, staff
):
    made = post(
        client_for(officer_barcelona),
        "/api/v1/requests",
        {"subject": "Budget template", "body": "Do you have one?", "category": "support"},
    )
    assert made.status_code == 201
    body = made.json()
    assert (body["member"], body["status"], body["first_response_hours"]) == (
        "barcelona-city",
        "open",
        None,
    )
    assert [r["subject"] for r in client_for(officer_barcelona).get("/api/v1/requests").json()] == [
        "Budget template"
    ]
    assert client_for(officer_seoul).get("/api/v1/requests").json() == []
    assert len(client_for(staff).get("/api/v1/requests").json()) == 1


def test_an_officer_cannot_ask_for_another_member_and_bad_values_are_named(officer_seoul, staff):
    client = client_for(officer_seoul)
    refused = post(
        client, "/api/v1/requests", {"member": "barcelona-city", "subject": "x", "body": "y"}
    )
    assert refused.status_code == 403
    bad = post(client, "/api/v1/requests", {"subject": "x", "body": "y", "category": "gossip"})
    assert bad.status_code == 400
    assert "gossip" in bad.json()["detail"]
    # staff are officers of no member: they answer requests, they do not ask them
    assert (
        post(client_for(staff), "/api/v1/requests", {"subject": "x", "body": "y"}).status_code
        == 403
    )
    assert not SupportRequest.objects.exists()


def test_a_bearer_token_acts_as_its_user(officer_barcelona):
    _token, plain = tokens.issue(officer_barcelona)
    client = client_for(None)
    response = client.get("/api/v1/requests", HTTP_AUTHORIZATION=f"Bearer {plain}")
    assert response.status_code == 200


def test_open_surveys_in_the_language_asked(survey, officer_barcelona):
    make_survey(open_now=False, title_en="Closed survey")
    listed = client_for(officer_barcelona).get("/api/v1/surveys?lang=es").json()
    assert [s["title"] for s in listed] == ["Prioridades de la red"]
    kinds = [q["kind"] for q in listed[0]["questions"]]
    assert kinds == ["single", "multiple", "scale", "ranking", "number", "text"]
    scale = listed[0]["questions"][2]
    assert (scale["scale_min"], scale["scale_max"]) == (1, 5)
    assert listed[0]["questions"][3]["options"][2]["label"] == "Igualdad de género"
    assert listed[0]["answered_by"] == []


def test_answer_through_the_api_with_the_pages_rules(survey, officer_barcelona, officer_seoul):
    q = questions(survey)
    url = f"/api/v1/surveys/{survey.pk}/answers"
    client = client_for(officer_barcelona)
    bad = {str(k): v for k, v in good_answers(survey).items()}
    bad[str(q["scale"].pk)] = 7
    bad[str(q["ranking"].pk)] = bad[str(q["ranking"].pk)][:2]
    refused = post(client, url, {"answers": bad})
    assert refused.status_code == 422
    assert refused.json()["errors"] == {
        str(q["scale"].pk): ["Choose a whole number from 1 to 5."],
        str(q["ranking"].pk): ["Rank every option exactly once."],
    }
    good = {str(k): v for k, v in good_answers(survey).items()}
    assert post(client, url, {"answers": good}).status_code == 201
    again = post(client, url, {"answers": good})
    assert again.status_code == 409
    assert "already answered" in again.json()["detail"]
    assert (
        post(
            client_for(officer_seoul), url, {"member": "barcelona-city", "answers": good}
        ).status_code
        == 403
    )
    assert SurveyResponse.objects.get().member == Member.objects.get(code="barcelona-city")
    listed = client.get("/api/v1/surveys").json()
    assert listed[0]["answered_by"] == ["barcelona-city"]


def test_a_closed_survey_is_refused(officer_barcelona):
    closed = make_survey(open_now=False)
    response = post(
        client_for(officer_barcelona),
        f"/api/v1/surveys/{closed.pk}/answers",
        {"answers": {str(k): v for k, v in good_answers(closed).items()}},
    )
    assert response.status_code == 400
