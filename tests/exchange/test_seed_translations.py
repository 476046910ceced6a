"""The seed solutions in three languages (issue 18, item 1): Metroscope's translations, marked
as such, found by a query in French or Spanish, never overwriting a staff correction."""

from __future__ import annotations

import csv
import shutil

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from metroscope.exchange import search
from metroscope.exchange.models import Solution, SolutionTranslation, TranslatedBy
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_every_seed_solution_reads_in_french_and_spanish_translated_by_metroscope():
    seeds = Solution.objects.filter(author__isnull=True, synthetic=False)
    assert seeds.count() == 53
    for language in ("fr", "es"):
        translated = SolutionTranslation.objects.filter(
            solution__in=seeds, language=language, translated_by=TranslatedBy.METROSCOPE
        )
        assert translated.count() == 53
        assert not translated.filter(title="").exists()
        assert not translated.filter(summary="").exists()


@pytest.mark.parametrize(
    ("query", "english"), [("salud", "health"), ("vivienda", "housing"), ("logement", "housing")]
)
def test_a_french_or_spanish_query_finds_the_english_solutions(query, english):
    found = {hit.solution.slug for hit in search.search(query, per_page=100).hits}
    wanted = {hit.solution.slug for hit in search.search(english, per_page=100).hits}
    assert wanted
    assert len(found & wanted) >= len(wanted) * 0.6, (found, wanted)


def test_the_page_shows_the_readers_language_with_the_mark_and_a_link_to_the_original(client):
    solution = Solution.objects.get(slug="the-sharing-city-seoul")
    french = solution.translations.get(language="fr")
    html = client.get(f"/fr/exchange/solutions/{solution.slug}/").content.decode()
    assert french.title in html
    assert "Traduit par Metroscope, original en anglais" in html
    assert 'href="?lang=en"' in html
    spanish = client.get(f"/es/exchange/solutions/{solution.slug}/").content.decode()
    assert solution.translations.get(language="es").title in spanish
    assert "Traducido por Metroscope, original en inglés" in spanish
    english = client.get(f"/exchange/solutions/{solution.slug}/").content.decode()
    assert "Translated by Metroscope" not in english


def test_a_staff_correction_survives_the_next_load(staff):
    translation = SolutionTranslation.objects.get(
        solution__slug="the-sharing-city-seoul", language="fr"
    )
    translation._history_user = staff  # as the back office records who saved
    translation.title = "Séoul, ville du partage (corrigé)"
    translation.save()
    call_command("load_open_data", verbosity=0)
    translation.refresh_from_db()
    assert translation.title == "Séoul, ville du partage (corrigé)"
    assert translation.translated_by == TranslatedBy.METROSCOPE


def test_a_translation_row_for_an_unknown_solution_stops_the_load(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(settings.DATA_DIR, data)
    path = data / "exchange" / "solution_translations.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    rows[4]["slug"] = "no-such-solution"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    before = SolutionTranslation.objects.count()
    with pytest.raises(CommandError) as excinfo:
        call_command("load_open_data", data_dir=data, verbosity=0)
    assert "solution_translations.csv, row 6, column 'slug'" in str(excinfo.value)
    assert "no seed solution 'no-such-solution'" in str(excinfo.value)
    assert SolutionTranslation.objects.count() == before


def test_staff_edit_a_translation_in_the_back_office_with_its_history(staff):
    solution = Solution.objects.get(slug="the-sharing-city-seoul")
    response = client_for(staff).get(f"/admin/exchange/solution/{solution.pk}/change/")
    assert response.status_code == 200
    assert "translated_by" in response.content.decode()


def test_lists_read_in_the_readers_language(client):
    solution = Solution.objects.get(slug="the-sharing-city-seoul")
    html = client.get("/es/exchange/collections/use/").content.decode()
    listed = html[html.index('class="solutions"') :]
    listed = listed[: listed.index("</ul>")]
    assert solution.translations.get(language="es").title in listed
    assert solution.title not in listed


def test_a_hit_found_through_a_translation_says_in_which_language(client):
    html = client.get("/exchange/search/", {"q": "vivienda"}).content.decode()
    assert "<mark>" in html
    assert "found in Spanish" in html


def test_a_seed_solution_says_its_own_year_and_when_it_came_to_metroscope(client):
    html = client.get("/fr/exchange/solutions/the-sharing-city-seoul/").content.decode()
    assert "<dt>Année de lancement</dt><dd>2012</dd>" in html
    assert "Sur Metroscope depuis" in html
    assert ">Publié<" not in html
