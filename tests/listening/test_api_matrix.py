"""Permission matrix of the listening API against its pages: requests (an officer reads and
follows up their own member's; the Secretariat all, and only it assigns and closes) and
surveys (an officer answers for their own member). For each persona and action, the API and
the page allow or refuse alike, and a refusal writes nothing."""

from __future__ import annotations

import json

import pytest

from metroscope.listening import services
from metroscope.listening.models import RequestMessage, SupportRequest, SurveyResponse
from metroscope.members.models import Member
from tests.conftest import BARCELONA, PERSONAS, client_for, persona_user
from tests.listening.conftest import good_answers, make_survey

pytestmark = pytest.mark.django_db


def post(client, url: str, payload: dict | None = None):
    return client.post(url, json.dumps(payload or {}), content_type="application/json")


@pytest.fixture
def asked(officer_barcelona) -> SupportRequest:
    return services.request_create(
        user=officer_barcelona,
        member=Member.objects.get(code=BARCELONA),
        subject="Budget template",
        body="Do you have one?",
        category="support",
        language="en",
    )


# persona → (API status, page status) for reading one request of Barcelona's
READ = {
    "anonymous": (401, 302),
    "officer_barcelona": (200, 200),
    "officer_seoul": (404, 404),
    "board_member": (404, 404),
    "staff": (200, 200),
    "plain": (404, 404),
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_reads_a_request_and_its_thread(request, asked, persona):
    client = client_for(persona_user(request, persona))
    api, page = READ[persona]
    answer = client.get(f"/api/v1/requests/{asked.pk}")
    assert answer.status_code == api
    assert client.get(f"/listening/requests/{asked.pk}/").status_code == page
    listed = client.get("/api/v1/requests")
    if api == 200:
        assert answer.json()["messages"] == []
        assert [r["id"] for r in listed.json()] == [asked.pk]
    elif persona != "anonymous":
        assert listed.json() == []  # the list shows nothing of others either


# persona → whether they may write on Barcelona's request (staff answer, its officers follow up)
WRITE = {
    "anonymous": False,
    "officer_barcelona": True,
    "officer_seoul": False,
    "board_member": False,
    "staff": True,
    "plain": False,
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_writes_on_a_request(request, asked, persona):
    user = persona_user(request, persona)
    client = client_for(user)
    api = post(client, f"/api/v1/requests/{asked.pk}/messages", {"body": "Through the API"})
    page = client.post(f"/listening/requests/{asked.pk}/reply/", {"body": "Through the page"})
    allowed = WRITE[persona]
    assert (api.status_code == 201) is allowed, api.content
    assert (page.status_code == 302 and persona != "anonymous") is allowed
    written = list(RequestMessage.objects.filter(request=asked).values_list("body", flat=True))
    assert written == (["Through the API", "Through the page"] if allowed else [])
    if persona == "staff":
        asked.refresh_from_db()
        assert (asked.status, asked.assigned_to) == ("answered", user)
        assert api.json()["from_secretariat"] is True


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_staff_assign_and_close(request, asked, persona, staff):
    user = staff if persona == "staff" else persona_user(request, persona)
    client = client_for(user)
    allowed = persona == "staff"
    assign = post(client, f"/api/v1/requests/{asked.pk}/assign", {"assignee": staff.username})
    close = post(client, f"/api/v1/requests/{asked.pk}/close")
    assert (assign.status_code == 200) is allowed
    assert (close.status_code == 200) is allowed
    page = client.post(f"/listening/requests/{asked.pk}/close/")
    assert (page.status_code == 302 and persona != "anonymous") is allowed
    asked.refresh_from_db()
    assert (asked.status == "closed") is allowed
    assert (asked.assigned_to_id == staff.pk) is allowed
    if allowed:
        assert close.json()["resolution_hours"] is not None
        # a request is assigned to the Secretariat's staff only
        officer = request.getfixturevalue("officer_barcelona")
        refused = post(
            client, f"/api/v1/requests/{asked.pk}/assign", {"assignee": officer.username}
        )
        assert refused.status_code == 400
        # a closed request takes no more messages, through the API as on the page
        assert (
            post(client, f"/api/v1/requests/{asked.pk}/messages", {"body": "late"}).status_code
            == 400
        )


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("anonymous", 401),
        ("officer_barcelona", 201),
        ("officer_seoul", 403),
        ("board_member", 403),
        ("staff", 403),
        ("plain", 403),
    ],
)
def test_who_asks_for_barcelona(request, persona, status):
    client = client_for(persona_user(request, persona))
    answer = post(client, "/api/v1/requests", {"member": BARCELONA, "subject": "x", "body": "y"})
    assert answer.status_code == status
    assert SupportRequest.objects.exists() is (status == 201)


# persona → (sees the open survey in the API, answers it for their own member: API status)
SURVEYS = {
    "anonymous": (None, 401),
    "officer_barcelona": (True, 201),
    "officer_seoul": (True, 201),
    "board_member": (False, 403),
    "staff": (True, 403),  # staff read the results; they answer for no member
    "plain": (False, 403),
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_sees_and_answers_a_survey(request, persona):
    survey = make_survey()
    client = client_for(persona_user(request, persona))
    sees, status = SURVEYS[persona]
    listed = client.get("/api/v1/surveys")
    if sees is None:
        assert listed.status_code == 401
    else:
        assert (survey.pk in {s["id"] for s in listed.json()}) is sees
        page = client.get("/listening/surveys/")
        assert (page.status_code == 200) is sees
    raw = {str(k): v for k, v in good_answers(survey).items()}
    answer = post(client, f"/api/v1/surveys/{survey.pk}/answers", {"answers": raw})
    assert answer.status_code == status
    assert SurveyResponse.objects.filter(survey=survey).exists() is (status == 201)
    if status == 201:  # their own member's answer, never another's
        code = "seoul" if persona == "officer_seoul" else BARCELONA
        assert SurveyResponse.objects.get(survey=survey).member.code == code
        other = BARCELONA if code == "seoul" else "seoul"
        again = post(
            client, f"/api/v1/surveys/{survey.pk}/answers", {"member": other, "answers": raw}
        )
        assert again.status_code == 403
