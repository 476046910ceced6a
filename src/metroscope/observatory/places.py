"""Which real places become metros, so that no place appears twice.

Every GHSL urban centre is a metro. A UN WUP urban agglomeration joins the urban centre it
describes — first where the member crosswalk says so, then by country, name and distance —
and stands alone only where no centre matches. Members attach to the metro of their GHSL
match; a member with none (Victoria, Seychelles) gets a metro of its own. Pure functions over
plain rows: the loader writes the result.
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
GHSL_ANCHORS = {"primary", "part_of", "part_of_probable", "overlap", "seat_only"}
PAIRING = {"primary", "part_of"}


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
    members: dict[str, tuple[str, str]] = field(default_factory=dict)  # code -> (relation, note)

    def add_alias(self, name: str, origin: str) -> None:
        for variant in name_variants(name):
            self.aliases.setdefault(fold(variant), (variant, origin))


@dataclass(frozen=True)
class MemberPoint:
    code: str
    name: str
    iso3: str
    country: str
    lat: float
    lon: float


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


def plan_metros(
    ghsl: dict[int, Place],
    wup: dict[int, Place],
    members: dict[str, MemberPoint],
    links: Iterable[CrosswalkLink],
) -> list[MetroSpec]:
    """The metros to hold, member metros first so the best-known places get the plain codes."""
    member_ghsl: dict[str, CrosswalkLink] = {}
    member_wup: dict[str, CrosswalkLink] = {}
    member_who: dict[str, list[CrosswalkLink]] = defaultdict(list)
    for link in links:
        if link.dataset == "ghsl_ucdb2015" and link.match_type in GHSL_ANCHORS:
            member_ghsl[link.member] = link
        elif link.dataset == "wup2018" and link.match_type in PAIRING | {"seat_only"}:
            member_wup[link.member] = link
        elif link.dataset == "who_aaq2022" and link.match_type in {"primary", "core_city"}:
            member_who[link.member].append(link)
    fixed: dict[int, int] = {}
    candidates = []
    for code, g_link in member_ghsl.items():
        w_link = member_wup.get(code)
        if w_link and g_link.match_type in PAIRING and w_link.match_type in PAIRING:
            both_primary = g_link.match_type == w_link.match_type == "primary"
            candidates.append(
                (not both_primary, code, int(w_link.entity_id), int(g_link.entity_id))
            )
    # A member matched as `primary` on both sides pairs first: Seoul's agglomeration goes with
    # the Seoul urban centre, not Incheon's (which lies inside that centre).
    for _, _, wup_id, ghsl_id in sorted(candidates):
        if ghsl_id not in fixed.values():
            fixed.setdefault(wup_id, ghsl_id)
    pairs = match_agglomerations(ghsl, wup, fixed)
    wup_of_ghsl = {g: (w, how, d) for w, (g, how, d) in pairs.items()}

    specs: dict[tuple[str, int], MetroSpec] = {}
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
            specs[key] = spec
        return specs[key]

    for code in sorted(members):
        m = members[code]
        anchor = member_ghsl.get(code)
        if anchor and int(anchor.entity_id) in ghsl:
            spec = ghsl_spec(int(anchor.entity_id))
            relation, note = anchor.match_type, anchor.note
        else:
            spec = MetroSpec(
                code=_unique_code(slugify(m.name), code, used),
                name=m.name,
                iso3=m.iso3,
                country=m.country,
                lat=m.lat,
                lon=m.lon,
                kind="core_city",
            )
            spec.add_alias(m.name, "member registry")
            specs[("member", len(specs))] = spec
            relation, note = "own", "no urban centre or agglomeration in the datasets"
        spec.members[code] = (relation, note)
        spec.add_alias(m.name, "member registry")
        for who in member_who.get(code, ()):
            spec.add_alias(who.entity_name, "WHO AAQ 2022")

    for ghsl_id in sorted(ghsl):
        ghsl_spec(ghsl_id)
    for w in sorted(wup.values(), key=lambda p: p.id):
        if w.id in pairs:
            continue
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
        specs[("wup", w.id)] = spec
    return list(specs.values())
