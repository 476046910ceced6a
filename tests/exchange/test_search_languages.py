"""The query language on both engines (phrases, prefixes, OR, leaving a word out), search
across the three languages through translations and the controlled vocabulary, the language
a hit matched in, and spellings suggested when nothing matches (issue 18)."""

from __future__ import annotations

import pytest

from metroscope.core import fulltext as engine
from metroscope.exchange import search
from metroscope.exchange.models import Solution, SolutionStatus
from tests.exchange.conftest import make_solution

pytestmark = pytest.mark.django_db

BOGOTA = "bogota-district-care-system-sistema-distrital-de-cuidado"


def slugs(results: search.Results) -> list[str]:
    return [hit.solution.slug for hit in results.hits]


# --- the query language --------------------------------------------------------------------------


def test_the_parser_reads_phrases_prefixes_or_and_minus():
    query = engine.parse('"care blocks" hous* water OR sanitation -flood')
    assert [c.negated for c in query.clauses] == [False, False, False, True]
    assert query.clauses[0].terms == (engine.Term(("care", "blocks")),)
    assert query.clauses[1].terms == (engine.Term(("hous",), prefix=True),)
    assert query.clauses[2].terms == (engine.Term(("water",)), engine.Term(("sanitation",)))
    assert engine.parse("-flood").blank  # leaving out alone asks for nothing
    assert engine.parse("OR the and OR").blank  # operators and stop words alone: nothing


def test_a_phrase_keeps_its_words_in_order():
    make_solution(slug="in-order", title="Community care blocks", country_iso3="ISL")
    make_solution(slug="apart", title="Blocks of flats and care homes", country_iso3="ISL")
    iceland = {"country": ["ISL"]}
    assert slugs(search.search('"care blocks"', iceland)) == ["in-order"]
    assert set(slugs(search.search("care blocks", iceland))) == {"in-order", "apart"}


def test_a_prefix_finds_every_word_it_begins():
    make_solution(slug="household", title="Household composting", country_iso3="ISL")
    make_solution(slug="housing", title="Housing cooperatives", country_iso3="ISL")
    make_solution(slug="other", title="Hospital gardens", country_iso3="ISL")
    found = set(slugs(search.search("hous*", {"country": ["ISL"]})))
    assert found == {"household", "housing"}


def test_or_widens_and_minus_leaves_out():
    make_solution(slug="rain", title="Rain gardens", country_iso3="ISL")
    make_solution(slug="snow", title="Snow gardens", country_iso3="ISL")
    make_solution(slug="both", title="Rain and snow gardens", country_iso3="ISL")
    iceland = {"country": ["ISL"]}
    assert set(slugs(search.search("rain OR snow", iceland))) == {"rain", "snow", "both"}
    assert set(slugs(search.search("rain snow", iceland))) == {"both"}
    assert set(slugs(search.search("gardens -snow", iceland))) == {"rain"}


# --- across languages (the seed data, as on a fresh `make run`) ----------------------------------


def test_care_blocks_in_quotes_finds_bogota_first():
    results = search.search('"care blocks"')
    assert slugs(results)[0] == BOGOTA


@pytest.mark.parametrize("q", ["gender", "genre", "género", "égalité des genres"])
def test_a_theme_label_in_any_language_finds_every_solution_of_the_theme(q):
    themed = set(
        Solution.objects.filter(status=SolutionStatus.PUBLISHED, themes__code="T-GEN").values_list(
            "slug", flat=True
        )
    )
    assert len(themed) == 4
    assert set(slugs(search.search(q, per_page=100))) >= themed


def test_a_hit_says_which_language_matched(client):
    english = make_solution(slug="canteens", title="Neighbourhood canteens", country_iso3="ISL")
    english.translations.create(language="es", title="Comedores de barrio", summary="Comedor.")
    hit = search.search("comedores").hits[0]
    assert hit.solution == english
    assert hit.matched == ("es",)
    assert hit.language == "es"  # the text that matched, not the reader's English
    assert "<mark>Comedores</mark>" in hit.title
    html = client.get("/exchange/search/", {"q": "comedores"}).content.decode()
    assert "found in Spanish" in html
    french = client.get("/fr/exchange/search/", {"q": "comedores"}).content.decode()
    assert "trouvé en espagnol" in french  # language names take no capital in French
    body = client.get("/api/v1/solutions", {"q": "comedores"}).json()
    assert body["items"][0]["matched_languages"] == ["es"]
    assert body["items"][0]["language"] == "es"


def test_a_match_in_the_readers_language_shows_that_language():
    make_solution(slug="bilingual", title="Bicycle lanes", country_iso3="ISL").translations.create(
        language="fr", title="Pistes cyclables", summary="Vélo."
    )
    with_translation = search.search("bicycle", {"country": ["ISL"]}).hits[0]
    assert with_translation.language == "en"
    assert with_translation.matched == ("en",)


# --- when nothing is found -----------------------------------------------------------------------


def test_a_misspelt_word_gets_spellings_that_find_something(client):
    results = search.search("helth")
    assert results.total == 0
    assert "health" in results.suggestions
    for text in results.suggestions:
        assert search.search(text).total > 0
    html = client.get("/exchange/search/", {"q": "helth"}).content.decode()
    assert 'data-testid="spellings"' in html
    assert "?q=health" in html
    assert "remove a filter" not in html
    body = client.get("/api/v1/solutions", {"q": "helth"}).json()
    assert "health" in body["suggestions"]


def test_spellings_keep_the_filters_and_are_offered_only_when_nothing_matches():
    assert search.search("health").suggestions == []
    results = search.search("helth", {"country": ["ZZZ"]})
    assert results.total == 0
    assert results.suggestions == []  # "health" finds nothing in that country either


def test_the_count_gives_the_range_shown_only_when_results_span_pages(client):
    one = client.get("/es/exchange/search/", {"q": '"care blocks"'}).content.decode()
    assert "1 solución encontrada" in one
    assert "mostradas" not in one  # "(1–1 mostradas)" said nothing, wrongly in the plural
    many = client.get("/exchange/search/", {"q": "salud"}).content.decode()
    assert "1–20 shown" in many
