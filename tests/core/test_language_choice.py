"""Issue 19, item 7: a first visit to an unprefixed (English) page follows the browser's
Accept-Language; once the reader picks a language in the header, her cookie decides."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.utils.cache import has_vary_header

pytestmark = pytest.mark.django_db

FRENCH = "fr-FR,fr;q=0.9,en;q=0.8"
SPANISH = "es-MX,es;q=0.9"
ENGLISH = "en-GB,en;q=0.9,fr;q=0.5"


def varies_with_language_and_cookie(response) -> bool:
    return has_vary_header(response, "Accept-Language") and has_vary_header(response, "Cookie")


@pytest.mark.parametrize(
    ("path", "header", "target"),
    [
        ("/", FRENCH, "/fr/"),
        ("/", "fr", "/fr/"),
        ("/members/seoul/", SPANISH, "/es/members/seoul/"),
        ("/plan/progress/?year=2022", FRENCH, "/fr/plan/progress/?year=2022"),
    ],
)
def test_first_visit_follows_the_browsers_language(path, header, target):
    response = Client().get(path, HTTP_ACCEPT_LANGUAGE=header)
    assert response.status_code == 302
    assert response["Location"] == target
    assert varies_with_language_and_cookie(response)
    page = Client().get(target, HTTP_ACCEPT_LANGUAGE=header)
    assert page.status_code == 200
    assert f'<html lang="{target[1:3]}">' in page.content.decode()


@pytest.mark.parametrize("header", [ENGLISH, "", "de-DE,de;q=0.9", "*"])
def test_english_or_an_unknown_language_stays_on_the_english_page(header):
    response = Client().get("/", HTTP_ACCEPT_LANGUAGE=header)
    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()
    assert varies_with_language_and_cookie(response)  # a cache must not hand it to a French reader


def test_the_cookie_comes_before_the_browsers_language():
    english = Client()
    english.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert english.get("/", HTTP_ACCEPT_LANGUAGE=FRENCH).status_code == 200
    spanish = Client()
    spanish.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    response = spanish.get("/members/", HTTP_ACCEPT_LANGUAGE=FRENCH)
    assert response["Location"] == "/es/members/"


def test_a_prefixed_page_is_never_redirected():
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert client.get("/fr/", HTTP_ACCEPT_LANGUAGE=SPANISH).status_code == 200
    assert Client().get("/es/members/", HTTP_ACCEPT_LANGUAGE=FRENCH).status_code == 200


def test_api_admin_files_forms_and_partials_are_not_redirected(staff):
    client = Client()
    api = client.get("/api/v1/docs", HTTP_ACCEPT_LANGUAGE=FRENCH)
    assert api.status_code == 200
    admin = client.get("/admin/", HTTP_ACCEPT_LANGUAGE=FRENCH)
    assert admin.status_code == 302
    assert admin["Location"].startswith("/admin/login/")
    static = client.get("/static/metroscope/app.css", HTTP_ACCEPT_LANGUAGE=FRENCH)
    assert static.status_code == 200
    assert client.get("/favicon.ico", HTTP_ACCEPT_LANGUAGE=FRENCH).get("Location") != (
        "/fr/favicon.ico"
    )
    post = client.post("/accounts/login/", {"username": "x"}, HTTP_ACCEPT_LANGUAGE=FRENCH)
    assert post.status_code == 200  # the form again, with its errors: not sent elsewhere
    htmx = client.get("/members/", HTTP_ACCEPT_LANGUAGE=FRENCH, HTTP_HX_REQUEST="true")
    assert htmx.status_code == 200
    missing = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE=FRENCH)
    assert missing.status_code == 404  # no French twin to send her to


def test_the_switcher_keeps_the_choice_so_english_is_not_undone():
    client = Client(HTTP_ACCEPT_LANGUAGE=FRENCH)
    assert client.get("/members/")["Location"] == "/fr/members/"
    french = client.get("/fr/members/").content.decode()
    assert 'href="/i18n/choose/en/?next=/fr/members/"' in french
    chosen = client.get("/i18n/choose/en/", {"next": "/fr/members/"})
    assert chosen.status_code == 302
    assert chosen["Location"] == "/members/"
    cookie = chosen.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "en"
    assert cookie["max-age"] == settings.LANGUAGE_COOKIE_AGE
    assert cookie["samesite"] == "Lax"
    assert "no-cache" in chosen["Cache-Control"]
    english = client.get("/members/")  # the French browser, now with the cookie
    assert english.status_code == 200
    assert '<html lang="en">' in english.content.decode()
    assert client.get("/")["Content-Language"] == "en"

    chosen = client.get("/i18n/choose/es/", {"next": "/members/?region=europe"})
    assert chosen["Location"] == "/es/members/?region=europe"
    assert client.get("/")["Location"] == "/es/"


def test_the_switcher_refuses_other_sites_and_unknown_languages():
    client = Client()
    away = client.get("/i18n/choose/fr/", {"next": "https://example.com/fr/"})
    assert away["Location"] == "/fr/"
    assert client.get("/i18n/choose/de/", {"next": "/"}).status_code == 404
