"""Turn what people type (a metro name, an indicator, a country) into catalogue rows.

A metro name resolves in the order a person means it: the metro's code, then a metro of exactly
that name (in the country, when one is given), then the own place of a member of that name,
then the other names of metros (aliases). Matching is accent- and case-insensitive
(core.text.fold). The first step that knows the name decides: one metro resolves, several are
ambiguous; a user's scope (an officer's members' metros) narrows the candidates first. What
stays unknown or ambiguous is reported with the candidates and their codes, on the exception
(`Unresolved.candidates`) for pages to offer them, and in its message.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from metroscope.core.exports import unneutralise
from metroscope.core.text import fold
from metroscope.members.models import Country
from metroscope.observatory.models import (
    Indicator,
    Metro,
    MetroAlias,
    MetroMember,
    PlaceRelation,
    Source,
)

# Words that describe a kind of place rather than name one. A dataset's "Barcelona (city)"
# yields the part "city" as a variant; such a part is never taken as another name of a metro.
GENERIC_NAMES = frozenset(
    fold(word)
    for word in (
        "city",
        "city proper",
        "capital",
        "capital city",
        "town",
        "municipality",
        "metropolitan area",
        "metropolitan region",
        "metro area",
        "metropolis",
        "urban area",
        "urban centre",
        "urban center",
        "urban agglomeration",
        "agglomeration",
        "region",
        "province",
        "state",
        "county",
        "district",
        "prefecture",
        "greater",
        "centre",
        "center",
        "ville",
        "aire métropolitaine",
        "métropole",
        "ciudad",
        "área metropolitana",
        "cidade",
        "região metropolitana",
    )
)


def is_generic(folded: str) -> bool:
    """A folded name that only says what kind of place it is ("city")."""
    return folded in GENERIC_NAMES


# How datasets dress a place's name with the kind of government: the WHO's "City Of
# Johannesburg", "Gyeonggi-Do", "Shenzhen Shi". Tried only when the whole name is unknown.
_DRESSING = re.compile(
    r"^(?:(?:metropolitan )?(?:city|municipality|district|province|prefecture) of )?"
    r"(?P<name>.+?)"
    r"(?: (?:do|si|shi|gun|gu|ken|fu|to|city|metropolitan city|special city|municipality|"
    r"province|prefecture))?$"
)


def bare_name(folded: str) -> str:
    """A folded name without the words that only say what kind of government it is."""
    match = _DRESSING.match(folded)
    bare = match["name"] if match else folded
    return bare if len(bare) > 1 and bare not in GENERIC_NAMES else folded


_QUALIFIER = re.compile(r"^(?P<name>.+?)\s*\((?P<kind>[^()]*)\)\s*$")


def member_names(name: str) -> set[str]:
    """A member's name as people write it, folded: "Barcelona (city)" is also "Barcelona" —
    the bracket only says which kind of government, a generic word."""
    names = {fold(name)}
    qualified = _QUALIFIER.match(name)
    if qualified and fold(qualified["kind"]) in GENERIC_NAMES:
        names.add(fold(qualified["name"]))
    return names - {""}


@dataclass(frozen=True)
class MetroRef:
    id: int
    code: str
    name: str
    iso3: str

    def __str__(self) -> str:
        return f"{self.name} ({self.iso3}, code {self.code})"


class Unresolved(ValueError):
    """The text names no metro, or several; `candidates` are the metros it may mean."""

    def __init__(
        self, message: str, candidates: Iterable[MetroRef] = (), *, ambiguous: bool = False
    ) -> None:
        super().__init__(message)
        self.candidates = list(candidates)
        self.ambiguous = ambiguous


class MetroResolver:
    """`scope`: the metros the person may mean first (an officer's members' metros); None for
    everyone. It narrows an ambiguous name; it never makes a name outside it unknown."""

    def __init__(self, scope: Iterable[int] | None = None) -> None:
        self.scope = None if scope is None else frozenset(scope)
        self.refs: dict[int, MetroRef] = {}
        self.by_code: dict[str, int] = {}
        self.by_name: dict[str, set[int]] = defaultdict(set)
        self.by_member: dict[str, set[int]] = defaultdict(set)
        self.by_alias: dict[str, set[int]] = defaultdict(set)
        for pk, code, name, folded, iso3 in Metro.objects.values_list(
            "pk", "code", "name", "folded", "country_iso3"
        ).iterator(chunk_size=5000):
            self.refs[pk] = MetroRef(pk, code, name, iso3)
            self.by_code[code] = pk
            self.by_name[folded].add(pk)
        for metro_id, member_name in MetroMember.objects.filter(
            relation=PlaceRelation.OWN
        ).values_list("metro_id", "member__name"):
            for name in member_names(member_name):
                self.by_member[name].add(metro_id)
        for metro_id, folded in MetroAlias.objects.values_list("metro_id", "folded").iterator(
            chunk_size=5000
        ):
            if folded and folded not in GENERIC_NAMES:
                self.by_alias[folded].add(metro_id)
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
            try:  # a code such as "-chn-106" as the Observatory's downloads defused it
                hit = self._resolve(unneutralise(text), country)
            except Unresolved as exc:
                hit = exc
            self._cache[key] = hit
        if isinstance(hit, Unresolved):
            raise hit
        return hit

    def candidates(self, text: str, country: str = "") -> list[MetroRef]:
        """The metros `text` may mean: the one it resolves to, or the candidates it offers."""
        try:
            return [self.refs[self.resolve(text, country)]]
        except Unresolved as exc:
            return exc.candidates

    def _sorted(self, ids: Iterable[int]) -> list[MetroRef]:
        return sorted((self.refs[i] for i in ids), key=lambda r: (r.name, r.iso3, r.code))

    def _resolve(self, text: str, country: str) -> int:
        text = text.strip()
        if not text:
            raise Unresolved("the metro is empty")
        if text in self.by_code:  # a code exactly as written: "Barcelona" is a name
            return self.by_code[text]
        iso3 = None
        if country.strip():
            iso3 = self.country(country)
            if iso3 is None:
                raise Unresolved(f"unknown country {country!r}")
        folded = fold(text)
        for form in dict.fromkeys([folded, bare_name(folded)]):
            found = self._lookup(form, iso3)
            if len(found) == 1:
                return found.pop()
            if found:
                raise self._ambiguous(text, found, iso3)
        closest = self._closest(folded, iso3)
        shown = f"; closest: {'; '.join(str(r) for r in closest)}" if closest else ""
        raise Unresolved(f"unknown metro {text!r}{shown}", closest)

    def _lookup(self, folded: str, iso3: str | None) -> set[int]:
        """The metros of the first step that knows the folded name (narrowed by country and
        scope); empty when none does."""
        for index in (self.by_name, self.by_member, self.by_alias):
            ids = set(index.get(folded, ()))
            if iso3:
                ids = {i for i in ids if self.refs[i].iso3 == iso3}
            if self.scope is not None and len(ids) > 1:
                ids = (ids & self.scope) or ids
            if iso3 and len(ids) > 1 and index is self.by_name:
                # Two places of that name in the country: the one a member of that name
                # calls its own is the one meant.
                ids = (ids & self.by_member.get(folded, set())) or ids
            if ids:
                return ids
        return set()

    def _ambiguous(self, text: str, ids: set[int], iso3: str | None) -> Unresolved:
        refs = self._sorted(ids)
        listed = "; ".join(str(r) for r in refs[:12])
        more = f" and {len(refs) - 12} more" if len(refs) > 12 else ""
        if iso3:
            return Unresolved(
                f"{text!r} names {len(refs)} metros in {iso3}, even with the country given: "
                f"{listed}{more} — use one of these codes",
                refs,
                ambiguous=True,
            )
        return Unresolved(
            f"{text!r} names {len(refs)} metros: {listed}{more} — give the country or use one "
            "of these codes",
            refs,
            ambiguous=True,
        )

    def _closest(self, folded: str, iso3: str | None) -> list[MetroRef]:
        """Up to three names close to the text (closest first), as the metros they name."""
        indexes = (self.by_name, self.by_member, self.by_alias)
        pool = {n for index in indexes for n in index}
        if iso3:
            pool = {
                n
                for n in pool
                if any(self.refs[i].iso3 == iso3 for index in indexes for i in index.get(n, ()))
            }
        close = difflib.get_close_matches(folded, list(pool), n=3, cutoff=0.72)
        ids: dict[int, None] = {}
        for name in close:
            for index in indexes:
                for i in sorted(index.get(name, ())):
                    if not iso3 or self.refs[i].iso3 == iso3:
                        ids.setdefault(i)
        return [self.refs[i] for i in ids][:6]


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
