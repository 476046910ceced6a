"""Turn what people type (a metro name, an indicator, a country) into catalogue rows.

Matching is accent- and case-insensitive (core.text.fold) over metro codes, names and aliases,
including the names of the members that operate in a metro. A name several metros share is
disambiguated by the country; what stays unknown or ambiguous is reported with candidates.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from dataclasses import dataclass

from metroscope.core.text import fold
from metroscope.members.models import Country
from metroscope.observatory.models import Indicator, Metro, MetroAlias, Source


@dataclass(frozen=True)
class MetroRef:
    id: int
    code: str
    name: str
    iso3: str


class Unresolved(ValueError):
    """The text names no metro, or several."""


class MetroResolver:
    def __init__(self) -> None:
        self.refs: dict[int, MetroRef] = {}
        self.by_code: dict[str, int] = {}
        self.by_name: dict[str, set[int]] = defaultdict(set)
        for pk, code, name, folded, iso3 in Metro.objects.values_list(
            "pk", "code", "name", "folded", "country_iso3"
        ).iterator(chunk_size=5000):
            self.refs[pk] = MetroRef(pk, code, name, iso3)
            self.by_code[code] = pk
            self.by_name[folded].add(pk)
        for metro_id, folded in MetroAlias.objects.values_list("metro_id", "folded").iterator(
            chunk_size=5000
        ):
            self.by_name[folded].add(metro_id)
        self.countries = self._country_names()
        self._cache: dict[tuple[str, str], int | Unresolved] = {}

    def _country_names(self) -> dict[str, str]:
        names: dict[str, str] = {}
        for iso3, country in Metro.objects.values_list("country_iso3", "country_name").distinct():
            names[iso3.lower()] = iso3
            if country:
                names[fold(country)] = iso3
        for iso3, iso2, name in Country.objects.values_list("iso3", "iso2", "name_en"):
            names[iso2.lower()] = iso3
            names[fold(name or "")] = iso3
        names.pop("", None)
        return names

    def country(self, text: str) -> str | None:
        return self.countries.get(text.strip().lower()) or self.countries.get(fold(text))

    def resolve(self, text: str, country: str = "") -> int:
        """The metro id for a code, name or alias; Unresolved with candidates otherwise."""
        key = (text, country)
        hit = self._cache.get(key)
        if hit is None:
            try:
                hit = self._resolve(text, country)
            except Unresolved as exc:
                hit = exc
            self._cache[key] = hit
        if isinstance(hit, Unresolved):
            raise hit
        return hit

    def _describe(self, ids: set[int] | list[int]) -> str:
        """Sets are shown sorted by name; lists (closest first) keep their order."""
        refs = [self.refs[i] for i in ids]
        if isinstance(ids, set):
            refs.sort(key=lambda r: (r.name, r.iso3))
        return "; ".join(f"{r.name} ({r.iso3}, code {r.code})" for r in refs[:6])

    def _resolve(self, text: str, country: str) -> int:
        text = text.strip()
        if not text:
            raise Unresolved("the metro is empty")
        if text in self.by_code:  # a code, exactly as written (codes are lower-case)
            return self.by_code[text]
        ids = set(self.by_name.get(fold(text), ()))
        iso3 = None
        if country.strip():
            iso3 = self.country(country)
            if iso3 is None:
                raise Unresolved(f"unknown country {country!r}")
            ids = {i for i in ids if self.refs[i].iso3 == iso3}
        if len(ids) == 1:
            return ids.pop()
        if len(ids) > 1:
            raise Unresolved(
                f"{text!r} names {len(ids)} metros: {self._describe(ids)} — "
                "add a country column or use the metro's code"
            )
        raise Unresolved(f"unknown metro {text!r}{self._closest(text, iso3)}")

    def _closest(self, text: str, iso3: str | None) -> str:
        names = self.by_name
        if iso3:
            pool = [n for n, ids in names.items() if any(self.refs[i].iso3 == iso3 for i in ids)]
        else:
            pool = list(names)
        close = difflib.get_close_matches(fold(text), pool, n=3, cutoff=0.72)
        if not close:
            return ""
        ids = [i for n in close for i in sorted(names[n])]
        if iso3:
            ids = [i for i in ids if self.refs[i].iso3 == iso3]
        return f"; closest: {self._describe(list(dict.fromkeys(ids)))}"


class IndicatorResolver:
    def __init__(self) -> None:
        self.indicators = {i.pk: i for i in Indicator.objects.all()}
        self.by_key: dict[str, Indicator] = {}
        for ind in self.indicators.values():
            for key in (ind.code.lower(), fold(ind.code), fold(getattr(ind, "name_en", "") or "")):
                if key:
                    self.by_key.setdefault(key, ind)

    def resolve(self, text: str) -> Indicator:
        ind = self.by_key.get(text.strip().lower()) or self.by_key.get(fold(text))
        if ind is None:
            wanted = text.strip().lower()
            codes = [i.code for i in self.indicators.values()]
            close = [c for c in codes if wanted and wanted in c][:3]
            close = close or difflib.get_close_matches(wanted, codes, n=3, cutoff=0.6)
            hint = f"; closest: {', '.join(close)}" if close else ""
            raise Unresolved(f"unknown indicator {text!r}{hint}")
        return ind


class SourceResolver:
    """Sources by code or title; an unknown text becomes a new source (never lost)."""

    def __init__(self) -> None:
        self.by_key: dict[str, Source] = {}
        for source in Source.objects.all():
            self.by_key[source.code.lower()] = source
            self.by_key.setdefault(fold(source.title), source)

    def resolve(self, text: str) -> Source:
        text = text.strip()
        source = self.by_key.get(text.lower()) or self.by_key.get(fold(text))
        if source is None:
            from django.utils.text import slugify

            base = slugify(text)[:100] or "source"
            code, n = base, 1
            while Source.objects.filter(code=code).exists():
                n += 1
                code = f"{base}-{n}"
            source = Source.objects.create(code=code, title=text[:400])
            self.by_key[text.lower()] = source
            self.by_key[fold(text)] = source
        return source
