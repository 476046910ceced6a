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


def test_an_unknown_token_is_refused():
    assert post("mts_not-a-token").status_code == 401


def test_command_prints_the_token_once(officer_barcelona, capsys):
    call_command("api_token", "officer_barcelona", "--name", "test")
    out = capsys.readouterr().out
    plain = next(line for line in out.splitlines() if line.startswith("mts_"))
    assert post(plain).status_code == 200
