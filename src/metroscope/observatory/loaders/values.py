"""Values from the open data: city datasets (UN WUP, GHSL), WHO air quality for the localities
that stand for a member's metro, and national figures attached to members' metros as proxies.
Every row is checked against its indicator and written in one open-data batch."""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from metroscope.core.loading import LoadError, LoadReport, read_csv
from metroscope.members.models import Member
from metroscope.observatory.loaders.third_drop import add_third_drop
from metroscope.observatory.models import (
    BatchKind,
    ImportBatch,
    Indicator,
    Scale,
    Sex,
    Source,
    Status,
)
from metroscope.observatory.writing import DuplicateKeys, StagedRow, write_observations

# dataset indicator -> (catalogue code, sex)
CITY_INDICATORS = {
    "population_urban_agglomeration": ("population_urban_agglomeration", Sex.TOTAL),
    "population_urban_centre": ("population_urban_centre", Sex.TOTAL),
    "population_density_urban_centre": ("population_density_urban_centre", Sex.TOTAL),
    "builtup_area_urban_centre": ("builtup_area_urban_centre", Sex.TOTAL),
    "urban_centre_area": ("urban_centre_area", Sex.TOTAL),
    "pm25_annual_mean": ("pm25_annual_mean", Sex.TOTAL),
    "pm10_annual_mean": ("pm10_annual_mean", Sex.TOTAL),
    "no2_annual_mean": ("no2_annual_mean", Sex.TOTAL),
}
COUNTRY_INDICATORS = {
    "life_expectancy_at_birth_total": ("life_expectancy_at_birth", Sex.TOTAL),
    "life_expectancy_at_birth_female": ("life_expectancy_at_birth", Sex.FEMALE),
    "life_expectancy_at_birth_male": ("life_expectancy_at_birth", Sex.MALE),
    "gdp_per_capita_ppp_current_intl_usd": ("gdp_per_capita_ppp", Sex.TOTAL),
    "labour_force_participation_rate_female_15plus": (
        "labour_force_participation_rate",
        Sex.FEMALE,
    ),
    "poverty_headcount_3_00_usd_2021ppp": ("poverty_headcount_3_00", Sex.TOTAL),
    "poverty_headcount_4_20_usd_2021ppp": ("poverty_headcount_4_20", Sex.TOTAL),
    "poverty_headcount_8_30_usd_2021ppp": ("poverty_headcount_8_30", Sex.TOTAL),
    "poverty_headcount_national_lines": ("poverty_headcount_national_lines", Sex.TOTAL),
    "population_total": ("country_population", Sex.TOTAL),
    "mean_monthly_earnings_female_urban": ("mean_monthly_earnings_urban", Sex.FEMALE),
    "mean_monthly_earnings_male_urban": ("mean_monthly_earnings_urban", Sex.MALE),
    "gender_earnings_gap_urban_pct": ("gender_earnings_gap_urban", Sex.TOTAL),
    "gender_earnings_gap_national_pct": ("gender_earnings_gap_national", Sex.TOTAL),
    "own_revenue_share_of_total_revenue_derived": ("own_revenue_share", Sex.TOTAL),
    "vertical_fiscal_imbalance": ("vertical_fiscal_imbalance", Sex.TOTAL),
    "transfer_dependency_own_revenue": ("transfer_dependency", Sex.TOTAL),
    "revenue_decentralization": ("revenue_decentralization", Sex.TOTAL),
    "tax_revenue_decentralization": ("tax_revenue_decentralization", Sex.TOTAL),
    "expenditure_decentralization": ("expenditure_decentralization", Sex.TOTAL),
}
IMF_LEVEL = "local"  # municipal governments are what members are; see the catalogue's notes


class _Rows:
    """Collects staged rows from several files, checking each value against its indicator."""

    def __init__(self, indicators: dict[str, Indicator], sources: dict[str, Source]) -> None:
        self.indicators = indicators
        self.sources = sources
        self.rows: list[StagedRow] = []
        self.where: list[tuple[str, int]] = []

    def add(
        self,
        path: Path,
        line: int,
        metro_id: int,
        code: str,
        sex: str,
        year: str,
        value: str,
        scale: str,
        source: str,
        note: str = "",
        *,
        flags: str = "",
    ) -> None:
        indicator = self.indicators.get(code)
        if indicator is None:
            raise LoadError(path, f"indicator {code!r} is not in the catalogue", row=line)
        if source not in self.sources:
            raise LoadError(path, f"source {source!r} is not in sources.csv", row=line)
        try:
            number = float(value)
        except ValueError:
            raise LoadError(path, f"{value!r} is not a number", row=line, column="value") from None
        low, high = indicator.valid_range()
        if (low is not None and number < low) or (high is not None and number > high):
            raise LoadError(
                path, f"{number} is outside {low}..{high} for {code}", row=line, column="value"
            )
        self.where.append((path.name, line))
        self.rows.append(
            StagedRow(
                len(self.rows) + 1,
                metro_id,
                indicator.pk,
                int(year),
                str(sex),
                number,
                scale,
                self.sources[source].pk,
                Status.PUBLISHED,
                note,
                flags,
            )
        )


def _iter_csv(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    if not path.exists():
        raise LoadError(path, "file not found")
    with path.open(encoding="utf-8", newline="") as fh:
        yield from enumerate(csv.DictReader(fh), start=2)


def load_values(
    folder: Path,
    sources: dict[str, Source],
    indicators: dict[str, Indicator],
    metros: dict[str, Any],
    report: LoadReport,
) -> None:
    rows = _Rows(indicators, sources)
    by_ghsl, by_wup = metros["by_ghsl"], metros["by_wup"]

    path = folder / "city_population_wup2018.csv"
    for line, r in _iter_csv(path):
        note = "UN projection" if r["estimate_type"] == "projection" else ""
        code, sex = CITY_INDICATORS[r["indicator"]]
        rows.add(
            path,
            line,
            by_wup[int(r["entity_id"])],
            code,
            sex,
            r["year"],
            r["value"],
            Scale.METRO,
            r["source"],
            note,
        )
    for name in (
        "city_urban_centre_area_ghsl2015.csv",
        "city_urban_centre_population_ghsl2015.csv",
    ):
        path = folder / name
        for line, r in _iter_csv(path):
            code, sex = CITY_INDICATORS[r["indicator"]]
            rows.add(
                path,
                line,
                by_ghsl[int(r["entity_id"])],
                code,
                sex,
                r["year"],
                r["value"],
                Scale.METRO,
                r["source"],
            )
    _add_air_quality(folder, metros, rows)
    _add_country_proxies(folder, metros, rows)
    add_third_drop(folder, metros, rows)

    report.step(f"values: writing {len(rows.rows):,}")
    batch = ImportBatch.objects.create(
        kind=BatchKind.OPEN_DATA, status=Status.PUBLISHED, filename="data/observatory/*.csv"
    )
    try:
        counts = write_observations(rows.rows, batch=batch)
    except DuplicateKeys as exc:
        first = exc.duplicates[0]
        places_ = ", ".join(
            f"{rows.where[r - 1][0]} row {rows.where[r - 1][1]}" for r in first.rows
        )
        raise LoadError(folder, f"the same value key comes from several rows: {places_}") from exc
    if counts.created or counts.updated:
        batch.rows, batch.created, batch.updated = counts.rows, counts.created, counts.updated
        batch.unchanged = counts.unchanged
        batch.save()
    else:
        batch.delete()
    report.add_counts(
        "observatory.Observation",
        created=counts.created,
        updated=counts.updated,
        unchanged=counts.unchanged,
    )


def _add_air_quality(folder: Path, metros: dict[str, Any], rows: _Rows) -> None:
    """WHO localities of members whose metro is their own urban centre (primary) or core city.

    Where several members share a metro (Seoul, Incheon, Goyang), only the member anchored as
    `primary` gives the metro its WHO values; where WHO holds two editions of the same
    locality-year, the newer edition wins.
    """
    crosswalk = folder / "member_crosswalk.csv"
    member_of, relation = metros["member_of"], metros["ghsl_relation"]
    names = {m.name: m.code for m in Member.objects.all()}
    locality: dict[str, tuple[int, str]] = {}  # WHO entity id -> (metro id, scale)
    links = [
        row
        for row in read_csv(crosswalk, ["member_name", "dataset", "entity_id", "match_type"])
        if row["dataset"] == "who_aaq2022" and row["match_type"] in {"primary", "core_city"}
    ]
    links.sort(key=lambda row: row["match_type"] != "primary")  # primary records first
    for row in links:
        code = names[row["member_name"]]
        if relation.get(code) not in {"primary", "own"}:
            continue
        scale: str = Scale.CORE_CITY if row["match_type"] == "core_city" else Scale.METRO
        metro_id = member_of[code]
        if row["entity_id"] in locality or metro_id in {m for m, _ in locality.values()}:
            continue
        locality[row["entity_id"]] = (metro_id, scale)
    path = folder / "city_air_quality_who2022.csv"
    best: dict[tuple[int, str, str], tuple[int, int, dict[str, str], str]] = {}
    for line, r in _iter_csv(path):
        if r["entity_id"] not in locality:
            continue
        metro_id, scale = locality[r["entity_id"]]
        key = (metro_id, r["indicator"], r["year"])
        version = int(r["who_db_version"] or 0)
        if key not in best or version > best[key][0]:
            best[key] = (version, line, r, scale)
    for (metro_id, _, _), (_, line, r, scale) in sorted(best.items(), key=lambda kv: kv[1][1]):
        code, sex = CITY_INDICATORS[r["indicator"]]
        note = f"WHO locality: {r['entity']}; reported by {r['primary_data_source']}".strip()
        rows.add(
            path, line, metro_id, code, sex, r["year"], r["value"], scale, r["source"], note[:500]
        )


def _add_country_proxies(folder: Path, metros: dict[str, Any], rows: _Rows) -> None:
    """National figures, attached to every metro where a member operates, flagged as proxies."""
    by_country: dict[str, list[int]] = defaultdict(list)
    for metro_id, iso3 in metros["member_metros"].items():
        by_country[iso3].append(metro_id)
    readers: list[
        tuple[str, str, Callable[[dict[str, str]], bool], Callable[[dict[str, str]], str]]
    ] = [
        ("country_indicators.csv", "entity", lambda r: True, lambda r: ""),
        (
            "country_urban_gender_earnings_ilo.csv",
            "country_iso3",
            lambda r: True,
            lambda r: (
                f"ILO survey: {r['survey']}" + (f" ({r['obs_status']})" if r["obs_status"] else "")
            ),
        ),
        (
            "country_fiscal_decentralization_imf.csv",
            "country_iso3",
            lambda r: r["government_level"] == IMF_LEVEL,
            lambda r: "local governments of the country",
        ),
    ]
    for name, iso_col, keep, note in readers:
        path = folder / name
        for line, r in _iter_csv(path):
            if r[iso_col] not in by_country or not keep(r):
                continue
            code, sex = COUNTRY_INDICATORS[r["indicator"]]
            for metro_id in sorted(by_country[r[iso_col]]):
                rows.add(
                    path,
                    line,
                    metro_id,
                    code,
                    sex,
                    r["year"],
                    r["value"],
                    Scale.NATIONAL_PROXY,
                    r["source"],
                    note(r)[:500],
                )
