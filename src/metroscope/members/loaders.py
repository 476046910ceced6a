"""Open-data loader for the member registry (data/regions.csv, countries.csv, members.csv, ...)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.utils.text import slugify
from django.utils.translation import gettext_noop

from metroscope.core.loading import (
    CsvRow,
    LoadError,
    LoadReport,
    at_row,
    parse_float,
    read_csv,
    require_unique,
    sync,
)
from metroscope.members.models import (
    BodyKind,
    Country,
    DatePrecision,
    Gender,
    Mandate,
    Member,
    MemberKind,
    Position,
    Region,
    StatutoryBody,
)

LANGS = ("en", "fr", "es")
# Stored as written; gettext_noop puts it in the catalogues so member pages show it translated.
MEMBERS_SOURCE = gettext_noop(
    "Strategic Action Plan 2021-2023, Appendix II (members as of November 2020); "
    "coordinates GeoNames (CC BY 4.0)"
)


def member_code(name: str) -> str:
    return slugify(name)


def load_members_data(data_dir: Path, report: LoadReport) -> None:
    regions = _load_regions(data_dir / "regions.csv", report)
    countries = _load_countries(data_dir / "countries.csv", regions, report)
    kinds = _read_kinds(data_dir / "member_kinds.csv")
    members = _load_members(data_dir / "members.csv", countries, kinds, report)
    _link_secretariats(data_dir / "regions.csv", regions, members, report)
    bodies = _load_bodies(data_dir / "statutory_bodies.csv", report)
    _load_mandates(data_dir / "mandates.csv", bodies, members, report)


def _translated(row: CsvRow, field: str) -> dict[str, str]:
    return {f"{field}_{lang}": row[f"{field}_{lang}"] for lang in LANGS}


def _load_regions(path: Path, report: LoadReport) -> dict[str, Region]:
    rows = read_csv(path, ["code", "name_en", "name_fr", "name_es", "order"])
    require_unique(path, rows, "code")
    require_unique(path, rows, "name_en")
    regions: dict[str, Region] = {}
    for row in rows:
        with at_row(path, row.line):
            region = sync(
                Region,
                report,
                lookup={"code": row["code"]},
                values={**_translated(row, "name"), "order": int(row["order"])},
            )
        regions[row["name_en"]] = region
    return regions


def _load_countries(
    path: Path, regions: dict[str, Region], report: LoadReport
) -> dict[str, Country]:
    rows = read_csv(path, ["iso3", "iso2", "name_en", "name_fr", "name_es", "region"])
    require_unique(path, rows, "iso3")
    require_unique(path, rows, "iso2")
    countries: dict[str, Country] = {}
    for row in rows:
        region = regions.get(row["region"])
        if region is None:
            raise LoadError(
                path, f"unknown region {row['region']!r}", row=row.line, column="region"
            )
        with at_row(path, row.line):
            countries[row["iso3"]] = sync(
                Country,
                report,
                lookup={"iso3": row["iso3"]},
                values={"iso2": row["iso2"], **_translated(row, "name"), "region": region},
            )
    return countries


def _read_kinds(path: Path) -> dict[tuple[str, str], str]:
    rows = read_csv(path, ["entity_type", "member_name", "kind"])
    valid = set(MemberKind.values)
    kinds: dict[tuple[str, str], str] = {}
    for row in rows:
        if row["kind"] not in valid:
            raise LoadError(
                path,
                f"unknown kind {row['kind']!r} (expected one of {', '.join(sorted(valid))})",
                row=row.line,
                column="kind",
            )
        key = (row["entity_type"], row["member_name"])
        if key in kinds:
            raise LoadError(path, f"duplicate mapping for {key}", row=row.line)
        kinds[key] = row["kind"]
    return kinds


def _load_members(
    path: Path,
    countries: dict[str, Country],
    kinds: dict[tuple[str, str], str],
    report: LoadReport,
) -> dict[str, Member]:
    rows = read_csv(
        path,
        [
            "member_name",
            "institution",
            "entity_type",
            "country_iso3",
            "country_iso2",
            "region",
            "region_note",
            "latitude",
            "longitude",
            "geonames_id",
            "location_note",
        ],
    )
    require_unique(path, rows, "member_name")
    codes: dict[str, int] = {}
    members: dict[str, Member] = {}
    for row in rows:
        name = row["member_name"]
        code = member_code(name)
        if code in codes:
            raise LoadError(
                path,
                f"name gives the same code {code!r} as row {codes[code]}",
                row=row.line,
                column="member_name",
            )
        codes[code] = row.line
        country = countries.get(row["country_iso3"])
        if country is None:
            raise LoadError(
                path,
                f"unknown country {row['country_iso3']!r} (not in countries.csv)",
                row=row.line,
                column="country_iso3",
            )
        if country.iso2 != row["country_iso2"]:
            raise LoadError(
                path,
                f"{row['country_iso2']!r} does not match {country.iso3} ({country.iso2})",
                row=row.line,
                column="country_iso2",
            )
        if country.region.name_en != row["region"]:  # type: ignore[attr-defined]
            raise LoadError(
                path,
                f"region {row['region']!r} differs from {country.region.name_en!r}, "  # type: ignore[attr-defined]
                f"the region of {country.name_en}",  # type: ignore[attr-defined]
                row=row.line,
                column="region",
            )
        kind = kinds.get((row["entity_type"], name)) or kinds.get((row["entity_type"], ""))
        if kind is None:
            raise LoadError(
                path,
                f"entity type {row['entity_type']!r} has no kind in member_kinds.csv",
                row=row.line,
                column="entity_type",
            )
        geonames = row["geonames_id"]
        if geonames and not geonames.isdigit():
            raise LoadError(
                path, f"{geonames!r} is not a GeoNames id", row=row.line, column="geonames_id"
            )
        values = {
            "name": name,
            "institution": row["institution"],
            "entity_type": row["entity_type"],
            "kind": kind,
            "country": country,
            "latitude": parse_float(path, row, "latitude", low=-90, high=90),
            "longitude": parse_float(path, row, "longitude", low=-180, high=180),
            "geonames_id": int(geonames) if geonames else None,
            "location_note": row["location_note"],
            "region_note": row["region_note"],
            "source": MEMBERS_SOURCE,
        }
        with at_row(path, row.line):
            members[name] = sync(Member, report, lookup={"code": code}, values=values)
    return members


def _link_secretariats(
    path: Path, regions: dict[str, Region], members: dict[str, Member], report: LoadReport
) -> None:
    for row in read_csv(path, ["name_en", "regional_secretariat", "secretariat_source"]):
        name = row["regional_secretariat"]
        member = members.get(name) if name else None
        if name and member is None:
            raise LoadError(
                path, f"unknown member {name!r}", row=row.line, column="regional_secretariat"
            )
        sync(
            Region,
            report,
            lookup={"pk": regions[row["name_en"]].pk},
            values={
                "regional_secretariat": member,
                "secretariat_source": row["secretariat_source"],
            },
        )


def _load_bodies(path: Path, report: LoadReport) -> dict[str, StatutoryBody]:
    rows = read_csv(path, ["code", "kind", "order", "name_en", "description_en"])
    require_unique(path, rows, "code")
    bodies: dict[str, StatutoryBody] = {}
    for row in rows:
        if row["kind"] not in BodyKind.values:
            raise LoadError(path, f"unknown kind {row['kind']!r}", row=row.line, column="kind")
        with at_row(path, row.line):
            bodies[row["code"]] = sync(
                StatutoryBody,
                report,
                lookup={"code": row["code"]},
                values={
                    "kind": row["kind"],
                    "order": int(row["order"]),
                    **_translated(row, "name"),
                    **_translated(row, "description"),
                },
            )
    return bodies


def _parse_date(path: Path, row: CsvRow, column: str, precision: str) -> dt.date | None:
    raw = row[column]
    if not raw:
        return None
    try:
        if precision == DatePrecision.YEAR:
            return dt.date(int(raw), 1, 1)
        return dt.date.fromisoformat(raw)
    except ValueError:
        expected = "a year" if precision == DatePrecision.YEAR else "a date (YYYY-MM-DD)"
        raise LoadError(path, f"{raw!r} is not {expected}", row=row.line, column=column) from None


def _load_mandates(
    path: Path, bodies: dict[str, StatutoryBody], members: dict[str, Member], report: LoadReport
) -> None:
    rows = read_csv(
        path,
        [
            "body",
            "position",
            "holder_name",
            "member_name",
            "start",
            "end",
            "date_precision",
            "gender",
            "source",
        ],
    )
    checks = {
        "position": Position.values,
        "date_precision": DatePrecision.values,
        "gender": Gender.values,
    }
    for row in rows:
        body = bodies.get(row["body"])
        if body is None:
            raise LoadError(path, f"unknown body {row['body']!r}", row=row.line, column="body")
        for column, allowed in checks.items():
            if row[column] not in allowed:
                raise LoadError(
                    path,
                    f"{row[column]!r} is not one of {', '.join(allowed)}",
                    row=row.line,
                    column=column,
                )
        member = None
        if row["member_name"]:
            member = members.get(row["member_name"])
            if member is None:
                raise LoadError(
                    path,
                    f"unknown member {row['member_name']!r}",
                    row=row.line,
                    column="member_name",
                )
        precision = row["date_precision"]
        start = _parse_date(path, row, "start", precision)
        if start is None:
            raise LoadError(path, "a mandate needs a start", row=row.line, column="start")
        end = _parse_date(path, row, "end", precision)
        if end is not None and end < start:
            raise LoadError(path, "the end is before the start", row=row.line, column="end")
        with at_row(path, row.line):
            sync(
                Mandate,
                report,
                lookup={
                    "body": body,
                    "holder_name": row["holder_name"],
                    "position": row["position"],
                    "start_date": start,
                },
                values={
                    "member": member,
                    "end_date": end,
                    "date_precision": precision,
                    "gender": row["gender"],
                    "source": row["source"],
                },
            )
