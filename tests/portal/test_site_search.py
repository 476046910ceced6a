"""The site search in the header: members, metros, indicators, solutions, events and
activities, a few of each, grouped by kind, in the reader's language."""

from __future__ import annotations

import pytest

from metroscope.portal.search import LIMIT, site_search

pytestmark = pytest.mark.django_db


def _kinds(results) -> dict[str, list[str]]:
    return {g.kind: [i.title for i in g.items] for g in results.groups if g.items}


def test_a_name_finds_the_member_the_metro_and_their_solutions():
    kinds = _kinds(site_search("Seoul"))
    assert "Seoul" in kinds["members"]
    assert "Seoul" in kinds["metros"]
    assert kinds["solutions"]


def test_each_kind_is_cut_at_the_limit_but_counts_everything():
    results = site_search("a")
    metros = next(g for g in results.groups if g.kind == "metros")
    assert len(metros.items) == LIMIT
    assert metros.total > LIMIT
    assert metros.more_url == "/observatory/metros/?q=a"


def test_activities_events_and_indicators_are_found():
    kinds = _kinds(site_search("congress"))
    assert any("World Congress" in t for t in kinds["activities"])
    assert kinds.get("indicators") is None
    assert _kinds(site_search("life expectancy"))["indicators"]


def test_an_empty_query_searches_nothing():
    assert site_search("   ").groups == []


def test_the_results_page_groups_by_kind_in_the_readers_language(client):
    html = client.get("/fr/search/", {"q": "seoul"}).content.decode()
    assert '<h2 id="search-members">Membres' in html
    assert 'href="/fr/members/seoul/"' in html
    assert "Corée du Sud" in html
    assert 'value="seoul"' in html  # the header's field keeps the words


def test_every_page_has_the_search_field_in_its_header(client):
    html = client.get("/es/").content.decode()
    assert 'role="search" method="get" action="/es/search/"' in html
    assert '<label for="site-q" class="visually-hidden">Buscar en Metroscope</label>' in html


def test_search_query_count_is_bounded(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(25):
        client.get("/search/", {"q": "barcelona"})
