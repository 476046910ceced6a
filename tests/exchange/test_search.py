"""Search of the exchange: stemming in three languages, the query language (phrases, prefixes,
OR, leaving out), ranking, facets, filters, sorts, the index kept in step with publication,
bad input, and the same set of hits on SQLite and PostgreSQL (checked here against a set
computed in Python from the texts; the suite runs on both databases)."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from metroscope.core import fulltext as engine
from metroscope.exchange import search, services
from metroscope.exchange.models import (
    Solution,
    SolutionStatus,
    SolutionText,
    SolutionTranslation,
)
from metroscope.members.models import Country
from tests.exchange.conftest import SEOUL_SLUG, make_solution

pytestmark = pytest.mark.django_db

BAD_QUERIES = [
    '"',
    '"unclosed quote',
    "(((",
    "a AND OR NOT b",
    "NEAR(housing water, 2)",
    "title: housing",
    "*",
    "hous*",
    "-housing",
    "+housing -water",
    "housing^2 ~ {x}",
    "' OR 1=1; --",
    "\x00\x01 control \u202e",
    "the of and le la de el los",  # stop words only
    "",
    "   ",
    "x" * 5000,
    "sharing " * 400,
    "🌍 ☔ ★",
    "<script>alert(1)</script>",
]


def slugs(results: search.Results) -> list[str]:
    return [hit.solution.slug for hit in results.hits]


def published() -> list[Solution]:
    return list(Solution.objects.filter(status=SolutionStatus.PUBLISHED))


# --- stemming: real conflations of each language's Snowball stemmer ------------------------------


@pytest.mark.parametrize(
    ("language", "written", "searched"),
    [
        ("en", "Houses for rent near the river", "housing"),
        ("en", "A housing cooperative", "houses"),
        ("fr", "Des logements pour les familles", "logement"),
        ("fr", "Le logement des étudiants", "logements"),
        ("es", "Viviendas para las familias", "vivienda"),
        ("es", "La vivienda de los estudiantes", "viviendas"),
    ],
)
def test_a_word_finds_its_other_forms_in_each_language(language, written, searched):
    make_solution(slug="stemmed", title=written, language=language, country_iso3="ISL")
    assert slugs(search.search(searched, {"country": ["ISL"]})) == ["stemmed"]


def test_accents_and_case_are_ignored():
    make_solution(slug="accents", title="Mobilité électrique à Trois-Rivières", language="fr")
    assert slugs(search.search("MOBILITE electrique")) == ["accents"]
    assert slugs(search.search("mobilité ÉLECTRIQUE")) == ["accents"]


def test_a_translation_makes_the_solution_findable_in_its_language():
    solution = make_solution(slug="translated", title="Neighbourhood canteens")
    assert search.search("comedores").total == 0
    SolutionTranslation.objects.create(
        solution=solution, language="es", title="Comedores de barrio", summary="Comedor."
    )
    assert slugs(search.search("comedores")) == ["translated"]
    SolutionTranslation.objects.filter(solution=solution).delete()
    assert search.search("comedores").total == 0


# --- ranking -------------------------------------------------------------------------------


def test_a_title_match_ranks_above_a_summary_match_above_a_description_match():
    earlier = timezone.now() - timedelta(days=3)
    make_solution(slug="in-body", description="Desalination of sea water.", published_at=earlier)
    make_solution(slug="in-summary", summary="Desalination plants.", published_at=earlier)
    make_solution(slug="in-title", title="Desalination for all", published_at=earlier)
    results = search.search("desalination")
    assert slugs(results) == ["in-title", "in-summary", "in-body"]
    scores = [hit.score for hit in results.hits]
    assert scores == sorted(scores, reverse=True)
    assert len(set(scores)) == 3


@pytest.mark.parametrize(
    ("language", "query", "strong", "weak", "rest"),
    [
        ("en", "rooftop gardens", "Rooftop gardens for schools", "School gardens", "rooftops"),
        ("fr", "jardins partagés", "Jardins partagés", "Les jardins de l'école", "partagé"),
        ("es", "huertos terrazas", "Huertos en terrazas", "Huertos escolares", "terraza"),
    ],
)
def test_every_word_must_match_and_the_better_field_ranks_higher(
    language, query, strong, weak, rest
):
    make_solution(slug="strong", title=strong, language=language)
    make_solution(slug="weak", title=weak, language=language, summary=rest)
    make_solution(slug="one-word-only", title=weak, language=language)
    assert slugs(search.search(query)) == ["strong", "weak"]


def test_equal_scores_go_newest_first_then_by_id():
    now = timezone.now()
    make_solution(slug="tie-old", title="Pneumatic waste", published_at=now - timedelta(days=9))
    make_solution(slug="tie-new-a", title="Pneumatic waste", published_at=now)
    make_solution(slug="tie-new-b", title="Pneumatic waste", published_at=now)
    assert slugs(search.search("pneumatic")) == ["tie-new-b", "tie-new-a", "tie-old"]


def _reference(q: str) -> set[str]:
    """The hits computed in Python from the indexed texts: every word of the query (stemmed
    in each language) is in the solution's texts of one language."""
    words = engine.parse(q).words()
    found = set()
    for entry in SolutionText.objects.select_related("solution"):
        for lang in engine.LANGUAGES:
            text = " ".join(getattr(entry, f"{f}_{lang}") for f in engine.FIELDS)
            held = set(engine.stemmed(text, lang).split())
            if all(engine.stem(w, lang) in held for w in words):
                found.add(entry.solution.slug)
    return found


@pytest.mark.parametrize(
    "q",
    [
        "city",
        "sharing city",
        "health",
        "women",
        "ciudad",
        "villes",
        "water",
        "Seoul",
        "salud",
        "vivienda",
        "logement",
        "gender",
        "género",
        "égalité",
    ],
)
def test_this_database_finds_the_same_set_as_the_reference(q):
    results = search.search(q, per_page=100)
    found = {hit.solution.slug for hit in results.hits}
    assert found == _reference(q)
    assert results.total == len(found) > 0
    scores = [hit.score for hit in results.hits]
    assert scores == sorted(scores, reverse=True)


# --- facets and filters ------------------------------------------------------------------------


def _orm_counts() -> dict[str, Counter[str]]:
    regions = dict(Country.objects.values_list("iso3", "region__code"))
    counts: dict[str, Counter[str]] = {name: Counter() for name in search.FACETS}
    for s in Solution.objects.filter(status=SolutionStatus.PUBLISHED).prefetch_related(
        "themes", "challenges"
    ):
        counts["collection"][s.collection.code] += 1
        counts["theme"].update(t.code for t in s.themes.all())
        counts["challenge"].update(c.code for c in s.challenges.all())
        counts["sdg"].update(str(n) for n in s.sdgs)
        counts["country"][s.country_iso3] += 1
        if s.country_iso3 in regions:
            counts["region"][regions[s.country_iso3]] += 1
        if s.year_started:
            counts["year"][str(s.year_started)] += 1
    return counts


def test_facets_count_every_published_solution_when_nothing_is_asked(draft):
    results = search.search("")
    assert results.total == len(published()) == 53
    expected = _orm_counts()
    for facet in results.facets:
        assert {v.value: v.count for v in facet.values} == dict(expected[facet.name]), facet.name
    regions = next(f for f in results.facets if f.name == "region")
    assert {v.label for v in regions.values} >= {"Asia", "Europe"}


def test_facets_are_counted_over_the_matching_set_only():
    results = search.search("health")
    assert 0 < results.total < 53
    collection = {v.value: v.count for v in results.facets[0].values}
    assert sum(collection.values()) == results.total


def test_a_chosen_facet_still_counts_its_alternatives_and_narrows_the_others():
    expected = _orm_counts()
    results = search.search("", {"collection": ["use"]})
    counts = {f.name: {v.value: v.count for v in f.values} for f in results.facets}
    assert counts["collection"] == dict(expected["collection"])  # every collection, not one
    assert len(counts["collection"]) > 1
    regions = dict(Country.objects.values_list("iso3", "region__code"))
    in_use = Counter(
        regions[s.country_iso3]
        for s in published()
        if s.collection.code == "use" and s.country_iso3 in regions
    )
    assert counts["region"] == dict(in_use)
    assert results.total == expected["collection"]["use"]


def test_facet_counts_with_words_and_two_filters_exclude_only_their_own_filter():
    words = search.search("health")
    region = next(iter(next(f for f in words.facets if f.name == "region").values)).value
    both = search.search("health", {"region": [region], "collection": ["use"]})
    only_use = search.search("health", {"collection": ["use"]})
    only_region = search.search("health", {"region": [region]})

    def counted(results: search.Results, name: str) -> dict[str, int]:
        facet = next(f for f in results.facets if f.name == name)
        return {v.value: v.count for v in facet.values if v.count}  # a chosen value shows 0

    assert counted(both, "region") == counted(only_use, "region")
    assert counted(both, "collection") == counted(only_region, "collection")
    assert both.total <= min(only_use.total, only_region.total)


def test_filters_narrow_and_values_of_one_facet_are_or_ed():
    expected = _orm_counts()
    use = search.search("", {"collection": ["use"]})
    assert use.total == expected["collection"]["use"]
    europe_or_asia = search.search("", {"region": ["europe", "asia"]})
    assert europe_or_asia.total == expected["region"]["europe"] + expected["region"]["asia"]
    both = search.search("", {"collection": ["use"], "region": ["asia"]}, per_page=100)
    regions = dict(Country.objects.values_list("iso3", "region__code"))
    expected_slugs = {
        s.slug
        for s in published()
        if s.collection.code == "use" and regions.get(s.country_iso3) == "asia"
    }
    assert set(slugs(both)) == expected_slugs
    assert both.total == len(expected_slugs) > 0
    assert [v.label for v in both.selected] == ["Urban Solutions Exchange (USE)", "Asia"]


def test_theme_sdg_country_and_year_filters():
    target = make_solution(
        slug="filtered",
        title="Floating wetlands",
        year_started=2019,
        sdgs=[6, 14],
        themes=["T-SUS"],
    )
    make_solution(slug="other-year", title="Floating wetlands", year_started=2020)
    base = {"theme": ["T-SUS"], "sdg": ["14"], "country": ["ESP"], "year": ["2019"]}
    assert slugs(search.search("wetlands", base)) == [target.slug]
    assert search.search("wetlands", {"year": ["2021"]}).total == 0
    assert search.search("wetlands", {"unknown": ["x"], "year": "2019"}).total == 1


# --- the index follows the solutions -----------------------------------------------------------


def test_drafts_are_not_searchable(draft):
    assert search.search("superblocks suite").total == 0
    assert not SolutionText.objects.filter(pk=draft.pk).exists()


def test_publishing_and_unpublishing_keep_the_index_in_step(draft, staff, officer_barcelona):
    services.solution_submit(user=officer_barcelona, solution=draft)
    assert search.search("superblocks suite").total == 0
    services.solution_publish(user=staff, solution=draft)
    assert slugs(search.search("superblocks suite")) == [draft.slug]
    services.solution_archive(user=staff, solution=draft)
    assert search.search("superblocks suite").total == 0


def test_edits_themes_and_deletion_keep_the_index_in_step():
    solution = make_solution(slug="edited", title="Zeppelin hangars")
    solution.title = "Cargo zeppelins"
    solution.save()
    assert search.search("hangars").total == 0
    assert slugs(search.search("zeppelin")) == ["edited"]
    assert search.search("zeppelin", {"theme": ["T-GEN"]}).total == 0
    solution.themes.add(*search.Theme.objects.filter(code="T-GEN"))
    assert search.search("zeppelin", {"theme": ["T-GEN"]}).total == 1
    solution.status = SolutionStatus.ARCHIVED
    solution.save()
    assert search.search("zeppelin").total == 0
    solution.status = SolutionStatus.PUBLISHED
    solution.save()
    solution.delete()
    assert search.search("zeppelin").total == 0
    assert not SolutionText.objects.filter(pk=solution.pk).exists()


def test_reindex_command_rebuilds_the_index(draft):
    SolutionText.objects.all().delete()
    assert search.search("sharing").total == 0
    call_command("reindex_solutions", verbosity=0)
    assert SolutionText.objects.count() == len(published())
    assert SEOUL_SLUG in slugs(search.search("sharing city"))


def test_a_second_open_data_load_leaves_the_index_unchanged():
    before = engine.stored(search.INDEX)
    call_command("load_open_data", verbosity=0)
    assert engine.stored(search.INDEX) == before
    report = search.LoadReport()
    search.refresh_index(search.Path("."), report)
    assert report.changed == 0


# --- sorts, pages, highlights, bad input ---------------------------------------------------------


def test_sorts():
    now = timezone.now()
    make_solution(slug="b-old", title="Beta kiosks", published_at=now - timedelta(days=5), views=9)
    make_solution(slug="a-new", title="Alpha kiosks", published_at=now, views=1)
    make_solution(slug="c-mid", title="Ćeta kiosks", published_at=now - timedelta(days=1), views=5)
    assert slugs(search.search("kiosks", sort="newest")) == ["a-new", "c-mid", "b-old"]
    assert slugs(search.search("kiosks", sort="oldest")) == ["b-old", "c-mid", "a-new"]
    assert slugs(search.search("kiosks", sort="views")) == ["b-old", "c-mid", "a-new"]
    assert slugs(search.search("kiosks", sort="title")) == ["a-new", "b-old", "c-mid"]
    assert search.search("kiosks", sort="nonsense").sort == "relevance"
    assert search.search("", sort="relevance").sort == "newest"


def test_pages_cover_every_result_once():
    seen = []
    for page in range(1, 5):
        seen += slugs(search.search("", page=page, per_page=15))
    assert len(seen) == len(set(seen)) == 53
    assert search.search("", page=999).hits == []
    assert search.search("", page="abc", per_page="-3").page == 1


def test_highlights_mark_the_matching_words_and_escape_the_rest():
    make_solution(
        slug="escaped",
        title="<b>Housing</b> & houses",
        summary="Our " + "long " * 100 + "housing <script>alert(1)</script> plan.",
    )
    hit = search.search("housing").hits[0]
    assert hit.title == "&lt;b&gt;<mark>Housing</mark>&lt;/b&gt; &amp; <mark>houses</mark>"
    assert "<mark>housing</mark> &lt;script&gt;" in hit.summary
    assert hit.summary.startswith("…")
    assert "<script>" not in hit.summary
    assert len(hit.summary) < 400


@pytest.mark.parametrize("q", BAD_QUERIES)
def test_bad_queries_give_results_or_an_empty_page(q):
    results = search.search(q, {"year": ["not-a-year"], "sdg": ["'; DROP TABLE x"]})
    assert results.total == 0
    results = search.search(q)
    assert results.total >= 0
    assert len(results.q) <= engine.MAX_QUERY_CHARS


def test_stop_words_alone_browse_everything():
    assert search.search("the of and le la de").total == 53


# --- page and API --------------------------------------------------------------------------------


def test_search_page_shows_hits_facets_count_and_sorts(client):
    response = client.get("/exchange/search/", {"q": "sharing city", "region": "asia"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<mark>Sharing</mark>" in html
    assert 'data-testid="result-count"' in html
    assert 'name="region" value="asia" checked' in html
    assert '<option value="relevance" selected>' in html
    assert "Remove all filters" in html


def test_search_page_answers_htmx_with_the_results_only(client):
    response = client.get("/exchange/search/", {"q": "health"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html
    assert 'class="search-layout"' in html


def test_search_page_speaks_french(client):
    html = client.get("/fr/exchange/search/", {"q": "ville"}).content.decode()
    assert "Rechercher" in html


@pytest.mark.parametrize("q", BAD_QUERIES)
def test_search_page_and_api_never_fail_on_bad_input(client, q):
    assert client.get("/exchange/search/", {"q": q, "page": "x", "sort": "?"}).status_code == 200
    response = client.get("/api/v1/solutions", {"q": q, "sdg": "99", "sort": "?"})
    assert response.status_code == 200
    assert response.json()["total"] == 0


def test_api_searches_with_facets_and_highlights(client):
    body = client.get("/api/v1/solutions", {"q": "sharing city", "theme": "T-SUS,T-SOC"}).json()
    assert body["total"] >= 1
    assert body["sort"] == "relevance"
    first = body["items"][0]
    assert first["slug"] == SEOUL_SLUG
    assert first["country"] == "KOR"
    assert first["city"] == "Seoul"
    assert first["collection"]["code"] == "use"
    assert first["url"].endswith(f"/exchange/solutions/{SEOUL_SLUG}/")
    assert "<mark>Sharing</mark>" in first["highlights"]["title"]
    assert set(body["facets"]) == set(search.FACETS)
    themes = {v["value"]: v for v in body["facets"]["theme"]}
    assert themes["T-SUS"]["selected"]
    assert themes["T-SUS"]["count"] >= 1
    paged = client.get("/api/v1/solutions", {"per_page": 5, "page": 2}).json()
    assert paged["total"] == 53
    assert len(paged["items"]) == 5
    assert paged["pages"] == 11


def test_api_search_is_in_the_openapi_schema(client):
    schema = client.get("/api/v1/openapi.json").json()
    params = {p["name"] for p in schema["paths"]["/api/v1/solutions"]["get"]["parameters"]}
    assert params >= {"q", "collection", "theme", "challenge", "sdg", "region", "country"}
    assert params >= {"year", "sort", "page", "per_page"}


# --- country names, the empty page ---------------------------------------------------------------


def test_the_country_facet_names_countries_in_the_readers_language(client):
    # Denmark has solutions but no member: the registry lacks it, CLDR (through Babel) has it.
    assert not Country.objects.filter(iso3="DNK").exists()
    french = client.get("/fr/exchange/search/").content.decode()
    assert 'for="facet-country-dnk">Danemark <span class="count">2</span>' in french
    assert ">États-Unis <span" in french
    spanish = client.get("/es/exchange/search/", {"country": "DNK"}).content.decode()
    assert 'for="facet-country-dnk">Dinamarca <span' in spanish
    assert "(Dinamarca)" in spanish  # the hits' country
    english = client.get("/exchange/search/").content.decode()
    assert 'for="facet-country-dnk">Denmark <span' in english
    # CLDR's name, the same on every page (issue 19: not "Republic of Korea" here only)
    assert 'for="facet-country-kor">South Korea <span' in english


def test_a_query_without_filters_that_finds_nothing_never_says_remove_a_filter(client):
    html = client.get("/exchange/search/", {"q": "zeppelinhangar"}).content.decode()
    assert "0 solutions found" in html
    assert "remove a filter" not in html.lower()
    assert "Try fewer or other words." in html
    recent = Solution.objects.filter(status=SolutionStatus.PUBLISHED).order_by(
        "-published_at", "-pk"
    )[:3]
    for solution in recent:
        assert f'href="/exchange/solutions/{solution.slug}/"' in html
    assert html.count('class="title" href="/exchange/solutions/') == 3
    filtered = client.get("/exchange/search/", {"q": "zeppelinhangar", "region": "asia"})
    assert "remove a filter" in filtered.content.decode()


def test_a_query_that_finds_nothing_offers_the_themes_it_names(client):
    html = client.get("/fr/exchange/search/", {"q": "cohésion zeppelinhangar"}).content.decode()
    assert "Thèmes du plan correspondant à vos mots" in html
    assert 'href="?theme=T-SOC&amp;sort=newest">Cohésion sociale</a>' in html
    assert "T-SUS" not in html.split("Thèmes du plan")[1].split("</ul>")[0]
    # accents and case aside: capitals without the accent find it too
    assert (
        'href="?theme=T-SOC&amp;sort=newest"'
        in client.get("/exchange/search/", {"q": "COHESION zeppelinhangar"}).content.decode()
    )
    none = client.get("/exchange/search/", {"q": "zeppelinhangar"}).content.decode()
    assert "Plan themes matching your words" not in none


def test_postgres_vectors_follow_entries_written_by_any_path():
    """A test's flush and reload, or any write that skips put(), keeps the vectors with their
    entries (the entry table's triggers), as generated columns did."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("SQLite's FTS tables are written by put() only")
    found = search.search("vivienda")
    assert found.total
    pks = [h.solution.pk for h in found.hits]
    rows = list(SolutionText.objects.filter(solution_id__in=pks).values())
    SolutionText.objects.filter(solution_id__in=pks).delete()
    assert search.search("vivienda").total == found.total - len(pks)
    SolutionText.objects.bulk_create([SolutionText(**row) for row in rows])
    assert search.search("vivienda").total == found.total
    SolutionText.objects.filter(solution_id__in=pks).update(
        title_es="", vocab_es="", summary_es="", body_es=""
    )
    assert search.search("vivienda").total < found.total
