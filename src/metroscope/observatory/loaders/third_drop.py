"""The third data drop: city greenhouse-gas inventories (CDP-ICLEI), CEADs CO2 of Chinese
prefecture-level cities, the GHSL 2025 urban centres' access to hospitals, and women's share
of local council seats (SDG 5.5.1b, national).

The tidy files come from `scripts/extract_third_drop.py`; `member_crosswalk_third_drop.csv`
says, reviewed by hand, which entity of each dataset is which member's and how:

- `own`: the entity is the member's own government or place. Inventories go on the member's
  own metro, at the scale of the boundary the city states (or, when it only says "our
  administrative boundary", the scale the crosswalk gives that government's territory).
- `part_of`: the member lies in the entity (a 2025 urban centre): the value goes on the metro
  of the 2015 urban centre the member is or lies in, once however many members lie there.
- `none`: no entity, with the reason.

A crosswalk row whose entity is missing from the tidy file stops the load.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from metroscope.core.loading import LoadError, read_csv
from metroscope.members.models import Member
from metroscope.observatory.models import Flag, Scale, Sex

CROSSWALK = "member_crosswalk_third_drop.csv"
CDP = "cdp_citywide_2016_2021"
CEADS = "ceads_city_co2"
GHSL2025 = "ghsl_ucdb2025_health"
TIDY_FILES = {
    CDP: "city_ghg_emissions_cdp.csv",
    CEADS: "city_co2_ceads.csv",
    GHSL2025: "city_health_ghsl2025.csv",
}
SDG_FILE = "country_women_local_seats_sdg551b.csv"
MATCH_TYPES = ("own", "part_of", "none")
OWN_RELATIONS = {"own", "primary"}  # a 2015 link that makes the metro the member's own place
CENTRE_RELATIONS = {"own", "primary", "part_of"}
WIDER = {Scale.CORE_CITY: Scale.METRO, Scale.METRO: Scale.METRO, Scale.REGION: Scale.REGION}


@dataclass(frozen=True)
class Link:
    line: int
    member: str  # member code
    dataset: str
    entity_id: str
    entity_name: str
    match_type: str
    scale: str
    note: str


def read_crosswalk(path: Path, member_codes: dict[str, str]) -> list[Link]:
    """The reviewed crosswalk, checked row by row (member, dataset, match type, scale)."""
    required = ["member_name", "dataset", "entity_id", "entity_name", "match_type", "scale"]
    links = []
    for row in read_csv(path, [*required, "note", "reviewed"]):
        code = member_codes.get(row["member_name"])
        if code is None:
            raise LoadError(path, "unknown member", row=row.line, column="member_name")
        if row["dataset"] not in TIDY_FILES:
            raise LoadError(path, f"unknown dataset {row['dataset']!r}", row=row.line)
        if row["match_type"] not in MATCH_TYPES:
            raise LoadError(
                path, f"match_type must be one of {', '.join(MATCH_TYPES)}", row=row.line
            )
        if row["match_type"] != "none":
            if not row["entity_id"]:
                raise LoadError(path, "a match needs an entity_id", row=row.line)
            if row["scale"] not in Scale.values:
                raise LoadError(path, f"scale {row['scale']!r} is not a scale", row=row.line)
            if not row["reviewed"]:
                raise LoadError(path, "the match has not been reviewed", row=row.line)
        links.append(
            Link(
                row.line,
                code,
                row["dataset"],
                row["entity_id"],
                row["entity_name"],
                row["match_type"],
                row["scale"],
                row["note"],
            )
        )
    return links


def _by_entity(path: Path) -> dict[str, list[tuple[int, dict[str, str]]]]:
    if not path.exists():
        raise LoadError(path, "file not found")
    found: dict[str, list[tuple[int, dict[str, str]]]] = defaultdict(list)
    with path.open(encoding="utf-8", newline="") as fh:
        for line, row in enumerate(csv.DictReader(fh), start=2):
            found[row["entity_id"]].append((line, row))
    return found


def inventory_scale(default: str, stated: str, extent: str) -> str | None:
    """The scale of one inventory: what the city states, else its territory's (crosswalk); an
    inventory larger than the city covers its surroundings too; a partial one is not shown.

    A government that calls its own boundary "a metropolitan area" (Istanbul's metropolitan
    municipality, Greater Manchester's combined authority, Bangkok's administration) states
    its administrative territory, not an urban centre or agglomeration: the crosswalk says
    which scale that territory is (the city, or a region).
    """
    if extent in {"smaller", "partial"}:
        return None
    if extent == "larger":
        return WIDER[Scale(stated or default)]
    if stated == Scale.METRO:
        return default
    return stated or default


def member_places(metros: dict[str, Any]) -> tuple[dict[str, int], dict[str, int]]:
    """(own metro, urban-centre metro) of each member code.

    Until the member-places change gives `own_of` and `centre_of`, both come from the 2015
    crosswalk: a `primary` member's metro is its own place, and the metro a member is or lies
    in is its centre; a province overlapping a centre, or a capital-only match, gets neither.
    """
    if "own_of" in metros:
        return dict(metros["own_of"]), dict(metros.get("centre_of") or {})
    member_of, relation = metros["member_of"], metros.get("ghsl_relation", {})
    own = {c: m for c, m in member_of.items() if relation.get(c, "primary") in OWN_RELATIONS}
    centre = {c: m for c, m in member_of.items() if relation.get(c, "primary") in CENTRE_RELATIONS}
    return own, centre


def add_third_drop(folder: Path, metros: dict[str, Any], rows: Any) -> None:
    """Stage the third drop's values on the members' metros (see the module docstring)."""
    members = list(Member.objects.select_related("country"))
    links = read_crosswalk(folder / CROSSWALK, {m.name: m.code for m in members})
    tidy = {dataset: _by_entity(folder / name) for dataset, name in TIDY_FILES.items()}
    for link in links:
        if link.match_type != "none" and link.entity_id not in tidy[link.dataset]:
            raise LoadError(
                folder / CROSSWALK,
                f"{link.dataset} entity {link.entity_id} ({link.entity_name}) is not in "
                f"{TIDY_FILES[link.dataset]}: rerun scripts/extract_third_drop.py or fix the row",
                row=link.line,
                column="entity_id",
            )
    own_of, _ = member_places(metros)
    _add_inventories(folder, links, tidy, own_of, rows)
    _add_centres(folder, links, tidy[GHSL2025], metros, rows)
    _add_women_seats(folder, members, own_of, rows)


def _add_inventories(
    folder: Path,
    links: list[Link],
    tidy: dict[str, dict[str, list[tuple[int, dict[str, str]]]]],
    own_of: dict[str, int],
    rows: Any,
) -> None:
    """CDP and CEADs values on each member's own metro. A metro that several members own
    takes none of these (whose inventory would it show?)."""
    for dataset in (CDP, CEADS):
        owned = [ln for ln in links if ln.dataset == dataset and ln.match_type == "own"]
        owners: dict[int, set[str]] = defaultdict(set)
        for link in owned:
            if link.member in own_of:
                owners[own_of[link.member]].add(link.member)
        path = folder / TIDY_FILES[dataset]
        for link in owned:
            metro_id = own_of.get(link.member)
            if metro_id is None or len(owners[metro_id]) > 1:
                continue
            for line, r in tidy[dataset][link.entity_id]:
                scale = inventory_scale(link.scale, r["boundary_scale"], r["boundary_extent"])
                if scale is None:
                    continue
                if dataset == CDP:
                    note = f"{r['note']}; boundary: {r['boundary'] or 'not stated'}"
                else:
                    note = f"prefecture-level city: {link.entity_name}"
                rows.add(
                    path,
                    line,
                    metro_id,
                    r["indicator"],
                    Sex.TOTAL,
                    r["year"],
                    r["value"],
                    scale,
                    r["source"],
                    note[:500],
                    flags=r["flags"],
                )


def centre_metro(
    link: Link,
    own_of: dict[str, int],
    centre_of: dict[str, int],
    centres: set[int],
    placed: dict[int, str],
) -> int | None:
    """The metro a member's 2025 urban-centre values go on.

    `part_of`: the 2015 centre the member lies in. `own`: the member's own place when that
    is an urban centre; when the member's own place is narrower (a city inside a centre it
    shares), the 2015 centre it is in, unless another member's own 2025 centre already went
    there (Karaj's 2025 centre is not Tehran's): then its own place.
    """
    own, centre = own_of.get(link.member), centre_of.get(link.member)
    if link.match_type == "part_of":
        return centre
    if own is None or own in centres or centre is None:
        return own if own is not None else centre
    if placed.get(centre, link.entity_id) != link.entity_id:
        return own
    return centre


def _add_centres(
    folder: Path,
    links: list[Link],
    entities: dict[str, list[tuple[int, dict[str, str]]]],
    metros: dict[str, Any],
    rows: Any,
) -> None:
    """GHSL 2025 health values on the metro of the member's urban centre, once per metro."""
    own_of, centre_of = member_places(metros)
    centres = set(metros.get("by_ghsl", {}).values())  # metros that are 2015 urban centres
    path = folder / TIDY_FILES[GHSL2025]
    matched = [ln for ln in links if ln.dataset == GHSL2025 and ln.match_type != "none"]
    matched.sort(key=lambda ln: (ln.match_type != "own", ln.line))
    placed: dict[int, str] = {}  # metro id -> entity id
    for link in matched:
        metro_id = centre_metro(link, own_of, centre_of, centres, placed)
        if metro_id is None or metro_id in placed:
            continue
        placed[metro_id] = link.entity_id
        for line, r in entities[link.entity_id]:
            note = f"2025 urban-centre boundary: {r['entity'] or link.entity_name} (GHSL 2025 id "
            note += f"{r['entity_id']})" + (f"; {r['note']}" if r["note"] else "")
            rows.add(
                path,
                line,
                metro_id,
                r["indicator"],
                Sex.TOTAL,
                r["year"],
                r["value"],
                Scale.METRO,
                r["source"],
                note[:500],
                flags=Flag.SOURCE_BOUNDARY,
            )


def _add_women_seats(
    folder: Path, members: list[Member], own_of: dict[str, int], rows: Any
) -> None:
    """SDG 5.5.1b on every member's own metro, by the member's country (a national proxy)."""
    by_country: dict[str, set[int]] = defaultdict(set)
    for member in members:
        if member.code in own_of:
            by_country[member.country.iso3].add(own_of[member.code])
    path = folder / SDG_FILE
    for line, r in _lines(path):
        for metro_id in sorted(by_country.get(r["country_iso3"], ())):
            rows.add(
                path,
                line,
                metro_id,
                r["indicator"],
                Sex.TOTAL,
                r["year"],
                r["value"],
                Scale.NATIONAL_PROXY,
                r["source"],
                f"national figure: {r['entity']}",
            )


def _lines(path: Path) -> list[tuple[int, dict[str, str]]]:
    return [pair for pairs in _by_entity(path).values() for pair in pairs]
