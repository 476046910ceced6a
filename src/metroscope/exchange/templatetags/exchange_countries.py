"""Country names in the reader's language for a list of solutions, in one query for the list."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.utils.translation import get_language

from metroscope.exchange import countries

register = template.Library()


@register.filter
def country_names(solutions: Iterable[Any]) -> dict[str, str]:
    """Alpha-3 code → name, for solutions (or items with a `.solution`, as suggestions are)."""
    codes = {getattr(getattr(s, "solution", s), "country_iso3", "") for s in solutions}
    return countries.country_names(codes)


@register.filter
def country_in(code: str, names: dict[str, str]) -> str:
    return names.get(code, code)


@register.filter
def in_reader_language(solution: Any) -> Any:
    """The solution's title and summary in the active language when a translation exists
    (prefetched by selectors.solution_cards), else its own: an object with language, title,
    summary."""
    wanted = get_language() or ""
    if solution.language != wanted:
        for translation in solution.translations.all():
            if translation.language == wanted:
                return translation
    return solution
