"""Country names for the Exchange: CLDR's (`core.countries`, one name per country per
language across the site), else the registry's own name for a code CLDR does not know."""

from __future__ import annotations

from collections.abc import Iterable

from metroscope.core.countries import active_language, alpha2, cldr_name
from metroscope.members.models import Country

__all__ = ["active_language", "alpha2", "cldr_name", "country_name", "country_names"]


def country_names(codes: Iterable[str], language: str | None = None) -> dict[str, str]:
    """Each alpha-3 code's name in the language (the active one by default), in at most one
    query: CLDR's, else the registry's, else the code."""
    language = language or active_language()
    wanted = {code for code in codes if code}
    names = {code: cldr_name(code, language) for code in wanted}
    unknown = [code for code, name in names.items() if not name]
    registry = {c.iso3: c for c in Country.objects.filter(iso3__in=unknown)} if unknown else {}
    out: dict[str, str] = {}
    for code in wanted:
        country = registry.get(code)
        own = getattr(country, f"name_{language}", "") if country is not None else ""
        out[code] = names[code] or own or (country.name if country else "") or code
    return out


def country_name(code: str, language: str | None = None) -> str:
    return country_names([code], language).get(code, code)
