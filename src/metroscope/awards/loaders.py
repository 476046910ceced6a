"""Open-data loader of the award: the real results of past editions (data/awards/awards.csv,
see data/PROVENANCE.md), each with its source. Winners and shortlisted initiatives are linked
to the members named like the city and to the exchange's Guangzhou Award solution of the same
city. A second load changes nothing; a bad row stops the load with its file, row and column."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.utils import timezone

from metroscope.awards.models import Edition, EditionStatus, PastResult, ResultKind
from metroscope.core.loading import LoadError, LoadReport, read_csv, sync
from metroscope.core.text import fold
from metroscope.exchange.loaders import members_by_city
from metroscope.exchange.models import Solution

FILE = Path("awards") / "awards.csv"
COLUMNS = [
    "edition",
    "city",
    "country_iso3",
    "initiative",
    "result",
    "submissions_total",
    "source_url",
]
COLLECTION = "guangzhou-award"


def _int(path: Path, line: int, column: str, raw: str, low: int, high: int) -> int:
    if not (raw.isdigit() and low <= int(raw) <= high):
        raise LoadError(
            path, f"{raw!r} is not a whole number in {low}..{high}", row=line, column=column
        )
    return int(raw)


def _parse(path: Path) -> list[dict[str, Any]]:
    rows = read_csv(path, COLUMNS)
    parsed: list[dict[str, Any]] = []
    totals: dict[int, int] = {}
    this_year = timezone.now().year
    for row in rows:
        year = _int(path, row.line, "edition", row["edition"], 2000, this_year)
        if not row["city"]:
            raise LoadError(path, "the city is empty", row=row.line, column="city")
        iso3 = row["country_iso3"].upper()
        if not (len(iso3) == 3 and iso3.isalpha()):
            raise LoadError(
                path,
                f"{iso3!r} is not an ISO 3166 alpha-3 code",
                row=row.line,
                column="country_iso3",
            )
        if row["result"] not in ResultKind.values:
            known = ", ".join(ResultKind.values)
            raise LoadError(
                path,
                f"unknown result {row['result']!r}; known: {known}",
                row=row.line,
                column="result",
            )
        total = _int(path, row.line, "submissions_total", row["submissions_total"], 1, 100000)
        if totals.setdefault(year, total) != total:
            raise LoadError(
                path,
                f"edition {year} already said {totals[year]} submissions",
                row=row.line,
                column="submissions_total",
            )
        if not row["source_url"].startswith(("http://", "https://")):
            raise LoadError(
                path, "the source must be a web address", row=row.line, column="source_url"
            )
        parsed.append({"year": year, "total": total, "iso3": iso3, "row": row})
    return parsed


def load_awards_data(data_dir: Path, report: LoadReport) -> None:
    path = data_dir / FILE
    parsed = _parse(path)
    members = members_by_city()
    solutions = {
        (fold(s.city), s.country_iso3): s
        for s in Solution.objects.filter(collection__code=COLLECTION).order_by("pk")
    }
    editions: dict[int, Edition] = {}
    for item in parsed:
        year, row = item["year"], item["row"]
        if year not in editions:
            editions[year] = sync(
                Edition,
                report,
                lookup={"year": year},
                values={
                    "status": EditionStatus.PUBLISHED,
                    "submissions_total": item["total"],
                    "historical": True,
                },
            )
        key = (fold(row["city"]), item["iso3"])
        found = members.get(key) or []
        sync(
            PastResult,
            report,
            lookup={"edition": editions[year], "city": row["city"], "country_iso3": item["iso3"]},
            values={
                "initiative": row["initiative"],
                "result": row["result"],
                "source_url": row["source_url"],
                "member": found[0] if found else None,
                "solution": solutions.get(key) if row["result"] != "submission" else None,
            },
        )
