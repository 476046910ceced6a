"""What operators rely on: /health/ for the load balancer, and log lines that carry the request's
id so one request can be followed across hosts."""

from __future__ import annotations

import io
import json
import logging

import pytest

from metroscope.core import health
from metroscope.core.logs import JsonFormatter
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_health_says_what_it_checked():
    response = client_for(None).get("/health/", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200  # not sent to a French page: it is no page
    assert response["Cache-Control"].startswith("max-age=0")
    body = response.json()
    assert body["ok"] is True
    assert set(body["checks"]) == {"database", "cache", "queue", "disk"}
    assert all(check["ok"] for check in body["checks"].values())
    assert body["checks"]["queue"]["jobs_waiting"] == 0


def test_health_answers_503_with_the_failed_check(monkeypatch):
    def down() -> dict:
        raise ConnectionError("server closed the connection unexpectedly")

    monkeypatch.setattr(health, "_database", down)
    response = client_for(None).get("/health/")
    assert response.status_code == 503
    body = response.json()
    assert body["ok"] is False
    assert body["checks"]["database"] == {
        "ok": False,
        "error": "ConnectionError: server closed the connection unexpectedly",
    }
    assert body["checks"]["cache"]["ok"] is True


@pytest.fixture
def json_lines():
    """What the site logs while the test runs, formatted as in production."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger()
    logger.addHandler(handler)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        logger.removeHandler(handler)


def test_every_log_line_of_a_request_carries_its_id_path_and_user(json_lines, officer_barcelona):
    client = client_for(officer_barcelona)
    response = client.get("/plan/report/")  # an officer may not read the Board report: 403
    assert response.status_code == 403
    request_id = response["X-Request-ID"]
    assert len(request_id) == 32
    (line,) = [line for line in json_lines() if line["logger"] == "django.request"]
    assert line["request_id"] == request_id
    assert line["path"] == "/plan/report/"
    assert line["user"] == officer_barcelona.get_username()
    assert line["level"] == "WARNING"
    assert "Forbidden" in line["message"]


def test_a_session_signed_with_another_key_signs_out_instead_of_failing(
    json_lines, officer_barcelona, settings
):
    """A host with another secret key (or a key rotated): its warning about the session must
    not send the log formatter back into the session (found by `make cluster-check`)."""
    client = client_for(officer_barcelona)
    settings.SECRET_KEY = "another host's secret key, not the one that signed the session"
    response = client.get("/me/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    (line,) = [line for line in json_lines() if line["logger"].endswith("SuspiciousSession")]
    assert line["message"] == "Session data corrupted"
    assert line["path"] == "/me/"
    assert "user" not in line


def test_a_proxys_request_id_is_kept_and_a_strange_one_replaced():
    client = client_for(None)
    assert client.get("/health/", HTTP_X_REQUEST_ID="lb-7f3a.2")["X-Request-ID"] == "lb-7f3a.2"
    replaced = client.get("/health/", HTTP_X_REQUEST_ID='x"\r\nSet-Cookie: a=b')["X-Request-ID"]
    assert replaced.isalnum()
    assert len(replaced) == 32


def test_an_import_writes_one_line_with_its_counts(json_lines, staff, tmp_path):
    from metroscope.observatory.imports import observation_import
    from tests.observatory.test_imports import SOURCE

    path = tmp_path / "values.csv"
    path.write_text(
        f"metro,indicator,year,value,source\nbarcelona,pm25_annual_mean,2031,11.5,{SOURCE}\n"
    )
    result = observation_import(user=staff, path=path)
    (line,) = [line for line in json_lines() if line["logger"] == "metroscope.observatory.imports"]
    assert line["message"] == "import values.csv: 1 rows, 1 created, 0 updated"
    assert line["batch"] == result.batch.pk
    assert line["level"] == "INFO"
