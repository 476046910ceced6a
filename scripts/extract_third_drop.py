"""Turn the third data drop (shared/data/third-drop-city-climate-gender/) into tidy CSVs.

    python scripts/extract_third_drop.py [SOURCE_FOLDER] [--out data/observatory]

Writes, one row per entity × indicator × year (the loader never reads the raw files):

- city_ghg_emissions_cdp.csv: CDP-ICLEI city-wide inventories, reporting years 2016-2021.
  The six files name their columns differently; `CDP_COLUMNS` maps each year's names to ours.
  Year = the inventory's accounting year (the year its period ends), not the reporting year;
  when several reports give the same account and accounting year, the latest report wins (a
  later report restates an earlier year). The total is the one the city reports (2016 "total
  city-wide", 2017 "total emissions", 2018-2021 "GPC BASIC"), else scope 1 + scope 2 (marked
  `sum_of_components`). Per inhabitant divides that total by the inventory's own population.
- city_co2_ceads.csv: CEADs CO2 of 290 prefecture-level cities, 1997-2019 (Mt).
- city_health_ghsl2025.csv: GHS-UCDB R2024A health theme, hospitals only (pharmacy counts come
  from incomplete open mapping and are left out), with the 2025 population and area.
- country_women_local_seats_sdg551b.csv: SDG 5.5.1b by country.

Columns: entity_id, entity, country_iso3, indicator, year, value, unit, boundary,
boundary_scale, boundary_extent, reporting_year, flags, source, note.
"""

from __future__ import annotations

import argparse
import csv
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = ROOT.parent / "shared" / "data" / "third-drop-city-climate-gender"
COLUMNS = [
    "entity_id",
    "entity",
    "country_iso3",
    "indicator",
    "year",
    "value",
    "unit",
    "boundary",
    "boundary_scale",
    "boundary_extent",
    "reporting_year",
    "flags",
    "source",
    "note",
]

CDP_FILES = {
    2016: "2016_-_Citywide_GHG_Emissions.csv",
    2017: "2017_-_Cities_Community_Wide_Emissions.csv",
    2018: "2018_City-wide_Emissions.csv",
    2019: "2019_City-wide_Emissions.csv",
    2020: "2020_-_City-Wide_Emissions.csv",
    2021: "2021_City-wide_Emissions.csv",
}
_S1_18 = "Total Scope 1 Emissions (metric tonnes CO2e)"
_S2_18 = "Total Scope 2 Emissions (metric tonnes CO2e)"
_DIRECT_18 = (
    "Direct emissions/ Scope 1 (metric tonnes CO2e) for Total emissions (excluding generation of "
    "grid-supplied energy)"
)
_INDIRECT_18 = (
    "Indirect emissions from use of grid supplied energy/Scope 2 (metric tonnes CO2e) for Total "
    "emissions (excluding generation of grid-supplied energy)"
)
_INDIRECT_GEN_18 = (
    "Indirect emissions from use of grid supplied energy/Scope 2 (metric tonnes CO2e) for Total "
    "generation of grid supplied energy"
)
_DIRECT_20 = (
    "Direct emissions (metric tonnes CO2e) for Total emissions (excluding generation of "
    "grid-supplied energy)"
)
_INDIRECT_20 = (
    "Indirect emissions from use of grid supplied energy (metric tonnes CO2e) for Total "
    "Emissions (excluding generation of grid-supplied energy)"
)
_INDIRECT_GEN_20 = (
    "Indirect emissions from use of grid supplied energy (metric tonnes CO2e) for Total "
    "generation of grid supplied energy"
)
# Some cities put their scope 2 in the matrix's grid-generation row instead (Berlin 2019-2020):
# where only that cell is filled it is read as the scope 2 figure.
SCOPE2_ALTERNATIVE = {_INDIRECT_18: _INDIRECT_GEN_18, _INDIRECT_20: _INDIRECT_GEN_20}
# Our name -> that year's column name(s). `total` is the city's own total; `scopes` are the
# pairs summed when it gave none (first pair with both values wins).
CDP_COLUMNS: dict[int, dict[str, Any]] = {
    2016: {
        "account": "Account Number",
        "name": "City Name",
        "reporting_year": "Reporting Year",
        "period": "Measurement Year",
        "boundary": ("Boundary",),
        "extent": None,
        "total": ("Total City-wide Emissions (metric tonnes CO2e)", "total city-wide emissions"),
        "scopes": [(_S1_18, _S2_18)],
        "population": "Current Population",
        "population_year": "Current Population Year",
    },
    2017: {
        "account": "Account number",
        "name": "Organization",
        "reporting_year": "Reporting year",
        "period": "Accounting year",
        "boundary": ("Boundary",),
        "extent": None,
        "total": ("Total emissions (metric tonnes CO2e)", "total emissions"),
        "scopes": [(_S1_18, _S2_18)],
        "population": "Population",
        "population_year": "Population year",
    },
    **{
        year: {
            "account": "Account Number",
            "name": "Organization",
            "reporting_year": "Year Reported to CDP",
            "period": "Accounting Year",
            "boundary": ("Inventory Boundary",),
            "extent": "Inventory Boundary",
            "total": ("Total BASIC Emissions (GPC)", "GPC BASIC"),
            "scopes": [(_S1_18, _S2_18), (_DIRECT_18, _INDIRECT_18)],
            "population": "Population",
            "population_year": "Population Year",
        }
        for year in (2018, 2019)
    },
    **{
        year: {
            "account": "Account Number",
            "name": "Organization",
            "reporting_year": "Year Reported to CDP",
            "period": "Accounting year",
            "boundary": (
                "Administrative city boundary",
                "Inventory boundary (compared to Administrative city boundary)",
            ),
            "extent": "Inventory boundary (compared to Administrative city boundary)",
            "total": ("TOTAL BASIC Emissions (GPC)", "GPC BASIC"),
            "scopes": [
                (
                    "TOTAL Scope 1 Emissions (metric tonnes CO2e)",
                    "TOTAL Scope 2 emissions (metric tonnes CO2e)",
                ),
                (_DIRECT_20, _INDIRECT_20),
            ],
            "population": "Population",
            "population_year": "Population Year",
        }
        for year in (2020, 2021)
    },
}

# The catalogue's highest valid emissions per inhabitant (indicators.yaml): above it the
# inventory's population is a typo (thousands typed as persons), so no ratio is written.
PER_CAPITA_MAX = 200.0

SUM_BASIS = {
    _S1_18: "scope 1 + scope 2",
    "TOTAL Scope 1 Emissions (metric tonnes CO2e)": "scope 1 + scope 2",
    _DIRECT_18: "scope 1 (excluding grid-energy generation) + scope 2",
    _DIRECT_20: "scope 1 (excluding grid-energy generation) + scope 2",
}

# The scale a stated boundary names; "" when it only says "the local government's own
# boundary" (then the reviewed crosswalk says what that government's territory is).
BOUNDARY_SCALES = {
    "administrative boundary of a local government": "",
    "a metropolitan area": "metro",
    "city / municipality": "core_city",
    "independent city": "core_city",
    "special city": "core_city",
    "local government area within a greater city / metropolitan area": "core_city",
    "metropolitan area": "metro",
    "intercommunality": "metro",
    "province / county": "region",
}
# How the inventory compares with the administrative boundary (2018-2021 files).
EXTENTS = {
    "same": "same",
    "larger": "larger",
    "smaller": "smaller",
    "partial": "partial",
}

COUNTRY_ISO3 = {
    "Bolivia (Plurinational State of)": "BOL",
    "China, Hong Kong Special Administrative Region": "HKG",
    "Hong Kong": "HKG",
    "México": "MEX",
    "Republic of Korea": "KOR",
    "South Korea": "KOR",
    "Congo": "COG",
    "Republic of the Congo": "COG",
    "Russian Federation": "RUS",
    "State of Palestine": "PSE",
    "Taiwan, Greater China": "TWN",
    "Turkey": "TUR",
    "United Kingdom of Great Britain and Northern Ireland": "GBR",
    "Vietnam": "VNM",
    "Iran (Islamic Republic of)": "IRN",
}


def load_country_names(path: Path) -> dict[str, str]:
    """English country names of the members' countries (countries.csv) plus the spellings the
    sources use; other countries stay without a code (no member is there)."""
    with path.open(encoding="utf-8", newline="") as fh:
        names = {r["name_en"]: r["iso3"] for r in csv.DictReader(fh)}
    return {**names, **COUNTRY_ISO3}


def _number(text: str | None) -> float | None:
    text = (text or "").strip().replace(",", "")
    if not text or text in {"-", "NA", "nan"}:
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _fmt(value: float, digits: int = 6) -> str:
    """A short decimal text: integers without a fraction, others to `digits` significant."""
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.{digits}g}"


def accounting_period(text: str) -> tuple[int, str] | None:
    """(year, period note) from "2014-01-01 - 2014-12-31" or "12/31/2014 12:00:00 AM".

    The year is the one the period ends in; a period that is not a calendar year is noted.
    """
    text = (text or "").strip()
    found = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})\s*-\s*(\d{4})-(\d{2})-(\d{2})", text)
    if found:
        y1, m1, d1, y2, m2, d2 = found.groups()
        calendar = (m1, d1, m2, d2) == ("01", "01", "12", "31") and y1 == y2
        return int(y2), "" if calendar else f"accounting period {y1}-{m1}-{d1} to {y2}-{m2}-{d2}"
    found = re.match(r"(\d{2})/(\d{2})/(\d{4})", text)
    if found:
        month, day, year = found.groups()
        calendar = (month, day) == ("12", "31")
        return int(year), "" if calendar else f"accounting period ending {year}-{month}-{day}"
    return None


def boundary_scale(text: str) -> str:
    return BOUNDARY_SCALES.get(text.strip().lower(), "")


def boundary_extent(text: str) -> str:
    first = text.strip().lower().split(" ", 1)[0] if text.strip() else ""
    return EXTENTS.get(first, "")


@dataclass(frozen=True)
class Inventory:
    account: str
    name: str
    country: str
    reporting_year: int
    year: int
    total: float
    basis: str
    summed: bool
    boundary: str
    scale: str
    extent: str
    population: float | None
    population_year: str
    period_note: str


def cdp_inventory(report_year: int, row: dict[str, str]) -> Inventory | None:
    """One report's inventory in our terms, or None when it gives no usable total."""
    cols = CDP_COLUMNS[report_year]
    period = accounting_period(row.get(cols["period"], ""))
    if period is None:
        return None
    total_col, basis = cols["total"]
    total, summed = _number(row.get(total_col)), False
    if total is None or total <= 0:
        for first, second in cols["scopes"]:
            a, b = _number(row.get(first)), _number(row.get(second))
            if b is None and second in SCOPE2_ALTERNATIVE:
                b = _number(row.get(SCOPE2_ALTERNATIVE[second]))
            if a is not None and b is not None and a + b > 0:
                total, summed = a + b, True
                basis = SUM_BASIS[first]
                break
    if total is None or total <= 0:
        return None
    boundary_parts = [row.get(c, "").strip() for c in cols["boundary"]]
    boundary = "; ".join(p for p in boundary_parts if p and p != "0")
    population = _number(row.get(cols["population"]))
    pop_year = _number(row.get(cols["population_year"]))
    return Inventory(
        account=row[cols["account"]].strip(),
        name=" ".join(row[cols["name"]].split()),
        country=row.get("Country", "").strip(),
        reporting_year=int(_number(row.get(cols["reporting_year"])) or report_year),
        year=period[0],
        total=total,
        basis=basis,
        summed=summed,
        boundary=boundary,
        scale=boundary_scale(boundary_parts[0]),
        extent=boundary_extent(row.get(cols["extent"], "")) if cols["extent"] else "",
        population=population if population and population > 0 else None,
        population_year=str(int(pop_year)) if pop_year else "",
        period_note=period[1],
    )


def clean_header(name: str) -> str:
    """CDP headers carry zero-width and non-breaking spaces, and trailing blanks."""
    return " ".join(name.replace("\u200b", "").split())


def _read_csv(path: Path) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            yield {clean_header(k): (v or "") for k, v in row.items() if k is not None}


def cdp_inventories(folder: Path) -> list[Inventory]:
    """Every usable inventory, the latest report of each account and accounting year."""
    best: dict[tuple[str, int], Inventory] = {}
    for report_year, name in sorted(CDP_FILES.items()):
        for row in _read_csv(folder / name):
            inv = cdp_inventory(report_year, row)
            if inv is None:
                continue
            key = (inv.account, inv.year)
            if key not in best or inv.reporting_year >= best[key].reporting_year:
                best[key] = inv
    return sorted(best.values(), key=lambda i: (int(i.account), i.year))


def cdp_rows(inventories: Iterable[Inventory], countries: dict[str, str]) -> Iterator[dict]:
    for inv in inventories:
        flags = ["self_reported", "source_boundary"] + (["sum_of_components"] if inv.summed else [])
        base = {
            "entity_id": inv.account,
            "entity": inv.name,
            "country_iso3": countries.get(inv.country, ""),
            "year": inv.year,
            "boundary": inv.boundary,
            "boundary_scale": inv.scale,
            "boundary_extent": inv.extent,
            "reporting_year": inv.reporting_year,
            "flags": ",".join(flags),
            "source": f"CDP_ICLEI_CITYWIDE_{inv.reporting_year}",
        }
        what = [f"{inv.name}: {inv.basis}", f"reported {inv.reporting_year}"]
        if inv.period_note:
            what.append(inv.period_note)
        per = inv.total / inv.population if inv.population else None
        pop = f"{int(inv.population or 0):,}" + (
            f" ({inv.population_year})" if inv.population_year else ""
        )
        total_note = list(what)
        if per is not None and per > PER_CAPITA_MAX:
            # e.g. Madrid 2016: population 3,221 (thousands typed as persons): not divided
            total_note.append(
                f"no per-inhabitant figure: inventory population {pop} is implausible"
            )
            per = None
        yield {
            **base,
            "indicator": "ghg_emissions_total",
            "value": _fmt(round(inv.total, 2), 12),
            "unit": "tCO2e",
            "note": "; ".join(total_note),
        }
        if per is not None:
            yield {
                **base,
                "indicator": "ghg_emissions_per_capita",
                "value": _fmt(per, 6),
                "unit": "tCO2e per inhabitant",
                "note": "; ".join([*what, f"inventory population {pop}"]),
            }


def ceads_rows(path: Path) -> Iterator[dict]:
    import openpyxl  # only this source is a workbook

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    sheet = book["emission vector"]
    rows = sheet.iter_rows(min_row=1, values_only=True)
    header = [str(c) for c in next(rows)]
    if header[:4] != ["ID", "city", "year", "emission"]:
        raise SystemExit(f"{path.name}: unexpected header {header[:4]}")
    for _, city, year, emission in (r[:4] for r in rows):
        if city is None or emission is None:
            continue
        yield {
            "entity_id": str(city),
            "entity": str(city),
            "country_iso3": "CHN",
            "indicator": "co2_emissions_ceads",
            "year": int(year),
            "value": _fmt(round(float(emission), 4), 10),
            "unit": "Mt CO2",
            "boundary": "prefecture-level city (urban and rural districts)",
            "boundary_scale": "region",
            "boundary_extent": "",
            "reporting_year": "",
            "flags": "source_boundary",
            "source": "CEADS_CITY_CO2_1997_2019",
            "note": "",
        }


GHSL_INDICATORS = (
    # column, indicator, unit, factor
    ("HL_SHP_HOS_2025", "hospital_access_1km", "percent", 1.0),
    ("HL_FPC_HOS_2025", "hospitals_per_100k", "per 100,000 inhabitants", 100_000.0),
    ("GC_POP_TOT_2025", "population_urban_centre_2025", "persons", 1.0),
    ("GC_UCA_KM2_2025", "urban_centre_area_2025", "km2", 1.0),
)


def ghsl_rows(path: Path, countries: dict[str, str]) -> Iterator[dict]:
    for row in _read_csv(path):
        name = row["GC_UCN_MAI_2025"]
        for column, indicator, unit, factor in GHSL_INDICATORS:
            value = _number(row[column])
            if value is None:
                continue
            year = 2024 if column.endswith("_2024") else 2025
            note = ""
            if indicator == "hospitals_per_100k":
                count = _number(row["HL_FCL_HOS_2024"])
                note = f"{int(count)} hospitals (2024 count)" if count is not None else ""
            yield {
                "entity_id": row["ID_UC_G0"],
                "entity": "" if name == "NA" else name,
                "country_iso3": countries.get(row["GC_CNT_GAD_2025"], ""),
                "indicator": indicator,
                "year": year,
                "value": _fmt(value * factor, 8),
                "unit": unit,
                "boundary": "GHSL urban centre, 2025 boundary",
                "boundary_scale": "metro",
                "boundary_extent": "",
                "reporting_year": "",
                "flags": "source_boundary",
                "source": "JRC_GHS_UCDB2025_R2024A_HEALTH",
                "note": note,
            }


SDG_COLUMN = (
    "5.5.1 - Proportion of elected seats held by women in deliberative bodies of local "
    "government (%) - SG_GEN_LOCGELS"
)


def sdg_rows(path: Path) -> Iterator[dict]:
    for row in _read_csv(path):
        code = row["Code"].strip()
        value = _number(row[SDG_COLUMN])
        if len(code) != 3 or value is None:  # OWID regions have no ISO code
            continue
        yield {
            "entity_id": code,
            "entity": row["Entity"],
            "country_iso3": code,
            "indicator": "women_local_council_seats_share",
            "year": int(row["Year"]),
            "value": _fmt(value, 8),
            "unit": "percent",
            "boundary": "country (all local governments)",
            "boundary_scale": "national_proxy",
            "boundary_extent": "",
            "reporting_year": "",
            "flags": "",
            "source": "UN_SDG_551B_OWID_2024-12",
            "note": "",
        }


def write(path: Path, rows: Iterable[dict]) -> int:
    count = 0
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, COLUMNS, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow(row)
            count += 1
    return count


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", nargs="?", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--out", type=Path, default=ROOT / "data" / "observatory")
    args = parser.parse_args(argv)
    src, out = args.source, args.out
    countries = load_country_names(ROOT / "data" / "countries.csv")
    outputs = {
        "city_ghg_emissions_cdp.csv": cdp_rows(
            cdp_inventories(src / "cdp_citywide_emissions"), countries
        ),
        "city_co2_ceads.csv": ceads_rows(
            src / "ceads_china_cities" / "ceads_290_cities_1997_2019.xlsx"
        ),
        "city_health_ghsl2025.csv": ghsl_rows(
            src / "ghsl_ucdb_2025_health" / "ghs_ucdb_2025_health.csv", countries
        ),
        "country_women_local_seats_sdg551b.csv": sdg_rows(
            src / "women_local_government" / "WomenInLocalGov.csv"
        ),
    }
    for name, rows in outputs.items():
        print(f"{name}: {write(out / name, rows)} rows")


if __name__ == "__main__":
    main()
