"""Which real places become metros, so that no place appears twice, and how members link to them.

Every GHSL urban centre is a metro. A UN WUP urban agglomeration joins the urban centre it
describes — where one member calls both its own, then by country, name and distance — and
stands alone where no centre matches or a member calls it its own without the centre. Each
member has one `own` place and may lie in, overlap or have its seat in another (see
`plan_metros`). Pure functions over plain rows: the loader writes the result.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.text import slugify

from metroscope.core.text import fold

NAME_RADIUS_KM = 60.0  # a same-name centre this close is the same place
NEAR_RADIUS_KM = 10.0  # a centre this close is the same place whatever the spelling


@dataclass(frozen=True)
class Place:
    """A row of a reference table: a GHSL centre or a WUP agglomeration."""

    id: int
    name: str
    iso3: str
    country: str
    lat: float
    lon: float


@dataclass(frozen=True)
class CrosswalkLink:
    member: str  # member code
    dataset: str
    entity_id: str
    entity_name: str
    match_type: str
    note: str


LINK_ORDER = ("own", "component", "seat", "part_of", "part_of_probable", "overlap")


@dataclass
class MetroSpec:
    code: str
    name: str
    iso3: str
    country: str
    lat: float
    lon: float
    kind: str
    ghsl_id: int | None = None
    wup_id: int | None = None
    wup_match: str = ""
    wup_distance_km: float | None = None
    aliases: dict[str, tuple[str, str]] = field(default_factory=dict)  # folded -> (name, origin)
    # member code -> (relation, note, source of the link)
    members: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    components: list[tuple[str, int]] = field(default_factory=list)  # (dataset, entity id)

    def add_alias(self, name: str, origin: str) -> None:
        for variant in name_variants(name):
            self.aliases.setdefault(fold(variant), (variant, origin))

    def link(self, member: str, relation: str, note: str, source: str) -> None:
        """Link a member; at one metro the closer relation wins (own, then component...)."""
        current = self.members.get(member)
        if current is None or LINK_ORDER.index(relation) < LINK_ORDER.index(current[0]):
            self.members[member] = (relation, note, source)

    def own_members(self) -> list[str]:
        return [code for code, (relation, _, _) in self.members.items() if relation == "own"]


@dataclass(frozen=True)
class MemberPoint:
    code: str
    name: str
    iso3: str
    country: str
    lat: float
    lon: float
    region: bool = False  # a region, province or state


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine, mean Earth radius)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


_SPLIT = re.compile(r"\s*(?:[()\[\]/;,]|\s-\s)\s*")


def name_variants(name: str) -> list[str]:
    """A name and its parts: "Krung Thep (Bangkok)" gives itself, "Krung Thep" and "Bangkok"."""
    name = name.strip()
    if not name:
        return []
    parts = [p for p in _SPLIT.split(name) if len(p) > 1]
    return list(dict.fromkeys([name, *parts]))


def _folded_variants(name: str) -> set[str]:
    """Variants for matching only: also splits "New York-Newark" at the hyphen."""
    variants = {fold(v) for v in name_variants(name)}
    variants |= {fold(p) for v in name_variants(name) for p in v.split("-") if len(p) > 3}
    return variants - {""}


def match_agglomerations(
    ghsl: dict[int, Place],
    wup: dict[int, Place],
    fixed: dict[int, int],
) -> dict[int, tuple[int, str, float]]:
    """Pair WUP agglomerations with GHSL centres: wup id -> (ghsl id, how, distance km).

    `fixed` pairs (from the member crosswalk) win; the rest match by same country and a shared
    name within NAME_RADIUS_KM, else the nearest centre within NEAR_RADIUS_KM. A centre takes
    at most one agglomeration.
    """
    result: dict[int, tuple[int, str, float]] = {}
    taken: set[int] = set()
    for wup_id, ghsl_id in fixed.items():
        if wup_id in wup and ghsl_id in ghsl and ghsl_id not in taken:
            w, g = wup[wup_id], ghsl[ghsl_id]
            d = round(distance_km(w.lat, w.lon, g.lat, g.lon), 1)
            result[wup_id] = (ghsl_id, "member crosswalk", d)
            taken.add(ghsl_id)
    by_country: dict[str, list[Place]] = defaultdict(list)
    for place in ghsl.values():
        by_country[place.iso3].append(place)
    folded = {g.id: _folded_variants(g.name) for g in ghsl.values()}
    for w in sorted(wup.values(), key=lambda p: p.id):
        if w.id in result:
            continue
        names = _folded_variants(w.name)
        best: tuple[float, int, str] | None = None
        for g in by_country.get(w.iso3, ()):
            if g.id in taken:
                continue
            d = distance_km(w.lat, w.lon, g.lat, g.lon)
            if d <= NAME_RADIUS_KM and names & folded[g.id]:
                candidate = (d, g.id, "country, name and distance")
            elif d <= NEAR_RADIUS_KM:
                candidate = (d + NAME_RADIUS_KM, g.id, "country and distance")  # names win
            else:
                continue
            if best is None or candidate < best:
                best = candidate
        if best is not None:
            d, ghsl_id, how = best
            real = d - NAME_RADIUS_KM if how == "country and distance" else d
            result[w.id] = (ghsl_id, how, round(real, 1))
            taken.add(ghsl_id)
    return result


def _unique_code(base: str, fallback: str, used: set[str]) -> str:
    for code in (base, fallback):
        if code and code not in used:
            used.add(code)
            return code
    n = 2
    while f"{fallback}-{n}" in used:
        n += 1
    used.add(f"{fallback}-{n}")
    return f"{fallback}-{n}"


OWN = "own"
# crosswalk match type of the 2015 urban centre -> the relation of a member that is not its own
CENTRE_RELATION = {
    "part_of": "part_of",
    "part_of_probable": "part_of_probable",
    "overlap": "overlap",
    "seat_only": "seat",
}
GHSL_SOURCE = "member crosswalk, GHSL UCDB 2015"
WUP_SOURCE = "member crosswalk, UN WUP 2018"


@dataclass
class MemberLinks:
    """One member's rows of the crosswalk, sorted by what they say."""

    ghsl: CrosswalkLink | None = None
    wup: CrosswalkLink | None = None
    components: list[CrosswalkLink] = field(default_factory=list)

    @property
    def own_wup(self) -> int | None:
        if self.wup and self.wup.match_type == "primary" and self.wup.entity_id:
            return int(self.wup.entity_id)
        return None

    @property
    def own_ghsl(self) -> int | None:
        if self.ghsl and self.ghsl.match_type == "primary" and self.ghsl.entity_id:
            return int(self.ghsl.entity_id)
        return None


def _member_links(links: Iterable[CrosswalkLink]) -> dict[str, MemberLinks]:
    found: dict[str, MemberLinks] = defaultdict(MemberLinks)
    for link in links:
        if link.dataset not in {"ghsl_ucdb2015", "wup2018"}:
            continue
        entry = found[link.member]
        if link.match_type == "component":
            entry.components.append(link)
        elif link.dataset == "ghsl_ucdb2015":
            entry.ghsl = link
        else:
            entry.wup = link
    return found


def _fixed_pairs(by_member: dict[str, MemberLinks]) -> dict[int, int]:
    """WUP agglomeration -> GHSL centre, where one member names both as its own place.

    A centre that two members each call their own with different agglomerations (Taipei and
    New Taipei) pairs with neither: each member keeps its own agglomeration as its place.
    """
    claims: dict[int, set[int]] = defaultdict(set)
    for entry in by_member.values():
        if entry.components:
            continue
        if entry.own_ghsl is not None and entry.own_wup is not None:
            claims[entry.own_ghsl].add(entry.own_wup)
    return {next(iter(wups)): ghsl for ghsl, wups in claims.items() if len(wups) == 1}


def plan_metros(
    ghsl: dict[int, Place],
    wup: dict[int, Place],
    members: dict[str, MemberPoint],
    links: Iterable[CrosswalkLink],
) -> list[MetroSpec]:
    """The metros to hold, member metros first so the best-known places get the plain codes.

    Each member gets exactly one `own` place, the one it governs: the sum of its components
    (Gauteng's six agglomerations, the Federal District's urban centres), else its own UN
    agglomeration, else its own urban centre, else a place of its own (a city or region the
    datasets do not hold). The urban centre it lies in, overlaps or has as its seat is linked
    with that relation: its figures are that wider place's, never the member's.
    """
    links = list(links)
    by_member = _member_links(links)
    fixed = _fixed_pairs(by_member)
    # A member's own agglomeration that did not pair with a centre stands alone: matching it
    # by name would put Brasília's agglomeration on the Plano Piloto's centre.
    claimed = {w for e in by_member.values() if (w := e.own_wup) is not None and w not in fixed}
    pairs = match_agglomerations(ghsl, {k: v for k, v in wup.items() if k not in claimed}, fixed)
    wup_of_ghsl = {g: (w, how, d) for w, (g, how, d) in pairs.items()}

    specs: dict[tuple[str, int | str], MetroSpec] = {}
    used: set[str] = set()

    def ghsl_spec(ghsl_id: int) -> MetroSpec:
        key = ("ghsl", ghsl_id)
        if key not in specs:
            g = ghsl[ghsl_id]
            name = g.name or f"Unnamed urban centre {g.id}"
            fallback = f"{slugify(name)}-{g.iso3.lower()}" if g.name else f"urban-centre-{g.id}"
            spec = MetroSpec(
                code=_unique_code(slugify(g.name), fallback, used),
                name=name,
                iso3=g.iso3,
                country=g.country,
                lat=g.lat,
                lon=g.lon,
                kind="urban_centre",
                ghsl_id=g.id,
            )
            spec.add_alias(name, "GHSL UCDB 2015")
            if g.id in wup_of_ghsl:
                wup_id, how, d = wup_of_ghsl[g.id]
                spec.wup_id, spec.wup_match, spec.wup_distance_km = wup_id, how, d
                spec.add_alias(wup[wup_id].name, "UN WUP 2018")
                # The agglomeration names the country: GHSL files a cross-border centre under
                # its majority country (Tijuana under the United States).
                spec.iso3, spec.country = wup[wup_id].iso3, wup[wup_id].country
            specs[key] = spec
        return specs[key]

    held: dict[int, MetroSpec] = {}  # agglomerations a composite member holds as its own

    def wup_spec(wup_id: int) -> MetroSpec:
        if wup_id in held:
            return held[wup_id]
        if wup_id in pairs:
            return ghsl_spec(pairs[wup_id][0])
        key = ("wup", wup_id)
        if key not in specs:
            w = wup[wup_id]
            spec = MetroSpec(
                code=_unique_code(slugify(w.name), f"{slugify(w.name)}-{w.iso3.lower()}", used),
                name=w.name,
                iso3=w.iso3,
                country=w.country,
                lat=w.lat,
                lon=w.lon,
                kind="urban_agglomeration",
                wup_id=w.id,
                wup_match="no urban centre matched",
            )
            spec.add_alias(w.name, "UN WUP 2018")
            specs[key] = spec
        return specs[key]

    def entity_spec(link: CrosswalkLink) -> MetroSpec | None:
        if not link.entity_id:
            return None
        entity = int(link.entity_id)
        if link.dataset == "ghsl_ucdb2015":
            return ghsl_spec(entity) if entity in ghsl else None
        return wup_spec(entity) if entity in wup else None

    def member_spec(m: MemberPoint, kind: str) -> MetroSpec:
        spec = MetroSpec(
            code=_unique_code(slugify(m.name), m.code, used),
            name=m.name,
            iso3=m.iso3,
            country=m.country,
            lat=m.lat,
            lon=m.lon,
            kind=kind,
        )
        specs[("member", m.code)] = spec
        return spec

    for code in sorted(members):
        m = members[code]
        entry = by_member.get(code, MemberLinks())
        own: MetroSpec | None
        if entry.components:
            own = member_spec(m, "region" if m.region else "metropolitan_area")
            parts = list(entry.components)
            if entry.own_ghsl is not None and entry.ghsl is not None:
                parts.insert(0, entry.ghsl)  # Brasília: the Plano Piloto is one of the parts
            for part in parts:
                if entity_spec(part) is not None:
                    own.components.append((part.dataset, int(part.entity_id)))
            if entry.own_wup is not None and entry.own_wup in wup:
                agglomeration = wup[entry.own_wup]
                own.wup_id = agglomeration.id
                own.wup_match = "member crosswalk (the member's own)"
                held[agglomeration.id] = own
                own.add_alias(agglomeration.name, "UN WUP 2018")
            relation, note = OWN, "sum of its components, within each source"
            source = "member crosswalk, components"
        elif entry.own_wup is not None and entry.own_wup in wup:
            own = wup_spec(entry.own_wup)
            relation, note, source = OWN, entry.wup.note if entry.wup else "", WUP_SOURCE
        elif entry.own_ghsl is not None and entry.own_ghsl in ghsl:
            own = ghsl_spec(entry.own_ghsl)
            relation, note, source = OWN, entry.ghsl.note if entry.ghsl else "", GHSL_SOURCE
        else:
            wider = {
                entry.ghsl.match_type if entry.ghsl else "",
                entry.wup.match_type if entry.wup else "",
            }
            kind = "region" if m.region or wider & {"seat_only", "overlap"} else "core_city"
            own = member_spec(m, kind)
            relation, note = OWN, "no urban centre or agglomeration of its own"
            source = "member registry"
        # The member's country is its place's: national figures follow it.
        own.iso3, own.country = m.iso3, m.country or own.country
        own.link(code, relation, note, source)
        own.add_alias(m.name, "member registry")
        for link in (entry.ghsl, entry.wup):
            if link is None or link.match_type not in CENTRE_RELATION:
                continue
            wider_spec = entity_spec(link)
            if wider_spec is not None and wider_spec is not own:
                source = GHSL_SOURCE if link.dataset == "ghsl_ucdb2015" else WUP_SOURCE
                wider_spec.link(code, CENTRE_RELATION[link.match_type], link.note, source)
        for part in entry.components:
            part_spec = entity_spec(part)
            if part_spec is not None and part_spec is not own:
                source = GHSL_SOURCE if part.dataset == "ghsl_ucdb2015" else WUP_SOURCE
                part_spec.link(code, "component", part.note, source)

    for ghsl_id in sorted(ghsl):
        ghsl_spec(ghsl_id)
    for wup_id in sorted(wup):
        wup_spec(wup_id)
    return list(specs.values())
