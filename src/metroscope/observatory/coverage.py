"""Which members have which kinds of values, at which scale: the data-coverage report
(`metroscope data_coverage`). Pure functions over rows a selector reads; no ORM here."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

# Indicator code -> family shown in the report; indicators not listed go under their theme.
FAMILIES: dict[str, str] = {
    "ghg_emissions_total": "emissions",
    "ghg_emissions_per_capita": "emissions",
    "co2_emissions_ceads": "emissions",
    "hospital_access_1km": "hospital access",
    "hospitals_per_100k": "hospital access",
    "population_urban_centre_2025": "urban centre 2025",
    "urban_centre_area_2025": "urban centre 2025",
    "women_local_council_seats_share": "women in local councils",
    "population_urban_agglomeration": "population",
    "population_urban_centre": "population",
    "population_density_urban_centre": "population",
    "urban_centre_area": "land",
    "builtup_area_urban_centre": "land",
    "pm25_annual_mean": "air quality",
    "pm10_annual_mean": "air quality",
    "no2_annual_mean": "air quality",
}
SCALES = ("core_city", "metro", "region", "national_proxy")
OWN = {"own", "primary"}
LIES_IN = {"part_of"}
EMISSIONS = {"ghg_emissions_total", "ghg_emissions_per_capita", "co2_emissions_ceads"}


@dataclass(frozen=True)
class CoverageRow:
    """One group of published values on a metro linked to a member."""

    member: str
    country: str
    relation: str  # the member's link to the metro
    indicator: str
    theme: str
    scale: str
    newest: int
    cited: bool  # the source states a required citation


@dataclass
class MemberCoverage:
    member: str
    country: str
    cells: dict[str, dict[str, int]] = field(default_factory=dict)  # scale -> family -> year
    lies_in: dict[str, int] = field(default_factory=dict)  # the centre it lies in: family -> year


@dataclass
class Coverage:
    members: list[MemberCoverage]
    emissions_city_or_region: list[str]
    emissions_city_or_region_cited: list[str]
    emissions_any_scale: list[str]
    # of emissions_city_or_region: members whose own government's inventory it is (the others
    # share their place with the city government whose inventory it is: AMB, Valle de Aburrá)
    emissions_own_inventory: list[str]
    hospital_access: list[str]
    hospital_access_own: list[str]
    hospital_access_lies_in: list[str]
    women_seats: list[str]


def family(indicator: str, theme: str) -> str:
    return FAMILIES.get(indicator, theme.replace("_", " "))


def summarise(
    member_names: list[tuple[str, str]],
    rows: list[CoverageRow],
    own_inventories: set[str] | None = None,
) -> Coverage:
    """Per member and scale, the newest year of each family; and the issue's totals.

    `own_inventories`: the members the reviewed crosswalk gives an inventory of their own."""
    by_member = {name: MemberCoverage(name, country) for name, country in member_names}
    sets: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        if r.relation not in OWN | LIES_IN:
            continue  # a province overlapping a centre, a capital-only match: not the member's
        if r.relation in OWN:
            cells = by_member[r.member].cells.setdefault(r.scale, {})
        else:  # the wider place's figures, kept apart: they are not the member's
            cells = by_member[r.member].lies_in
        fam = family(r.indicator, r.theme)
        cells[fam] = max(cells.get(fam, 0), r.newest)
        if r.indicator in EMISSIONS and r.relation in OWN:
            sets["emissions_any"].add(r.member)
            if r.scale in {"core_city", "region"}:
                sets["emissions"].add(r.member)
                if r.cited:
                    sets["emissions_cited"].add(r.member)
        if r.indicator == "hospital_access_1km":
            sets["hospital"].add(r.member)
            sets["hospital_own" if r.relation in OWN else "hospital_lies_in"].add(r.member)
        if r.indicator == "women_local_council_seats_share" and r.relation in OWN:
            sets["women"].add(r.member)
    return Coverage(
        members=sorted(by_member.values(), key=lambda m: m.member),
        emissions_city_or_region=sorted(sets["emissions"]),
        emissions_city_or_region_cited=sorted(sets["emissions_cited"]),
        emissions_any_scale=sorted(sets["emissions_any"]),
        emissions_own_inventory=sorted(sets["emissions"] & (own_inventories or sets["emissions"])),
        hospital_access=sorted(sets["hospital"]),
        hospital_access_own=sorted(sets["hospital_own"]),
        hospital_access_lies_in=sorted(sets["hospital_lies_in"] - sets["hospital_own"]),
        women_seats=sorted(sets["women"]),
    )


def _cell(families: dict[str, int]) -> str:
    return "; ".join(f"{name} ({year})" for name, year in sorted(families.items())) or "—"


def render_markdown(coverage: Coverage, *, generated: str) -> str:
    total = len(coverage.members)
    lines = [
        "# Data coverage per member",
        "",
        f"Generated by `metroscope data_coverage` from the database on {generated}, after "
        "`metroscope load_open_data`. Do not edit by hand: run the command again.",
        "",
        "A member's values are those published on its own place (`own`), by scale; the last "
        "column lists, apart, the figures of the urban centre it lies in (`part_of`), which "
        "describe that place, not the member. Places it only overlaps or has as its seat are "
        "not counted. Each cell lists the indicator families with a value and the newest "
        "year.",
        "",
        "## Totals",
        "",
        "| what | members |",
        "|---|---|",
        f"| emissions figure at core-city or region scale, own place | "
        f"{len(coverage.emissions_city_or_region)} of {total} |",
        f"| … of which the source's required citation is shown with it | "
        f"{len(coverage.emissions_city_or_region_cited)} |",
        f"| … of which the member's own government's inventory (the others show the inventory "
        f"of the city government they share their place with) | "
        f"{len(coverage.emissions_own_inventory)} |",
        f"| emissions figure at any scale, own place | {len(coverage.emissions_any_scale)} |",
        f"| urban centre's 2025 hospital-access share (own or lies-in link) | "
        f"{len(coverage.hospital_access)} of {total} |",
        f"| … through the member's own place | {len(coverage.hospital_access_own)} |",
        f"| … only through the centre the member lies in | "
        f"{len(coverage.hospital_access_lies_in)} |",
        f"| women's share of local council seats (national proxy) | "
        f"{len(coverage.women_seats)} of {total} |",
        "",
        "## Per member",
        "",
        "| member | country | " + " | ".join(SCALES) + " | urban centre it lies in |",
        "|---|---|" + "---|" * (len(SCALES) + 1),
    ]
    for m in coverage.members:
        cells = " | ".join(_cell(m.cells.get(scale, {})) for scale in SCALES)
        lines.append(f"| {m.member} | {m.country} | {cells} | {_cell(m.lies_in)} |")
    missing = sorted({m.member for m in coverage.members} - set(coverage.emissions_city_or_region))
    lines += [
        "",
        "## Members without an emissions figure at core-city or region scale",
        "",
        ", ".join(missing) or "none",
        "",
        "## Left out",
        "",
        "- Pharmacies of the GHSL 2025 health theme: their counts come from open mapping and "
        "look incomplete (Madrid 10, Barcelona 12), so neither the counts nor the share within "
        "1 km of a pharmacy are loaded.",
        "- CDP-ICLEI inventories that cover only part of the city, and reports without a total "
        "or a scope 1 and scope 2 pair; per-inhabitant figures where the inventory's "
        "population is implausible (above 200 t per inhabitant).",
        "- Which match, and why none, for each member: "
        "`data/observatory/member_crosswalk_third_drop.csv`.",
        "",
    ]
    return "\n".join(lines)
