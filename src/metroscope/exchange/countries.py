"""Country names in the reader's language: the registry's own translation (members.Country)
where it has one, else the name in Unicode's CLDR as Babel ships it. CLDR also gives the
ISO 3166-1 alpha-3 → alpha-2 step (its "overlong" territory aliases, e.g. DNK → DK), so no
hand-made list of countries is kept here."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from babel import Locale
from babel.core import UnknownLocaleError, get_global
from django.conf import settings
from django.utils.translation import get_language

from metroscope.members.models import Country


def active_language() -> str:
    return (get_language() or settings.LANGUAGE_CODE).split("-")[0]


@cache
def alpha2(iso3: str) -> str | None:
    """The alpha-2 code CLDR gives for an alpha-3 code, or None when it knows none."""
    replacements = get_global("territory_aliases").get(iso3.upper())
    if not replacements or len(replacements[0]) != 2:
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


def country_names(codes: Iterable[str], language: str | None = None) -> dict[str, str]:
    """Each alpha-3 code's name in the language (the active one by default), in one query:
    the registry's translation, else CLDR's, else the registry's English, else the code."""
    language = language or active_language()
    wanted = {code for code in codes if code}
    registry = {c.iso3: c for c in Country.objects.filter(iso3__in=wanted)} if wanted else {}
    names: dict[str, str] = {}
    for code in wanted:
        country = registry.get(code)
        own = getattr(country, f"name_{language}", "") if country is not None else ""
        names[code] = own or cldr_name(code, language) or (country.name if country else "") or code
    return names


def country_name(code: str, language: str | None = None) -> str:
    return country_names([code], language).get(code, code)
