"""API tokens: a program writes as its person; tokens are stored hashed and can be revoked."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.test import Client

from metroscope.core import tokens
from metroscope.core.models import ApiToken

pytestmark = pytest.mark.django_db

VALUE = [
    {
        "metro": "barcelona",
        "indicator": "pm25_annual_mean",
        "year": 2025,
        "value": 10.0,
        "source": "ASPB",
    }
]


def post(token: str):
    return Client().post(
        "/api/v1/observations",
        data=json.dumps(VALUE),
        content_type="application/json",
        HTTP_HOST="127.0.0.1",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def test_a_token_writes_as_its_officer_until_revoked(officer_barcelona):
    token, plain = tokens.issue(officer_barcelona, "statistics office upload")
    assert plain.startswith("mts_")
    assert plain not in token.digest
    assert token.prefix == plain[:10]
    response = post(plain)
    assert response.status_code == 200, response.content
    assert ApiToken.objects.get(pk=token.pk).last_used_at is not None
    assert tokens.revoke(token.prefix) == 1
    assert post(plain).status_code == 401


def test_a_token_records_its_last_use_at_most_once_a_minute(
    officer_barcelona, django_assert_num_queries
):
    """Found by `make fuzz`: writing "last used" on every request made every API read a write,
    one more writer waiting for SQLite's lock."""
    from datetime import timedelta

    token, plain = tokens.issue(officer_barcelona)
    assert tokens.token_for(plain) is not None
    first = ApiToken.objects.get(pk=token.pk).last_used_at
    assert first is not None
    with django_assert_num_queries(1):  # the look-up only
        assert tokens.token_for(plain) is not None
    assert ApiToken.objects.get(pk=token.pk).last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(minutes=2))
    with django_assert_num_queries(2):
        tokens.token_for(plain)
    assert ApiToken.objects.get(pk=token.pk).last_used_at > first - timedelta(minutes=2)


def test_sqlite_writers_wait_for_the_lock_instead_of_failing():
    """Found by `make fuzz`: with Python's 5 s, a request failed with "database is locked"
    while another process wrote for longer."""
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite's lock")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        (waits_ms,) = cursor.fetchone()
    assert waits_ms >= 20_000


def test_an_unknown_token_is_refused():
    assert post("mts_not-a-token").status_code == 401


def test_command_prints_the_token_once(officer_barcelona, capsys):
    call_command("api_token", "officer_barcelona", "--name", "test")
    out = capsys.readouterr().out
    plain = next(line for line in out.splitlines() if line.startswith("mts_"))
    assert post(plain).status_code == 200


def test_a_token_stops_working_when_it_expires(officer_barcelona):
    from datetime import timedelta

    from django.utils import timezone

    token, plain = tokens.issue(officer_barcelona, "upload", days=30)
    assert timezone.now() + timedelta(days=29) < token.expires_at
    assert token.expires_at < timezone.now() + timedelta(days=31)
    assert post(plain).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert post(plain).status_code == 401
    with pytest.raises(ValueError, match="30, 90, 365"):
        tokens.issue(officer_barcelona, days=10_000)


def test_a_read_only_token_reads_but_may_not_write(officer_barcelona):
    _token, plain = tokens.issue(officer_barcelona, "dashboard", read_only=True)
    refused = post(plain)
    assert refused.status_code == 403
    assert "read-only" in refused.json()["detail"]
    read = Client().get(
        "/api/v1/awards/submissions", HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {plain}"
    )
    assert read.status_code == 200


def test_a_person_lists_issues_and_revokes_her_own_tokens_on_a_page(
    officer_barcelona, officer_seoul
):
    from tests.conftest import client_for

    client = client_for(officer_barcelona)
    assert Client().get("/accounts/tokens/").status_code == 302
    made = client.post("/accounts/tokens/", {"name": "census loader", "days": "90"})
    assert made.status_code == 200
    token = ApiToken.objects.get(user=officer_barcelona)
    assert token.read_only is False  # the box was left unticked
    page = made.content.decode()
    assert "shown only this once" in page
    plain = page.split('data-testid="new-token"')[1].split("<code>")[1].split("</code>")[0]
    assert tokens.user_for(plain) == officer_barcelona
    assert "census loader" in page
    assert client.get("/accounts/tokens/").content.decode().count(plain) == 0
    other = client_for(officer_seoul)
    assert "census loader" not in other.get("/accounts/tokens/").content.decode()
    assert other.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 404
    assert tokens.user_for(plain) == officer_barcelona
    assert client.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 302
    assert tokens.user_for(plain) is None
    bad = client.post("/accounts/tokens/", {"name": "", "days": "7"})
    assert bad.status_code == 400
    assert ApiToken.objects.filter(user=officer_barcelona).count() == 1
