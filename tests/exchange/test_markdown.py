"""A solution's description and its translations reach the page only as sanitised Markdown."""

from __future__ import annotations

import pytest
from django.test import Client

from metroscope.exchange.models import SolutionTranslation
from tests.core.test_markdown import ATTACKS, assert_harmless, markup
from tests.exchange.conftest import make_solution


@pytest.mark.django_db
def test_solution_page_shows_only_sanitised_description_and_translation():
    evil = "\n\n".join(ATTACKS) + "\n\n**Safe words** stay."
    solution = make_solution(slug="evil-description", description=evil)
    SolutionTranslation.objects.create(
        solution=solution, language="fr", title="Titre", summary="Résumé", description=evil
    )
    for path in (
        "/exchange/solutions/evil-description/",
        "/fr/exchange/solutions/evil-description/",
    ):
        page = Client().get(path, HTTP_HOST="127.0.0.1").content.decode()
        start = page.index('<div class="description"')
        description = page[start : page.index("</section>", start)]
        assert_harmless(description.removeprefix(description.split(">")[0] + ">"))
        assert "<strong>Safe words</strong>" in description
        main = page[page.index("<main") : page.index("</main>")]
        assert not any(tag in {"script", "img", "iframe", "style"} for tag, _ in markup(main))
