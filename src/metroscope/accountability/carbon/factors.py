"""Open-data loader of the emission factors (data/plan/emission_factors.csv, see
data/PROVENANCE.md): every row is checked first; a second load changes nothing."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path

from metroscope.accountability.carbon.models import CabinClass, EmissionFactor, Haul, TravelMode
from metroscope.core.loading import LoadError, LoadReport, at_row, read_csv, require_unique, sync

FILE = Path("plan") / "emission_factors.csv"
COLUMNS = [
    "mode",
    "haul",
    "cabin_class",
    "year",
    "kg_co2e_per_pkm",
    "source",
    "table",
    "checked",
    "note",
]


def load_emission_factors(data_dir: Path, report: LoadReport) -> None:
    path = data_dir / FILE
    rows = read_csv(path, COLUMNS)
    parsed = []
    for row in rows:
        key = (row["mode"], row["haul"], row["cabin_class"], row["year"])
        if row["mode"] not in TravelMode.values:
            raise LoadError(path, f"unknown mode {row['mode']!r}", row=row.line, column="mode")
        if row["haul"] and row["haul"] not in Haul.values:
            raise LoadError(path, f"unknown haul {row['haul']!r}", row=row.line, column="haul")
        if row["cabin_class"] and row["cabin_class"] not in CabinClass.values:
            raise LoadError(path, "unknown cabin class", row=row.line, column="cabin_class")
        try:
            value = Decimal(row["kg_co2e_per_pkm"])
        except InvalidOperation:
            raise LoadError(path, "not a number", row=row.line, column="kg_co2e_per_pkm") from None
        if not row["year"].isdigit():
            raise LoadError(path, "not a year", row=row.line, column="year")
        if row["checked"] not in ("true", "false"):
            raise LoadError(path, "true or false", row=row.line, column="checked")
        parsed.append((row, key, value))
    require_unique(path, [r for r, _, _ in parsed], "table")
    report.step("emission factors")
    for row, (mode, haul, cabin, year), value in parsed:
        with at_row(path, row.line):
            sync(
                EmissionFactor,
                report,
                lookup={"mode": mode, "haul": haul, "cabin_class": cabin, "year": int(year)},
                values={
                    "kg_co2e_per_pkm": value,
                    "source": row["source"],
                    "table": row["table"],
                    "checked": row["checked"] == "true",
                    "note": row["note"],
                },
            )
