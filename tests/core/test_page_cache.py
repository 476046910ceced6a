"""The cache of whole anonymous responses (core.page_cache): what it keeps, for whom, and
what makes a kept page go."""

from __future__ import annotations

import pytest
from django.test import Client

from metroscope.exchange.models import Solution, SolutionStatus
from metroscope.members.models import Member
from metroscope.members.services import member_update
from metroscope.observatory.models import Metro
from tests.conftest import BARCELONA, client_for

pytestmark = pytest.mark.django_db

MEMBER_PAGE = f"/members/{BARCELONA}/"
METRO_PAGE = "/observatory/metros/barcelona/"


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.METROSCOPE_PAGE_CACHE_SECONDS = 60


def test_anonymous_page_is_answered_from_the_cache_the_second_time(
    django_assert_max_num_queries,
):
    client = Client()
    first = client.get("/observatory/")
    assert first.status_code == 200
    assert first["X-Cache"] == "miss"
    # the version's one round trip, nothing else
    with django_assert_max_num_queries(1):
        second = client.get("/observatory/")
    assert second["X-Cache"] == "hit"
    assert second.content == first.content


def test_api_read_is_kept_too():
    client = Client()
    assert client.get("/api/v1/metros/barcelona")["X-Cache"] in {"miss", "hit"}
    assert client.get("/api/v1/metros/barcelona")["X-Cache"] == "hit"


def test_a_write_through_a_service_changes_the_next_anonymous_page(staff):
    client = Client()
    assert b"A new description" not in client.get(MEMBER_PAGE).content
    assert client.get(MEMBER_PAGE)["X-Cache"] == "hit"
    member = Member.objects.get(code=BARCELONA)
    member_update(member=member, actor=staff, data={"description_en": "A new description"})
    after = client.get(MEMBER_PAGE)
    assert after["X-Cache"] == "miss"
    assert b"A new description" in after.content


def test_a_write_without_signals_to_the_metros_changes_the_metro_page():
    """QuerySet.update() sends no signal; the metro table's trigger token (the Observatory's
    data version) is part of the key."""
    client = Client()
    client.get(METRO_PAGE)
    assert client.get(METRO_PAGE)["X-Cache"] == "hit"
    Metro.objects.filter(code="barcelona").update(name="Barcelona Renamed")
    after = client.get(METRO_PAGE)
    assert after["X-Cache"] == "miss"
    assert b"Barcelona Renamed" in after.content


def test_signed_in_user_never_gets_a_kept_page_and_never_fills_it(officer_barcelona):
    anonymous = Client()
    kept = anonymous.get("/observatory/")
    assert kept["X-Cache"] == "miss"
    signed_in = client_for(officer_barcelona)
    theirs = signed_in.get("/observatory/")
    assert "X-Cache" not in theirs
    assert theirs.content != kept.content  # their own header, not the anonymous one

    fresh = client_for(officer_barcelona)
    fresh.get(MEMBER_PAGE)
    assert Client().get(MEMBER_PAGE)["X-Cache"] == "miss"


def test_page_with_a_csrf_token_is_not_kept():
    client = Client()
    first = client.get("/accounts/login/")
    assert first.status_code == 200
    assert "X-Cache" not in first
    assert "X-Cache" not in client.get("/fr/accounts/login/")
    page = Client().get("/about/")  # a page without a form is kept
    assert page["X-Cache"] == "miss"


def test_page_that_uses_the_csrf_token_or_sets_a_cookie_is_not_kept(rf):
    from django.http import HttpResponse
    from django.middleware.csrf import get_token

    from metroscope.core.page_cache import _keepable

    request = rf.get("/anything/")
    response = HttpResponse("<p>x</p>")
    assert _keepable(request, response)
    get_token(request)
    assert not _keepable(request, response)

    request = rf.get("/anything/")
    response = HttpResponse("<p>x</p>")
    response.set_cookie("something", "1")
    assert not _keepable(request, response)

    request = rf.get("/anything/")
    response = HttpResponse("a,b\n", content_type="text/csv")
    assert not _keepable(request, response)


def test_french_and_english_variants_do_not_mix():
    client = Client()
    english = client.get("/observatory/")
    french = client.get("/fr/observatory/")
    assert french["X-Cache"] == "miss"
    assert english.content != french.content
    assert client.get("/fr/observatory/").content == french.content
    assert client.get("/observatory/").content == english.content


def test_french_reader_of_an_english_address_is_still_redirected():
    Client().get("/observatory/")
    answer = Client().get("/observatory/", HTTP_ACCEPT_LANGUAGE="fr")
    assert answer.status_code == 302
    assert answer["Location"] == "/fr/observatory/"


def test_gzip_and_plain_variants_do_not_mix():
    client = Client()
    gzipped = client.get("/observatory/", HTTP_ACCEPT_ENCODING="gzip")
    assert gzipped["Content-Encoding"] == "gzip"
    plain = client.get("/observatory/")
    assert plain["X-Cache"] == "miss"
    assert not plain.has_header("Content-Encoding")
    assert b"<html" in plain.content
    again = client.get("/observatory/", HTTP_ACCEPT_ENCODING="gzip")
    assert again["X-Cache"] == "hit"
    assert again["Content-Encoding"] == "gzip"
    assert client.get("/observatory/")["X-Cache"] == "hit"


def test_zero_seconds_turns_it_off(settings):
    settings.METROSCOPE_PAGE_CACHE_SECONDS = 0
    client = Client()
    client.get("/observatory/")
    assert "X-Cache" not in client.get("/observatory/")


def test_a_page_that_counts_its_readings_is_not_kept():
    """The Exchange counts each reading of a solution; a kept page would stop the count."""
    published = Solution.objects.filter(status=SolutionStatus.PUBLISHED)
    slug = published.values_list("slug", flat=True)[0]
    client = Client()
    client.get(f"/exchange/solutions/{slug}/")
    assert "X-Cache" not in client.get(f"/exchange/solutions/{slug}/")
