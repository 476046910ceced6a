"""Permission matrix of the experts API against its pages: the directory for signed-in users,
contacts for the Secretariat and members' officers only; one's own profile (opt in with
explicit consent, edit, withdraw) for any signed-in person, refused field by field as the
page refuses it."""

from __future__ import annotations

import json

import pytest

from metroscope.community.models import Expert, ExpertKind
from metroscope.community.services import expert_opt_in
from metroscope.core import tokens
from tests.conftest import PERSONAS, client_for, persona_user

pytestmark = pytest.mark.django_db


def put(client, payload: dict):
    return client.put(
        "/api/v1/community/experts/me", json.dumps(payload), content_type="application/json"
    )


# persona → (API status, page status, sees contacts)
DIRECTORY = {
    "anonymous": (401, 302, None),
    "officer_barcelona": (200, 200, True),
    "officer_seoul": (200, 200, True),
    "board_member": (200, 200, False),
    "staff": (200, 200, True),
    "plain": (200, 200, False),
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_reads_the_directory_and_the_contacts(request, persona):
    expert_opt_in(
        name="Ana", kind=ExpertKind.PARTNER, consent=True, languages=["en"], email="ana@x.org"
    )
    client = client_for(persona_user(request, persona))
    api, page, contacts = DIRECTORY[persona]
    answer = client.get("/api/v1/community/experts")
    assert answer.status_code == api
    html = client.get("/community/experts/")
    assert html.status_code == page
    if contacts is not None:
        assert (answer.json()[0]["email"] == "ana@x.org") is contacts
        assert ("ana@x.org" in html.content.decode()) is contacts


PROFILE = {
    "name": "Koffi Yao",
    "affiliation": "District of Abidjan",
    "themes": ["T-GEN"],
    "topics": ["air quality", "schools"],
    "languages": ["fr", "en"],
    "regions": ["africa"],
    "consent": True,
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_anyone_signed_in_opts_in_edits_and_withdraws_their_own_profile(request, persona):
    user = persona_user(request, persona)
    client = client_for(user)
    if user is None:
        assert client.get("/api/v1/community/experts/me").status_code == 401
        assert put(client, PROFILE).status_code == 401
        assert not Expert.objects.exists()
        return
    assert client.get("/api/v1/community/experts/me").status_code == 404
    made = put(client, PROFILE)
    assert made.status_code == 200, made.content
    body = made.json()
    assert (body["name"], body["listed"], body["themes"], body["regions"]) == (
        "Koffi Yao",
        True,
        ["T-GEN"],
        ["africa"],
    )
    assert body["topics"] == ["air quality", "schools"]
    kind = {"staff": "staff", "officer_barcelona": "official", "officer_seoul": "official"}
    assert body["kind"] == kind.get(persona, "partner")  # as the page decides it
    expert = Expert.objects.get(user=user)
    assert put(client, {**PROFILE, "affiliation": "Abidjan"}).json()["affiliation"] == "Abidjan"
    assert Expert.objects.get(user=user).pk == expert.pk  # the same profile, changed
    gone = client.delete("/api/v1/community/experts/me")
    assert gone.json()["listed"] is False
    assert client_for(user).get("/api/v1/community/experts").json() == []  # hidden at once
    assert expert.history.count() >= 3


def test_the_profile_is_refused_field_by_field_as_on_the_page(staff):
    client = client_for(staff)
    bad = put(
        client,
        {**PROFILE, "consent": False, "languages": [], "themes": ["T-NOPE"], "name": ""},
    )
    assert bad.status_code == 400
    errors = bad.json()["errors"]
    assert errors["consent"] == ["Tick the consent box to be listed as an expert."]
    assert errors["languages"] == ["Choose at least one language you can help in."]
    assert errors["themes"] == ["Unknown codes: T-NOPE"]
    assert errors["name"] == ["This field is required."]
    assert not Expert.objects.exists()
    page = client.post("/community/experts/me/", {"name": "", "languages": []})
    assert page.status_code == 200
    assert "Tick the consent box" in page.content.decode()
    assert not Expert.objects.exists()


def test_a_bearer_token_manages_its_users_profile(officer_seoul):
    _token, plain = tokens.issue(officer_seoul)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {plain}"}
    client = client_for(None)
    made = client.put(
        "/api/v1/community/experts/me",
        json.dumps(PROFILE),
        content_type="application/json",
        **auth,
    )
    assert made.status_code == 200
    assert Expert.objects.get().user == officer_seoul
    assert client.get("/api/v1/community/experts", **auth).json()[0]["name"] == "Koffi Yao"
