"""Every Observatory page shows the same figures in English, French and Spanish: each page is
rendered in the three languages and every number of its figure cells must be there in each."""

from __future__ import annotations

import re
from collections import Counter
from html import unescape

import pytest

from tests.conftest import client_for

pytestmark = pytest.mark.django_db

PAGES = [
    "/observatory/",
    "/observatory/indicators/pm25_annual_mean/",
    "/observatory/indicators/gender_earnings_gap_urban/",
    "/observatory/indicators/life_expectancy_at_birth/",
    "/observatory/metros/barcelona/",
    "/observatory/metros/seoul/",
    "/observatory/compare/?metros=barcelona,seoul,sao-paulo",
    "/observatory/gender/",
]

CELL = re.compile(r'<td class="num"[^>]*>(.*?)</td>', re.S)
TAG = re.compile(r"<[^>]+>")
# Each language writes numbers its own way: 1,234.5 · 1 234,5 · 1.234,5 (Django's formats).
NUMBER = {
    "en": (re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"), ",", "."),
    "fr": (
        re.compile(r"\d{1,3}(?:[\u00a0\u202f ]\d{3})+(?:,\d+)?|\d+(?:,\d+)?"),
        "\u00a0\u202f ",
        ",",
    ),
    "es": (
        re.compile(r"\d{1,3}(?:[\u00a0\u202f .]\d{3})+(?:,\d+)?|\d+(?:,\d+)?"),
        "\u00a0\u202f .",
        ",",
    ),
}


def figures(path: str, lang: str) -> Counter[float]:
    prefix = "" if lang == "en" else f"/{lang}"
    response = client_for(None).get(prefix + path, HTTP_HOST="127.0.0.1")
    assert response.status_code == 200, (lang, path)
    pattern, grouping, decimal = NUMBER[lang]
    found: Counter[float] = Counter()
    for cell in CELL.findall(response.content.decode()):
        text = unescape(TAG.sub(" ", cell))
        for token in pattern.findall(text):
            for sep in grouping:
                token = token.replace(sep, "")
            found[float(token.replace(decimal, "."))] += 1
    return found


@pytest.mark.parametrize("path", PAGES)
def test_every_figure_shown_in_english_is_shown_in_french_and_spanish(path):
    english = figures(path, "en")
    assert english, f"{path} shows no figure in English"
    for lang in ("fr", "es"):
        missing = english - figures(path, lang)
        assert not missing, f"{lang}{path} lacks figures shown in English: {sorted(missing)}"


def headline_table(lang: str) -> str:
    text = client_for(None).get(f"{lang}/observatory/", HTTP_HOST="127.0.0.1").content.decode()
    return text.split('id="headlines"', 1)[1].split("</table>", 1)[0]


def test_each_plan_metric_keeps_its_catalogue_indicator_and_figure_in_every_language():
    """The table once matched the plan's metrics on their translated names: in French and
    Spanish each metric said no indicator measures it, and the indicators trailed below."""
    english = headline_table("")
    rows = english.count("<tr>") - 1  # the head's
    linked = english.count('<th scope="row"><a href=')
    figures = english.count("<strong>")
    assert linked == rows >= 6
    assert figures >= 5
    for lang in ("/fr", "/es"):
        table = headline_table(lang)
        assert table.count("<tr>") - 1 == rows, lang
        assert table.count('<th scope="row"><a href=') == linked, lang
        assert table.count("<strong>") == figures, lang


def test_the_plan_figures_that_use_another_definition_say_so_in_every_language():
    for lang, words in [
        ("", "another definition"),
        ("/fr", "autre définition"),
        ("/es", "otra definición"),
    ]:
        table = unescape(headline_table(lang))
        assert table.count(words) == 3, lang  # the pay gap, poverty and fiscal autonomy
        assert "ug/m3" not in table, lang
        assert "km2" not in table, lang
