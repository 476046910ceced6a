"""The API writes solutions with the rules of the pages: drafts by officers for their own
members, submission by those who work on a solution, review by the Secretariat; 400, 403 and
404 answers say what was wrong."""

from __future__ import annotations

import json

import pytest

from metroscope.core import tokens
from metroscope.exchange.models import Solution, SolutionStatus
from tests.conftest import BARCELONA, SEOUL, client_for

pytestmark = pytest.mark.django_db

BODY = {
    "title": "Bus lanes written by a script",
    "summary": "A solution sent through the API.",
    "collection": "use",
    "city": "Barcelona",
    "country_iso3": "ESP",
    "metro": "Barcelona",
    "themes": ["T-SUS"],
    "sdgs": [11],
    "tags": ["mobility"],
}


def call(method: str, path: str, user=None, payload=None, **headers):
    client = client_for(user)
    if method == "get":
        return client.get(f"/api/v1{path}", HTTP_HOST="127.0.0.1", **headers)
    return getattr(client, method)(
        f"/api/v1{path}",
        data="" if payload is None else json.dumps(payload),  # None: no body at all
        content_type="application/json",
        HTTP_HOST="127.0.0.1",
        **headers,
    )


@pytest.fixture
def created(officer_barcelona) -> dict:
    response = call("post", "/solutions", officer_barcelona, BODY)
    assert response.status_code == 201, response.content
    return response.json()


def test_officer_creates_a_draft(created):
    assert created["status"] == "draft"
    assert created["members"] == [BARCELONA]
    assert created["allowed_actions"] == ["submit"]
    assert [s["action"] for s in created["steps"]] == ["create"]
    solution = Solution.objects.get(slug=created["slug"])
    assert solution.metro is not None
    assert solution.metro.country_iso3 == "ESP"
    assert list(solution.themes.values_list("code", flat=True)) == ["T-SUS"]


def test_anonymous_cannot_write():
    assert call("post", "/solutions", None, BODY).status_code == 401


def test_board_member_is_forbidden(board_member):
    response = call("post", "/solutions", board_member, BODY)
    assert response.status_code == 403
    assert "officers of members" in response.json()["detail"]


def test_officer_cannot_name_another_member(officer_barcelona):
    response = call("post", "/solutions", officer_barcelona, {**BODY, "members": [SEOUL]})
    assert response.status_code == 403
    assert SEOUL in response.json()["detail"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"collection": "nope"}, "collection"),
        ({"themes": ["T-NOPE"]}, "themes"),
        ({"country_iso3": "QQQ"}, "country_iso3"),
        ({"metro": "Nowhere-upon-Nothing"}, "metro"),
        ({"sdgs": [0]}, "sdgs"),
    ],
)
def test_bad_fields_answer_400_by_name(officer_barcelona, change, field):
    response = call("post", "/solutions", officer_barcelona, {**BODY, **change})
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_patch_submit_and_review_with_a_token(created, officer_barcelona, staff):
    slug = created["slug"]
    _, officer_token = tokens.issue(officer_barcelona, "script")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {officer_token}"}
    response = call("patch", f"/solutions/{slug}", None, {"results": "Faster buses."}, **auth)
    assert response.status_code == 200
    assert Solution.objects.get(slug=slug).results == "Faster buses."
    response = call("post", f"/solutions/{slug}/submit", None, {"comment": "Please."}, **auth)
    assert response.json()["status"] == "submitted"

    # once submitted, the author can neither change it nor review it
    again = call("patch", f"/solutions/{slug}", None, {"title": "Late"}, **auth)
    assert again.status_code == 400
    assert "submitted" in again.json()["detail"]
    own = call("post", f"/solutions/{slug}/review", None, {"action": "publish"}, **auth)
    assert own.status_code == 403

    no_comment = call("post", f"/solutions/{slug}/review", staff, {"action": "reject"})
    assert no_comment.status_code == 400
    assert "comment" in no_comment.json()["errors"]
    asked = {"action": "request_changes", "comment": "Add a picture."}
    assert call("post", f"/solutions/{slug}/review", staff, asked).json()["status"] == (
        "changes_requested"
    )
    call("post", f"/solutions/{slug}/submit", None, **auth)
    published = call("post", f"/solutions/{slug}/review", staff, {"action": "publish"}).json()
    assert published["status"] == "published"
    assert [(s["action"], s["actor"]) for s in published["steps"]] == [
        ("create", "officer_barcelona"),
        ("submit", "officer_barcelona"),
        ("request_changes", "staff"),
        ("submit", "officer_barcelona"),
        ("publish", "staff"),
    ]
    assert published["steps"][2]["comment"] == "Add a picture."
    assert call("get", f"/solutions/{slug}").status_code == 200


def test_invalid_transition_answers_400(created, staff):
    response = call("post", f"/solutions/{created['slug']}/review", staff, {"action": "archive"})
    assert response.status_code == 400
    assert (
        "Only a published solution can be archived; this one is draft."
        in (response.json()["detail"])
    )


def test_unknown_action_is_422(created, staff):
    response = call("post", f"/solutions/{created['slug']}/review", staff, {"action": "delete"})
    assert response.status_code == 422


def test_another_members_draft_is_404_and_a_published_one_403(created, officer_seoul, staff):
    slug = created["slug"]
    assert call("patch", f"/solutions/{slug}", officer_seoul, {"title": "x"}).status_code == 404
    assert call("post", f"/solutions/{slug}/submit", officer_seoul).status_code == 404
    Solution.objects.filter(slug=slug).update(status=SolutionStatus.PUBLISHED)
    response = call("patch", f"/solutions/{slug}", officer_seoul, {"title": "x"})
    assert response.status_code == 403
    assert call("patch", "/solutions/no-such-thing", staff, {"title": "x"}).status_code == 404


def test_staff_patch_of_members_and_null_lists(created, staff):
    slug = created["slug"]
    response = call("patch", f"/solutions/{slug}", staff, {"members": [SEOUL], "themes": None})
    assert response.json()["members"] == [SEOUL]
    assert list(Solution.objects.get(slug=slug).themes.values_list("code", flat=True)) == ["T-SUS"]
