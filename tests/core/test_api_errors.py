"""The API's one error shape (issue 21, item 2): every operation documents the errors it may
answer, every integer or date parameter its bounds, and each status really answers the shape
the schema documents for it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import jsonschema
import pytest
from django.core.cache import cache
from django.test import Client

from metroscope.api import api
from metroscope.core import tokens
from metroscope.core.api_errors import implied_errors
from tests.conftest import BARCELONA, client_for, make_user
from tests.events.conftest import make_event

pytestmark = pytest.mark.django_db

HOST = {"HTTP_HOST": "127.0.0.1"}


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    # as served: JSON keys are strings
    return json.loads(json.dumps(api.get_openapi_schema()))


def operations(schema: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield method.upper(), path, operation


def inline(node: Any, components: dict[str, Any]) -> Any:
    """The schema with every $ref replaced by what it names (the error shapes are not recursive)."""
    if isinstance(node, dict):
        if "$ref" in node:
            return inline(components[node["$ref"].rsplit("/", 1)[-1]], components)
        return {k: inline(v, components) for k, v in node.items()}
    if isinstance(node, list):
        return [inline(v, components) for v in node]
    return node


def documented(schema: dict[str, Any], method: str, path: str, status: int) -> dict[str, Any]:
    response = schema["paths"][path][method.lower()]["responses"][str(status)]
    body = response["content"]["application/json"]["schema"]
    return inline(body, schema["components"]["schemas"])


def assert_answers_as_documented(
    schema: dict[str, Any], response: Any, method: str, path: str, status: int
) -> dict[str, Any]:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    jsonschema.validate(body, documented(schema, method, path, status))
    assert isinstance(body["detail"], str)
    assert body["detail"]
    return body


# --- the schema ---------------------------------------------------------------------------------


def test_the_schema_has_every_operation(schema):
    assert len(list(operations(schema))) >= 80


def test_every_operation_documents_the_errors_it_may_answer(schema):
    missing = []
    for method, path, operation in operations(schema):
        declared = {int(status) for status in operation["responses"]}
        lacking = implied_errors(operation, rate_limited=False) - declared
        if lacking:
            missing.append(f"{method} {path}: {sorted(lacking)}")
        takes_input = operation.get("parameters") or operation.get("requestBody")
        if takes_input and not any(status >= 400 for status in declared):
            missing.append(f"{method} {path}: no error documented")
    assert not missing, "\n".join(missing)


def test_every_documented_error_is_an_api_error_or_a_superset_of_it(schema):
    components = schema["components"]["schemas"]
    shape = components["ApiError"]
    assert shape["required"] == ["detail", "errors"]
    wrong = []
    for method, path, operation in operations(schema):
        for status, response in operation["responses"].items():
            if int(status) < 400:
                continue
            body = inline(
                response.get("content", {}).get("application/json", {}).get("schema", {}),
                components,
            )
            properties = body.get("properties", {})
            if not (
                {"detail", "errors"} <= set(body.get("required", []))
                and properties.get("detail", {}).get("type") == "string"
                and properties.get("errors", {}).get("additionalProperties")
                == shape["properties"]["errors"]["additionalProperties"]
            ):
                wrong.append(f"{method} {path} {status}")
    assert not wrong, "\n".join(wrong)


def _bounded(node: dict[str, Any]) -> bool:
    """An integer with a minimum and a maximum; a date with its first and last day."""
    choices = node.get("anyOf") or node.get("oneOf")
    if choices:
        return all(_bounded(c) for c in choices)
    if node.get("type") == "array":
        return _bounded(node.get("items", {}))
    if node.get("type") in ("integer", "number"):
        return "minimum" in node and "maximum" in node
    if node.get("format") in ("date", "date-time"):
        return "formatMinimum" in node and "formatMaximum" in node
    return True


def test_every_integer_and_date_parameter_has_bounds(schema):
    unbounded = [
        f"{method} {path} {p['name']}: {p['schema']}"
        for method, path, operation in operations(schema)
        for p in operation.get("parameters", [])
        if not _bounded(p["schema"])
    ]
    assert not unbounded, "\n".join(unbounded)


def test_the_bounds_check_catches_an_unbounded_integer():
    assert not _bounded({"type": "integer"})
    assert not _bounded({"anyOf": [{"type": "integer", "minimum": 1}, {"type": "null"}]})
    assert not _bounded({"type": "string", "format": "date"})
    assert _bounded({"type": "integer", "minimum": 1, "maximum": 9})


def test_rate_limited_operations_document_429_with_retry_after(schema):
    limited = schema["paths"]["/api/v1/benchmarks"]["get"]["responses"]["429"]
    assert "Retry-After" in limited["headers"]
    assert "429" not in schema["paths"]["/api/v1/members"]["get"]["responses"]


# --- each status answers its documented shape ---------------------------------------------------


def test_400_a_parameter_out_of_its_bounds(schema, client):
    got = client.get("/api/v1/members?offset=100000000000000000000000")
    body = assert_answers_as_documented(schema, got, "GET", "/api/v1/members", 400)
    assert list(body["errors"]) == ["offset"]
    assert "offset" in body["detail"]


def test_400_an_id_out_of_its_bounds(schema, client):
    got = client.get("/api/v1/events/9223372036854775808")
    body = assert_answers_as_documented(schema, got, "GET", "/api/v1/events/{event_id}", 400)
    assert list(body["errors"]) == ["event_id"]


def test_400_a_body_that_cannot_be_read(schema, officer_barcelona):
    _token, plain = tokens.issue(officer_barcelona)
    got = Client().post(
        "/api/v1/needs",
        "{not json",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {plain}",
        **HOST,
    )
    body = assert_answers_as_documented(schema, got, "POST", "/api/v1/needs", 400)
    assert body["errors"] == {}
    assert "send JSON" in body["detail"]


def test_400_a_multipart_body_without_its_boundary(schema, officer_barcelona):
    """Found by the fuzzer: the upload's parser error reached Django (a logged traceback and
    a generic answer) instead of saying what is wrong."""
    _token, plain = tokens.issue(officer_barcelona)
    path = "/api/v1/solutions/{slug}/attachments"
    got = Client().post(
        path.format(slug="estidama-program"),
        b"--x\r\n",
        content_type="multipart/form-data",
        HTTP_AUTHORIZATION=f"Bearer {plain}",
    )
    body = assert_answers_as_documented(schema, got, "POST", path, 400)
    assert "multipart/form-data body cannot be read" in body["detail"]


def test_401_signed_out(schema, client):
    got = client.get("/api/v1/needs")
    body = assert_answers_as_documented(schema, got, "GET", "/api/v1/needs", 401)
    assert "Bearer" in body["detail"]
    assert got["WWW-Authenticate"].startswith("Bearer")


def test_403_a_session_without_its_csrf_token(schema, officer_barcelona):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(officer_barcelona)
    got = browser.post(
        "/api/v1/needs", {"member": BARCELONA, "title": "x"}, content_type="application/json"
    )
    body = assert_answers_as_documented(schema, got, "POST", "/api/v1/needs", 403)
    assert "CSRF" in body["detail"]
    assert "X-CSRFToken" in body["detail"]


def test_403_a_read_only_token(schema, officer_barcelona):
    _token, plain = tokens.issue(officer_barcelona, read_only=True)
    got = Client().post(
        "/api/v1/needs", {}, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {plain}"
    )
    assert_answers_as_documented(schema, got, "POST", "/api/v1/needs", 403)


def test_404_an_unknown_id(schema, client):
    got = client.get("/api/v1/events/999999")
    assert_answers_as_documented(schema, got, "GET", "/api/v1/events/{event_id}", 404)
    got = client.get("/api/v1/members/no-such-member")
    assert_answers_as_documented(schema, got, "GET", "/api/v1/members/{code}", 404)


def test_404_an_unknown_address_under_the_api(client):
    got = client.get("/api/v1/no-such-thing?lang=fr")
    assert got.status_code == 404
    body = got.json()
    assert body["errors"] == {}
    assert body["detail"] == "Il n'y a rien à /api/v1/no-such-thing dans l'API."
    assert client.get("/api/v1/members/").json()["errors"] == {}  # a stray slash too


def test_405_a_method_the_address_does_not_take(client):
    got = client.delete("/api/v1/members")
    assert got.status_code == 405
    assert got["Content-Type"].startswith("application/json")
    assert got.json() == {"detail": "DELETE is not allowed at /api/v1/members.", "errors": {}}
    assert got["Allow"] == "GET"


def test_409_a_second_registration(schema):
    event = make_event()
    client = client_for(make_user("ana"))
    url = f"/api/v1/events/{event.pk}/registrations"
    assert client.post(url, {"language": "en"}, content_type="application/json").status_code == 201
    again = client.post(url, {"language": "en"}, content_type="application/json")
    assert_answers_as_documented(
        schema, again, "POST", "/api/v1/events/{event_id}/registrations", 409
    )


def test_413_a_body_past_the_upload_limit(schema, settings, officer_barcelona):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    _token, plain = tokens.issue(officer_barcelona)
    got = Client().post(
        "/api/v1/needs",
        {"member": BARCELONA, "title": "x" * 2000},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {plain}",
    )
    body = assert_answers_as_documented(schema, got, "POST", "/api/v1/needs", 413)
    assert "1000" in body["detail"]


def test_422_a_body_that_does_not_follow_its_schema(schema, officer_barcelona):
    _token, plain = tokens.issue(officer_barcelona)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {plain}"}
    got = Client().post(
        "/api/v1/observations",
        [{"metro": "barcelona", "year": "soon"}],
        content_type="application/json",
        **auth,
    )
    body = assert_answers_as_documented(schema, got, "POST", "/api/v1/observations", 422)
    assert {"0.year", "0.indicator", "0.value", "0.source"} <= set(body["errors"])
    got = Client().post(
        "/api/v1/surveys/1/answers", {"answers": "all"}, content_type="application/json", **auth
    )
    body = assert_answers_as_documented(
        schema, got, "POST", "/api/v1/surveys/{survey_id}/answers", 422
    )
    assert list(body["errors"]) == ["answers"]


def test_429_past_the_rate_limit(schema, client, settings):
    settings.RATELIMIT_ENABLE = True
    settings.METROSCOPE_RATE_LIMITS = {"expensive": ("2/m", ("api-v1:get_benchmarks",))}
    cache.clear()
    url = "/api/v1/benchmarks?indicator=nope&year=2020"
    assert [client.get(url).status_code for _ in range(2)] == [404, 404]
    got = client.get(url)
    assert_answers_as_documented(schema, got, "GET", "/api/v1/benchmarks", 429)
    assert int(got["Retry-After"]) >= 1
    cache.clear()


def test_a_server_error_answers_the_same_shape(monkeypatch):
    from metroscope.members import api as members_api

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(members_api, "get_object_or_404", broken)
    got = Client(raise_request_exception=False).get("/api/v1/members/barcelona-city")
    assert got.status_code == 500
    assert got.json()["errors"] == {}
    assert "boom" not in got.json()["detail"]


def test_the_api_docs_show_the_shape_with_one_example_per_status():
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs" / "api.md").read_text(encoding="utf-8")
    rows = {
        line.split("|")[1].strip(): line for line in text.splitlines() if line.startswith("| `")
    }
    for status in (400, 401, 403, 404, 405, 409, 413, 422, 429):
        row = rows.get(f"`{status}`")
        assert row is not None, f"no example of {status} in docs/api.md"
        assert '"detail": ' in row
        assert '"errors": ' in row


# --- ids past the database's integers ---------------------------------------------------------

HUGE = 2**64  # past any database's integer: an id no record can have

RISK = {"title": "t", "category": "financial", "likelihood": 2, "impact": 2, "owner": "o"}
PERSON = {"gender": "female", "role_category": "political"}


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/v1/observations/proposals/decide", {"ids": [HUGE], "decision": "reject"}, "ids.0"),
        ("/api/v1/observations/review", {"ids": [1, HUGE], "status": "validated"}, "ids.1"),
        ("/api/v1/plan/risks", {**RISK, "activity_ids": [HUGE]}, "activity_ids.0"),
        ("/api/v1/plan/panels", {"activity_id": HUGE, "title": "Panel"}, "activity_id"),
        ("/api/v1/plan/participants", {**PERSON, "activity_id": HUGE}, "activity_id"),
        ("/api/v1/plan/speakers", {**PERSON, "activity_id": 1, "panel_id": HUGE}, "panel_id"),
        (
            "/api/v1/plan/participant-counts",
            {**PERSON, "activity_id": 1, "count": HUGE},
            "count",
        ),
        ("/api/v1/awards/scores", {"submission": HUGE, "scores": {}}, "submission"),
        ("/api/v1/awards/scores", {"submission": 1, "scores": {str(HUGE): 5}}, "scores"),
        (
            "/api/v1/awards/submissions",
            {"edition": HUGE, "member": BARCELONA, "title": "t"},
            "edition",
        ),
    ],
)
def test_a_number_past_the_database_in_a_body_is_refused_by_its_schema(
    schema, staff, path, body, field
):
    """Found by the fuzzer: `ids: [2**64]` reached the database (`pk__in`) and answered 500."""
    _token, plain = tokens.issue(staff)
    got = Client(raise_request_exception=False).post(
        path, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {plain}"
    )
    answer = assert_answers_as_documented(schema, got, "POST", path, 422)
    assert any(name.startswith(field) for name in answer["errors"]), answer


def test_a_contact_past_the_database_is_refused_by_its_schema(schema):
    event = make_event()
    path = "/api/v1/events/{event_id}/registrations"
    got = client_for(make_user("ana")).post(
        path.format(event_id=event.pk),
        {"language": "en", "contact": HUGE},
        content_type="application/json",
    )
    answer = assert_answers_as_documented(schema, got, "POST", path, 422)
    assert list(answer["errors"]) == ["contact"]
