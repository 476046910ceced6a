"""What issue 21's review and fuzzer found, kept closed: sign-in throttling, per-client rate
limits, download file names, bounded integer parameters, the Content-Security-Policy and the
deployment checks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from axes.models import AccessAttempt, AccessLog
from django.core.cache import cache

from tests.conftest import PASSWORD, client_for, make_user

pytestmark = pytest.mark.django_db

SRC = Path(__file__).resolve().parents[2] / "src"


@pytest.fixture
def locked_out_settings(settings):
    settings.AXES_FAILURE_LIMIT = 5
    return settings


def _sign_in(client, username: str, password: str, url: str = "/accounts/login/"):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR="10.0.0.7")


# --- sign-in throttling ----------------------------------------------------------------------


def test_twenty_wrong_passwords_lock_the_user_name_and_the_right_one_is_then_refused(
    client, locked_out_settings
):
    make_user("ana")
    answers = [_sign_in(client, "ana", f"wrong-{i}").status_code for i in range(20)]
    assert answers[:4] == [200] * 4  # the form again, with its error
    assert set(answers[4:]) == {429}
    locked = _sign_in(client, "ana", PASSWORD)
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    assert locked["Retry-After"] == str(15 * 60)
    text = locked.content.decode()
    assert "After 5 wrong passwords" in text
    assert "Try again in 15 minutes" in text


def test_the_lock_is_per_address_too(client, locked_out_settings):
    make_user("ana")
    for i in range(5):
        _sign_in(client, f"guess-{i}", "wrong")
    assert _sign_in(client, "ana", PASSWORD).status_code == 429
    elsewhere = client.post(
        "/accounts/login/", {"username": "ana", "password": PASSWORD}, REMOTE_ADDR="10.0.0.8"
    )
    assert elsewhere.status_code == 302  # ana's name had no failure; another address signs in


def test_the_back_office_sign_in_is_throttled_too(client, locked_out_settings):
    make_user("ana")
    for i in range(5):
        _sign_in(client, "ana", f"wrong-{i}", url="/admin/login/")
    assert _sign_in(client, "ana", PASSWORD, url="/admin/login/").status_code == 429


def test_the_message_is_translated(client, locked_out_settings):
    make_user("ana")
    for i in range(5):
        _sign_in(client, "ana", f"wrong-{i}", url="/fr/accounts/login/")
    text = _sign_in(client, "ana", PASSWORD, url="/fr/accounts/login/").content.decode()
    assert "Connexion bloquée" in text


def test_every_attempt_is_kept_and_the_secretariat_unlocks_in_the_back_office(
    client, staff, locked_out_settings
):
    make_user("ana")
    for i in range(5):
        _sign_in(client, "ana", f"wrong-{i}")
    attempt = AccessAttempt.objects.get(username="ana")
    assert attempt.failures_since_start == 5
    office = client_for(staff)
    assert office.get("/admin/axes/accessattempt/").status_code == 200
    got = office.post(
        f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"}, follow=False
    )
    assert got.status_code == 302
    assert _sign_in(client, "ana", PASSWORD).status_code == 302
    assert AccessLog.objects.filter(username="ana").exists()


def test_an_officer_may_not_unlock(client, officer_barcelona, locked_out_settings):
    assert client_for(officer_barcelona).get("/admin/axes/accessattempt/").status_code == 302


# --- rate limits ------------------------------------------------------------------------------


@pytest.fixture
def limits(settings):
    settings.RATELIMIT_ENABLE = True
    settings.METROSCOPE_RATE_LIMITS = {
        "downloads": ("2/m", ("observatory:download",)),
        "expensive": ("3/m", ("api-v1:get_benchmarks", "observatory:compare")),
    }
    cache.clear()
    yield settings
    cache.clear()


def test_downloads_past_the_limit_answer_429_with_retry_after(client, limits):
    url = "/observatory/download/csv/?indicator=PM25"
    assert [client.get(url).status_code for _ in range(2)] == [200, 200]
    refused = client.get(url)
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert "Too many requests" in refused.content.decode()
    other = client.get(url, REMOTE_ADDR="10.9.9.9")
    assert other.status_code == 200  # per client


def test_the_api_answers_429_in_json(client, limits):
    url = "/api/v1/benchmarks?metro=x&indicator=y&year=2020"
    for _ in range(3):
        assert client.get(url).status_code != 429
    refused = client.get(url)
    assert refused.status_code == 429
    assert refused["Content-Type"].startswith("application/json")
    assert "Too many requests" in refused.json()["detail"]
    assert int(refused["Retry-After"]) >= 1


# --- download file names ----------------------------------------------------------------------


def test_a_download_name_comes_from_resolved_codes_not_from_the_query(client):
    evil = "x\"; filename*=UTF-8''report.html; x="
    got = client.get("/observatory/download/csv/", {"indicator": evil, "metro": "paris"})
    disposition = got["Content-Disposition"]
    assert "report.html" not in disposition
    assert disposition.count("filename") == 1
    assert disposition == 'attachment; filename="metroscope-observations-paris.csv"'


def test_a_real_code_is_kept_in_the_name(client):
    from metroscope.observatory.models import Indicator

    code = Indicator.objects.order_by("code").values_list("code", flat=True).first()
    got = client.get("/observatory/download/json/", {"indicator": f"{code},nope"})
    assert (
        got["Content-Disposition"] == f'attachment; filename="metroscope-observations-{code}.json"'
    )


# --- integers out of range --------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/plan/money?year=1152921504606846975",
        "/api/v1/events?year=100000000000000000000000",
        "/api/v1/events?year=-100000000000000000000000",
        "/api/v1/members?offset=100000000000000000000000",
        "/api/v1/activities?year=100000000000000000000000",
        "/api/v1/plan/people?year=100000000000000000000000",
    ],
)
def test_the_api_answers_400_with_what_is_wrong(client, url):
    got = client.get(url)
    assert got.status_code == 400
    body = got.json()
    assert body["detail"]
    assert any(name in body["detail"] for name in ("year", "offset"))


@pytest.mark.parametrize(
    "url",
    [
        "/plan/people/?year=100000000000000000000000",
        "/plan/money/?year=100000000000000000000000",
        "/plan/carbon/?year=-5",
        "/plan/activities/iati.xml?year=99999999999999999999",
        "/observatory/download/csv/?year_from=100000000000000000000000",
    ],
)
def test_pages_answer_400_with_what_is_wrong(client, url):
    got = client.get(url)
    assert got.status_code == 400
    text = got.content.decode()
    assert "must be a whole number from 1900 to 2100" in text


def test_a_year_in_range_still_works(client):
    assert client.get("/plan/money/?year=2022").status_code == 200
    assert client.get("/api/v1/plan/money?year=2022").status_code == 200


# --- Content-Security-Policy ------------------------------------------------------------------


def test_every_page_has_a_policy_that_forbids_inline_scripts_and_framing(client):
    for url in ("/", "/fr/observatory/", "/api/v1/docs", "/accounts/login/"):
        policy = client.get(url)["Content-Security-Policy"]
        assert "script-src 'self'" in policy
        assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
        assert "frame-ancestors 'none'" in policy


def test_chart_embeds_may_be_framed(client):
    from metroscope.observatory.models import Indicator

    code = Indicator.objects.values_list("code", flat=True).first()
    got = client.get(f"/observatory/embed/indicators/{code}/table/")
    assert got.status_code == 200
    assert "frame-ancestors *" in got["Content-Security-Policy"]
    assert "X-Frame-Options" not in got


# --- deployment -------------------------------------------------------------------------------


def test_check_deploy_with_production_settings_prints_no_warning(tmp_path):
    env = {
        **os.environ,
        "PYTHONPATH": str(SRC),
        "DJANGO_SETTINGS_MODULE": "metroscope.settings",
        "METROSCOPE_SECRET_KEY": "k" * 20 + "-production-secret-key-with-enough-variety-0123456789",
        "METROSCOPE_ALLOWED_HOSTS": "metroscope.example.org",
        "METROSCOPE_HTTPS": "1",
        "METROSCOPE_VAR": str(tmp_path),
    }
    env.pop("DATABASE_URL", None)
    done = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_behind_proxies_each_client_is_counted_on_its_own_address(client, limits):
    from django.test import RequestFactory

    from metroscope.core.middleware import client_address

    limits.METROSCOPE_PROXY_COUNT = 1
    spoofed = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9")
    assert client_address(spoofed) == "203.0.113.9"  # what the client claims is ignored
    url = "/observatory/download/csv/?indicator=nope"
    for _ in range(2):
        client.get(url, HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert client.get(url, HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 429
    assert client.get(url, HTTP_X_FORWARDED_FOR="198.51.100.4").status_code == 200
