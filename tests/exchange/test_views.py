"""The exchange's public pages: home, collection mini-sites and solution pages."""

from __future__ import annotations

import json
import re

import pytest

from metroscope.core import page_cache
from metroscope.exchange import selectors
from metroscope.exchange.models import Collection, Solution, SolutionStatus, SolutionTranslation
from metroscope.plan.models import Theme
from tests.conftest import client_for
from tests.exchange.conftest import SEOUL_SLUG, make_solution

pytestmark = pytest.mark.django_db


def get(path: str, user=None):
    return client_for(user).get(path, HTTP_HOST="127.0.0.1")


def chart_spec(page: str, spec_id: str) -> dict:
    found = re.search(rf'<script id="{spec_id}" type="application/json">(.*?)</script>', page, re.S)
    assert found, spec_id
    return json.loads(found.group(1))


def test_home_counts_lists_themes_collections_and_map():
    page = get("/exchange/").content.decode()
    assert "Urban solutions exchange" in page
    assert '<span class="figure">53</span> published solutions' in page
    assert '<span class="figure">48</span> cities' in page
    for row in selectors.theme_counts():
        if row.solutions:
            assert f'href="/exchange/search/?theme={row.theme.code}"' in page
    guangzhou = Collection.objects.get(code="guangzhou-award")
    assert f'href="/exchange/collections/{guangzhou.code}/"' in page
    assert '<td class="num">23</td>' in page
    spec = chart_spec(page, "exchange-map-spec")
    points = spec["layer"][1]["data"]["values"]
    placed, unplaced = selectors.located(selectors.published())
    assert len(points) == len(placed) == 53 - unplaced
    assert all(p["url"].startswith("/exchange/solutions/") for p in points)
    assert spec["layer"][0]["data"]["url"] == "/static/geo/countries-110m.json"


def test_theme_counters_match_the_solutions_tagged():
    page = get("/exchange/").content.decode()
    for theme in Theme.objects.all():
        count = Solution.objects.filter(status=SolutionStatus.PUBLISHED, themes=theme).count()
        if count:
            row = re.search(rf"theme={theme.code}\">[^<]+</a></td><td class=\"num\">(\d+)<", page)
            assert row is not None, theme.code
            assert int(row.group(1)) == count, theme.code


def test_home_lists_most_viewed_once_solutions_are_viewed():
    assert "No view counted yet." in get("/exchange/").content.decode()
    Solution.objects.filter(slug=SEOUL_SLUG).update(views=7)
    # The count is written with update(), which no signal announces: a kept anonymous home
    # shows it once its entry ends (METROSCOPE_PAGE_CACHE_SECONDS); here, at once.
    page_cache.clear()
    page = get("/exchange/").content.decode()
    viewed = page[page.index('id="viewed-title"') :]
    assert "The Sharing City, Seoul" in viewed[: viewed.index("</section>")]
    assert "7 views" in viewed


def test_home_links_to_the_feeds_in_its_head():
    page = get("/exchange/").content.decode()
    head = page[: page.index("</head>")]
    assert '<link rel="alternate" type="application/rss+xml"' in head
    assert 'href="/exchange/feed/atom/"' in head


def test_main_navigation_links_to_the_exchange():
    page = get("/exchange/").content.decode()
    assert '<a href="/exchange/" aria-current="page">Exchange</a>' in page
    assert '<a href="/fr/exchange/"' in get("/fr/").content.decode()


def test_collection_page_has_counters_search_box_map_list_and_feeds():
    page = get("/exchange/collections/guangzhou-award/").content.decode()
    assert "<h1>Guangzhou Award</h1>" in page
    assert '<span class="figure">23</span> initiatives' in page
    assert '<input type="hidden" name="collection" value="guangzhou-award">' in page
    assert 'action="/exchange/search/"' in page
    assert page.count('class="title" href="/exchange/solutions/') == 20  # the first page
    assert "Page 1 of 2" in page
    assert 'href="/exchange/collections/guangzhou-award/feed/rss/"' in page
    spec = chart_spec(page, "exchange-map-spec")
    assert {p["group"] for p in spec["layer"][1]["data"]["values"]} == {"Guangzhou Award"}
    second = get("/exchange/collections/guangzhou-award/?page=2").content.decode()
    assert second.count('class="title" href="/exchange/solutions/') == 3


def test_collection_counters_agree_in_number_in_three_languages():
    # Cities for Global Health has one initiative, in one city of one country.
    page = get("/exchange/collections/cities-for-global-health/").content.decode()
    assert '<span class="figure">1</span> initiative</li>' in page
    assert '<span class="figure">1</span> city</li>' in page
    assert '<span class="figure">1</span> country</li>' in page
    french = get("/fr/exchange/collections/cities-for-global-health/").content.decode()
    assert '<span class="figure">1</span> initiative</li>' in french
    assert '<span class="figure">1</span> ville</li>' in french
    spanish = get("/es/exchange/collections/cities-for-global-health/").content.decode()
    assert '<span class="figure">1</span> iniciativa</li>' in spanish
    assert '<span class="figure">1</span> país</li>' in spanish
    plural = get("/es/exchange/collections/guangzhou-award/").content.decode()
    assert '<span class="figure">23</span> iniciativas</li>' in plural


def test_collection_page_speaks_french():
    page = get("/fr/exchange/collections/guangzhou-award/").content.decode()
    assert "<h1>Prix de Guangzhou</h1>" in page
    assert "coparrainé par CGLU" in page


def test_unknown_collection_is_404():
    assert get("/exchange/collections/nope/").status_code == 404


def test_solution_page_shows_the_solution_with_its_links():
    page = get(f"/exchange/solutions/{SEOUL_SLUG}/").content.decode()
    assert '<h1 lang="en">The Sharing City, Seoul</h1>' in page
    assert "Seoul declared itself a Sharing City in 2012" in page
    assert "Honourable mention, Metropolis Award 2014" in page
    assert 'href="/observatory/metros/seoul/"' in page
    assert 'href="/members/seoul/"' in page
    assert 'href="/exchange/collections/use/"' in page
    assert "<dd>2012</dd>" in page
    assert 'href="/exchange/search/?theme=T-SUS"' in page
    assert 'href="/exchange/search/?challenge=C-DIGIT"' in page
    assert '<a class="badge" href="/exchange/search/?sdg=11">SDG 11: Sustainable cities and' in page
    assert 'href="https://use.metropolis.org/case-studies/the-sharing-city-seoul-project"' in page
    assert "South Korea (KOR)" in page  # CLDR's name, as on every page
    assert 'type="application/rss+xml"' in page[: page.index("</head>")]


def test_solution_without_metro_links_no_observatory_profile():
    solution = Solution.objects.filter(metro__isnull=True).first()
    assert solution is not None
    page = get(f"/exchange/solutions/{solution.slug}/").content.decode()
    assert "Observatory profile" not in page


def test_synthetic_solution_is_labelled():
    make_solution(slug="made-up", synthetic=True)
    page = get("/exchange/solutions/made-up/").content.decode()
    assert '<span class="badge" lang="en">synthetic</span>' in page


def test_related_solutions_are_published_others_sharing_themes_in_a_stable_order(draft):
    seoul = selectors.solution_detail().get(slug=SEOUL_SLUG)
    related = selectors.related_solutions(seoul)
    assert 0 < len(related) <= 5
    assert seoul not in related
    assert draft not in related
    assert [s.pk for s in related] == [s.pk for s in selectors.related_solutions(seoul)]
    themes = {t.pk for t in seoul.themes.all()}
    challenges = {c.pk for c in seoul.challenges.all()}
    for s in related:
        shared = len(themes & {t.pk for t in s.themes.all()})
        shared += len(challenges & {c.pk for c in s.challenges.all()})
        assert s.score == shared + (s.collection_id == seoul.collection_id)
    assert [s.score for s in related] == sorted((s.score for s in related), reverse=True)
    page = get(f"/exchange/solutions/{SEOUL_SLUG}/").content.decode()
    tail = page[page.index('id="related-title"') :]
    assert tail.count('class="title" href="/exchange/solutions/') == len(related)


def test_views_are_counted_with_each_reading_but_not_the_authors(officer_barcelona):
    solution = make_solution(slug="counted", author=officer_barcelona)
    get("/exchange/solutions/counted/")
    get("/exchange/solutions/counted/")
    get("/exchange/solutions/counted/", officer_barcelona)
    solution.refresh_from_db()
    assert solution.views == 2


def test_language_switcher_offers_the_translations_with_lang_attributes():
    solution = make_solution(slug="translated", description="English *description*")
    SolutionTranslation.objects.create(
        solution=solution,
        language="fr",
        title="Solution de test",
        summary="Un résumé en français.",
        description="Description *française*",
    )
    french = get("/fr/exchange/solutions/translated/").content.decode()
    assert '<h1 lang="fr">Solution de test</h1>' in french
    assert '<div lang="fr"><p>Un résumé en français.</p></div>' in french
    assert '<div class="description" lang="fr"><p>Description <em>française</em></p>' in french
    assert 'href="?lang=en" hreflang="en" lang="en"' in french
    assert 'href="?lang=fr" hreflang="fr" lang="fr" aria-current="true"' in french
    original = get("/fr/exchange/solutions/translated/?lang=en").content.decode()
    assert '<h1 lang="en">Test solution of the suite</h1>' in original
    english = get("/exchange/solutions/translated/").content.decode()
    assert '<h1 lang="en">Test solution of the suite</h1>' in english
    assert get("/exchange/solutions/translated/?lang=fr").content.decode().count("Solution de test")


@pytest.mark.parametrize(
    ("path", "most"),
    [
        # one query per list or map naming countries (the registry's names): home 2, collection 2
        # each list also reads its solutions' translations (the reader's language), once
        ("/exchange/", 11),
        ("/exchange/collections/guangzhou-award/", 9),
        (f"/exchange/solutions/{SEOUL_SLUG}/", 11),  # + the related solutions' countries
    ],
)
def test_query_counts_stay_flat_for_the_public(path, most, django_assert_max_num_queries):
    for n in range(25):  # more solutions, with members, must not mean more queries
        extra = make_solution(slug=f"extra-{n}", themes=["T-SUS"])
        extra.members.set(Solution.objects.get(slug=SEOUL_SLUG).members.all())
    with django_assert_max_num_queries(most):
        assert get(path).status_code == 200


@pytest.mark.parametrize(
    ("path", "most"),
    [
        # + 2 for the navigation's links: is the reader secretariat staff, an officer?
        # + 1 for the header's unread notifications
        ("/exchange/", 15),
        ("/exchange/collections/guangzhou-award/", 14),
        (f"/exchange/solutions/{SEOUL_SLUG}/", 17),  # + is the reader an officer, secretariat?
    ],
)
def test_query_counts_stay_flat_for_signed_in_members(
    path, most, officer_barcelona, django_assert_max_num_queries
):
    client = client_for(officer_barcelona)
    with django_assert_max_num_queries(most):
        assert client.get(path, HTTP_HOST="127.0.0.1").status_code == 200


# --- the exchange's sub-navigation -------------------------------------------------------------


def nav_links(page: str) -> list[str]:
    found = re.search(r'<nav class="exchange-nav"[^>]*>(.*?)</nav>', page, re.S)
    assert found, "no exchange navigation"
    return re.findall(r'<a href="([^"]+)"', found.group(1))


READING = ["/exchange/", "/exchange/search/"]
WRITING = ["/exchange/needs/", "/exchange/submit/", "/exchange/mine/"]


@pytest.mark.parametrize(
    ("persona", "links"),
    [
        ("anonymous", READING),
        ("board_member", [*READING, "/exchange/needs/"]),
        ("officer_barcelona", READING + WRITING),
        ("staff", [*READING, *WRITING, "/exchange/review/"]),
    ],
)
@pytest.mark.parametrize(
    "path", ["/exchange/", "/exchange/search/?q=vivienda", f"/exchange/solutions/{SEOUL_SLUG}/"]
)
def test_navigation_shows_each_persona_only_what_applies(request, persona, links, path):
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    page = get(path, user).content.decode()
    assert nav_links(page) == links


def test_navigation_marks_the_current_page(officer_barcelona):
    page = get("/exchange/mine/", officer_barcelona).content.decode()
    nav = page[page.index('<nav class="exchange-nav"') :]
    nav = nav[: nav.index("</nav>")]
    assert '<a href="/exchange/mine/" aria-current="page">My solutions</a>' in nav
    assert nav.count('aria-current="page"') == 1


def test_every_link_of_the_navigation_opens_for_its_persona(staff):
    client = client_for(staff)
    for href in nav_links(get("/exchange/", staff).content.decode()):
        assert client.get(href, HTTP_HOST="127.0.0.1").status_code == 200, href


# --- the search page's form (search_views.py) --------------------------------------------------


def test_htmx_answer_refreshes_the_live_count_and_the_sorts():
    html = client_for(None).get(
        "/exchange/search/", {"q": "city"}, HTTP_HOST="127.0.0.1", HTTP_HX_REQUEST="true"
    )
    html = html.content.decode()
    assert re.search(r'<p id="result-count" hx-swap-oob="innerHTML">\s*\d+ solutions found', html)
    assert '<select id="id_sort" name="sort" hx-swap-oob="true">' in html
    assert '<option value="relevance" selected>' in html


def test_the_full_page_has_one_live_count_and_labelled_checkboxes():
    html = get("/exchange/search/?q=city").content.decode()
    assert html.count('role="status"') == 1
    assert 'id="result-count" class="result-count" role="status"' in html
    assert 'aria-live="polite"' not in html  # the results are not read out whole
    boxes = re.findall(r'<input type="checkbox" id="([^"]+)"', html)
    assert boxes
    assert all(f'<label for="{box}">' in html for box in boxes)


def test_words_typed_where_there_were_none_sort_by_relevance():
    # the form still holds "newest", the default without words: not a choice of the reader
    html = get("/exchange/search/?searched=&q=city&sort=newest").content.decode()
    assert '<option value="relevance" selected>' in html
    html = get("/exchange/search/?searched=city&q=cities&sort=newest").content.decode()
    assert '<option value="newest" selected>' in html


def test_a_search_without_results_shows_no_empty_filters():
    html = get("/exchange/search/?q=zzzzqqqxx").content.decode()
    assert "0 solutions found" in html
    assert "No published solution matches" in html
    assert 'class="facets"' not in html
