"""The main public pages in French and Spanish: no visible text stays as on the English page
unless it is a proper name (members, metros, people, places, sources), a code or a number, or
is marked as text in another language (`lang`), e.g. an activity title as its source wrote it."""

from __future__ import annotations

from functools import cache

import pytest
from django.test import Client

from metroscope.accountability.activities.models import Activity
from metroscope.awards.models import PastResult
from metroscope.core.countries import country_name
from metroscope.exchange.models import Collection, Solution
from metroscope.members.models import Country, Mandate, Member, Region
from metroscope.observatory.models import Metro, MetroAlias, Source
from tests.core.language_crawl import is_name_code_or_number, text_nodes, untranslated

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/about/",
    "/members/",
    "/members/barcelona-city/",
    "/members/seoul/",
    "/bodies/",
    "/plan/",
    "/plan/progress/",
    "/plan/activities/",
    "/plan/money/",
    "/plan/matrix/",
    "/observatory/",
    "/observatory/indicators/gdp_per_capita_ppp/",
    "/observatory/metros/barcelona/",
    "/observatory/metros/?q=seoul",
    "/observatory/compare/?metros=barcelona,paris",
    "/observatory/gender/",
    "/exchange/",
    "/events/",
    "/awards/",
    "/community/groups/",
    "/search/?q=seoul",
]


@cache
def proper_names(language: str) -> frozenset[str]:
    """Names the pages show as they are in every language: members, institutions, metros and
    their other names, people, award cities, sources' publishers and titles, and each
    country's and region's name in the language."""
    names: set[str] = set()
    names |= set(Member.objects.values_list("name", flat=True))
    names |= set(Member.objects.values_list("institution", flat=True))
    names |= set(Metro.objects.values_list("name", flat=True))
    names |= set(MetroAlias.objects.values_list("name", flat=True))
    names |= set(Mandate.objects.values_list("holder_name", flat=True))
    names |= set(PastResult.objects.values_list("city", flat=True))
    names |= set(Solution.objects.values_list("city", flat=True))
    names |= set(Activity.objects.exclude(host_city="").values_list("host_city", flat=True))
    # The plan's activities are named as their sources name them (congresses, publications,
    # platforms); the registry keeps no translation of these titles.
    names |= set(Activity.objects.values_list("title", flat=True))
    # Sources are cited as they name themselves (publishers, dataset titles, references).
    for publisher, title, citation in Source.objects.values_list("publisher", "title", "citation"):
        names |= {publisher, title, citation}
    codes = set(Metro.objects.values_list("country_iso3", flat=True).distinct())
    codes |= set(Country.objects.values_list("iso3", flat=True))
    names |= {country_name(code, language) for code in codes}
    names |= {str(getattr(r, f"name_{language}") or r.name) for r in Region.objects.all()}
    # The brand, the association, language names in their own language, file formats.
    # Programmes whose name the registry records unchanged in the language (proper names).
    names |= {
        c.name_en for c in Collection.objects.all() if getattr(c, f"name_{language}") == c.name_en
    }
    names |= {"Metroscope", "Metropolis", "English", "Français", "Español"}
    names |= {"Parquet", "Excel", "RSS", "Atom"}
    return frozenset(n for n in names if n)


def _texts(client: Client, path: str) -> list[str]:
    response = client.get(path)
    assert response.status_code == 200, path
    return text_nodes(response.content.decode())


@pytest.mark.parametrize("language", ["fr", "es"])
@pytest.mark.parametrize("path", PAGES)
def test_no_english_text_left_on_the_page(path: str, language: str) -> None:
    client = Client()
    english = _texts(client, path)
    other = _texts(client, f"/{language}{path}")
    assert untranslated(english, other, set(proper_names(language)), language) == []


def test_the_crawl_finds_english_left_untranslated() -> None:
    english = text_nodes('<html lang="en"><p>Download the table</p><p>Barcelona</p></html>')
    french = text_nodes('<html lang="fr"><p>Download the table</p><p>Barcelona</p></html>')
    assert untranslated(english, french, {"Barcelona"}, "fr") == ["Download the table"]


def test_the_crawl_skips_text_marked_in_another_language_and_code() -> None:
    html = (
        '<html lang="fr"><p lang="en">Launch of the platform</p><code>gdp_per_capita</code>'
        '<span translate="no">Metroscope</span><p>Télécharger</p></html>'
    )
    assert text_nodes(html) == ["Télécharger"]


def test_names_codes_and_numbers_are_not_untranslated_text() -> None:
    names = {"Barcelona (city)", "Madrid", "Espagne", "UN DESA, Population Division"}
    assert is_name_code_or_number("Barcelona (city), Madrid", names, "fr")
    assert is_name_code_or_number("Espagne (ESP)", names, "fr")
    assert is_name_code_or_number("3 832 012", names, "fr")
    assert is_name_code_or_number("gdp_per_capita_ppp", names, "fr")
    assert not is_name_code_or_number("Spain (ESP)", names, "fr")
    assert not is_name_code_or_number("Madrid and more", names, "fr")
    phrases = ["UN DESA, Population Division", "Barcelona (city)"]
    assert is_name_code_or_number("— UN DESA, Population Division: Madrid", names, "fr", phrases)
    assert not is_name_code_or_number("UN DESA, Population Division: a note", names, "fr", phrases)
