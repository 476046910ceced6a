"""Country names from CLDR: one name per country per language, on every page."""

from __future__ import annotations

import pytest

from metroscope.core.countries import alpha2, country_name, country_names
from metroscope.members.models import Country
from tests.conftest import SEOUL


def test_one_name_per_country_and_language_from_cldr():
    assert country_name("KOR", "en") == "South Korea"
    assert country_name("KOR", "fr") == "Corée du Sud"
    assert country_name("KOR", "es") == "Corea del Sur"
    assert country_name("ESP", "fr") == "Espagne"
    assert alpha2("DNK") == "DK"


def test_an_unknown_code_keeps_its_source_name_then_the_code():
    assert country_name("XKX", "fr", fallback="Kosovo (source)") in {"Kosovo", "Kosovo (source)"}
    assert country_name("ZZZ", "fr", fallback="Somewhere") == "Somewhere"
    assert country_name("ZZZ", "fr") == "ZZZ"
    assert country_names(["ESP", "", "ZZZ"], "es") == {"ESP": "España", "ZZZ": "ZZZ"}


@pytest.mark.django_db
def test_the_registry_country_reads_as_cldr_in_the_active_language(settings):
    from django.utils import translation

    korea = Country.objects.get(iso3="KOR")
    assert korea.name_en == "Republic of Korea"  # the registry's own English name
    with translation.override("en"):
        assert str(korea) == "South Korea"
    with translation.override("es"):
        assert str(korea) == "Corea del Sur"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("prefix", "name"), [("", "South Korea"), ("/fr", "Corée du Sud"), ("/es", "Corea del Sur")]
)
def test_member_page_metro_page_and_directory_say_the_same_name(client, prefix, name):
    for path in (f"/members/{SEOUL}/", "/observatory/metros/seoul/", "/members/?region=asia"):
        html = client.get(prefix + path).content.decode()
        assert name in html, path
        assert "Republic of Korea" not in html, path
