"""Country names in the reader's language from one maintained source: Unicode's CLDR as Babel
ships it, so a country has one name per language everywhere (the member registry, the
Observatory, the Exchange, charts and downloads). CLDR also gives the ISO 3166-1 alpha-3 →
alpha-2 step (its "overlong" territory aliases, e.g. DNK → DK), so no hand-made list is kept.
A code CLDR does not know keeps the name its caller had (the source's), else the code."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from babel import Locale
from babel.core import UnknownLocaleError, get_global
from django.conf import settings
from django.utils.translation import get_language


def active_language() -> str:
    return (get_language() or settings.LANGUAGE_CODE).split("-")[0]


@cache
def alpha2(iso3: str) -> str | None:
    """The alpha-2 code CLDR gives for an alpha-3 code, or None when it knows none."""
    replacements = get_global("territory_aliases").get(iso3.upper())
    # ZZZ (and other user-assigned codes) alias to ZZ, CLDR's "Unknown Region": not a name.
    if not replacements or len(replacements[0]) != 2 or replacements[0] == "ZZ":
        return None
    return str(replacements[0])


@cache
def cldr_name(iso3: str, language: str) -> str | None:
    """CLDR's name of the country in the language, or None (unknown code or language)."""
    code = alpha2(iso3)
    if code is None:
        return None
    try:
        name = Locale.parse(language).territories.get(code)
    except (UnknownLocaleError, ValueError):
        return None
    return str(name) if name else None


def country_name(iso3: str, language: str | None = None, fallback: str = "") -> str:
    """The country's name in the language (the active one by default): CLDR's, else
    `fallback` (the name the source gave), else the code."""
    if not iso3:
        return fallback
    return cldr_name(iso3, language or active_language()) or fallback or iso3


def country_names(codes: Iterable[str], language: str | None = None) -> dict[str, str]:
    """Each alpha-3 code's name in the language (the active one by default)."""
    language = language or active_language()
    return {code: country_name(code, language) for code in codes if code}
