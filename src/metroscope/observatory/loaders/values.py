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
from metroscope.observatory import places
from metroscope.observatory.loaders.third_drop import add_third_drop
from metroscope.observatory.models import (
    BatchKind,
    Flag,
    ImportBatch,
    Indicator,
    Observation,
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


SUMMED = {  # indicators whose components add up
    "population_urban_agglomeration",
    "population_urban_centre",
    "urban_centre_area",
    "builtup_area_urban_centre",
}
DATASET_NAMES = {
    "wup2018": "UN WUP 2018 agglomerations",
    "ghsl_ucdb2015": "GHSL 2015 urban centres",
}


class _Parts:
    """Values of the places some members are made of, summed onto the member's own place
    within one source and year, and only where every part has a value."""

    def __init__(self, metros: dict[str, Any]) -> None:
        self.composites: list[tuple[int, places.MetroSpec]] = metros.get("composites", [])
        self.wanted = {(d, e) for _, s in self.composites for d, e in s.components}
        # (dataset, entity) -> {(indicator, year): (value, source, path, line, projection)}
        self.values: dict[tuple[str, int], dict[tuple[str, str], tuple[Any, ...]]] = defaultdict(
            dict
        )
        self.names: dict[tuple[str, int], str] = {}

    def collect(
        self, dataset: str, entity: int, r: dict[str, str], path: Path, line: int, projection: bool
    ) -> None:
        if (dataset, entity) in self.wanted:
            self.values[(dataset, entity)][(r["indicator"], r["year"])] = (
                float(r["value"]),
                r["source"],
                path,
                line,
                projection,
            )
            self.names[(dataset, entity)] = r["entity"]

    def add_sums(self, rows: _Rows) -> None:
        for metro_id, spec in self.composites:
            by_dataset: dict[str, list[int]] = defaultdict(list)
            for dataset, entity in spec.components:
                by_dataset[dataset].append(entity)
            for dataset, entities in sorted(by_dataset.items()):
                self._add_dataset(rows, metro_id, dataset, entities)

    def _add_dataset(self, rows: _Rows, metro_id: int, dataset: str, entities: list[int]) -> None:
        series = [self.values.get((dataset, e), {}) for e in entities]
        common = set(series[0]).intersection(*series[1:]) if series else set()
        names = ", ".join(self.names.get((dataset, e), str(e)) for e in entities)
        sums: dict[tuple[str, str], float] = {}
        for indicator, year in sorted(common):
            if indicator not in SUMMED:
                continue
            total = sum(s[(indicator, year)][0] for s in series)
            sums[(indicator, year)] = total
            first = series[0][(indicator, year)]
            projection = any(s[(indicator, year)][4] for s in series)
            note = f"Sum of {len(entities)} {DATASET_NAMES[dataset]}: {names}"
            flags = ",".join(
                f for f in (Flag.SUM_OF_COMPONENTS, Flag.PROJECTION if projection else "") if f
            )
            code, sex = CITY_INDICATORS[indicator]
            rows.add(
                first[2],
                first[3],
                metro_id,
                code,
                sex,
                year,
                repr(total),
                Scale.METRO,
                first[1],
                note[:500],
                flags,
            )
        for (indicator, year), population in sorted(sums.items()):
            area = sums.get(("urban_centre_area", year))
            if indicator == "population_urban_centre" and area:
                first = series[0][(indicator, year)]
                note = (
                    "Sum of the populations over the sum of the areas of "
                    f"{len(entities)} {DATASET_NAMES[dataset]}: {names}"
                )
                rows.add(
                    first[2],
                    first[3],
                    metro_id,
                    "population_density_urban_centre",
                    Sex.TOTAL,
                    year,
                    repr(round(population / area, 1)),
                    Scale.METRO,
                    first[1],
                    note[:500],
                    Flag.SUM_OF_COMPONENTS,
                )


def load_values(
    folder: Path,
    sources: dict[str, Source],
    indicators: dict[str, Indicator],
    metros: dict[str, Any],
    report: LoadReport,
) -> None:
    rows = _Rows(indicators, sources)
    by_ghsl, by_wup = metros["by_ghsl"], metros["by_wup"]
    parts = _Parts(metros)

    path = folder / "city_population_wup2018.csv"
    for line, r in _iter_csv(path):
        projection = r["estimate_type"] == "projection"
        code, sex = CITY_INDICATORS[r["indicator"]]
        entity = int(r["entity_id"])
        parts.collect("wup2018", entity, r, path, line, projection)
        if entity not in by_wup:
            continue  # a component that is only ever summed (none today)
        rows.add(
            path,
            line,
            by_wup[entity],
            code,
            sex,
            r["year"],
            r["value"],
            Scale.METRO,
            r["source"],
            "UN projection" if projection else "",
            Flag.PROJECTION if projection else "",
        )
    for name in (
        "city_urban_centre_area_ghsl2015.csv",
        "city_urban_centre_population_ghsl2015.csv",
    ):
        path = folder / name
        for line, r in _iter_csv(path):
            code, sex = CITY_INDICATORS[r["indicator"]]
            parts.collect("ghsl_ucdb2015", int(r["entity_id"]), r, path, line, False)
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
    parts.add_sums(rows)
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
    retired = _retire_stale_values(rows.rows)
    if counts.created or counts.updated:
        batch.rows, batch.created, batch.updated = counts.rows, counts.created, counts.updated
        batch.unchanged = counts.unchanged
        batch.save()
    else:
        batch.delete()
    report.add_counts(
        "observatory.Observation",
        created=counts.created,
        updated=counts.updated + retired,
        unchanged=counts.unchanged,
    )


def _retire_stale_values(staged: list[StagedRow]) -> int:
    """Delete open-data values the open data no longer gives (a place re-linked, a row
    removed upstream); values people imported or entered are never touched."""
    wanted = {(r.metro_id, r.indicator_id, r.year, r.sex) for r in staged}
    stale = [
        pk
        for pk, *key in Observation.objects.filter(batch__kind=BatchKind.OPEN_DATA).values_list(
            "pk", "metro_id", "indicator_id", "year", "sex"
        )
        if tuple(key) not in wanted
    ]
    for start in range(0, len(stale), 900):
        Observation.objects.filter(pk__in=stale[start : start + 900]).delete()
    return len(stale)


LOW_COVERAGE_PCT = 75.0  # WHO's own threshold for a representative annual mean


def _add_air_quality(folder: Path, metros: dict[str, Any], rows: _Rows) -> None:
    """Every WHO locality a member names as its own goes on the member's own place.

    The localities describe the administrative city (or, for Gyeonggi-Do, the province):
    scale `core_city`, or `region` where the member's place is a region. A locality the
    crosswalk calls the member's seat (Belo Horizonte for Minas Gerais) goes on the seat's
    place. Where several localities give the same place and year (Brussels, Xi'an), the
    newer WHO edition wins, then the higher temporal coverage.
    """
    crosswalk = folder / "member_crosswalk.csv"
    own_of = metros["own_of"]
    kinds = {metros["by_code"][s.code].pk: s.kind for s in metros["specs"]}
    seat_of = {
        code: metros["by_code"][s.code].pk
        for s in metros["specs"]
        for code, (relation, _, _) in s.members.items()
        if relation == "seat"
    }
    names = {m.name: m.code for m in Member.objects.all()}
    links = read_csv(crosswalk, ["member_name", "dataset", "entity_id", "match_type"])
    links = [link for link in links if link["dataset"] == "who_aaq2022"]
    seats = {
        (names[link["member_name"]], link["entity_id"])
        for link in links
        if link["match_type"] == "seat_only"
    }
    locality: dict[str, set[tuple[int, str]]] = defaultdict(set)  # entity -> {(metro, scale)}
    for link in links:
        if link["match_type"] not in {"primary", "core_city", "seat_only"}:
            continue
        code = names[link["member_name"]]
        if (code, link["entity_id"]) in seats:
            if code in seat_of:
                locality[link["entity_id"]].add((seat_of[code], Scale.CORE_CITY))
            continue
        metro_id = own_of[code]
        own_scale = Scale.REGION if kinds.get(metro_id) == "region" else Scale.CORE_CITY
        locality[link["entity_id"]].add((metro_id, own_scale))
    path = folder / "city_air_quality_who2022.csv"
    best: dict[tuple[int, str, str], tuple[tuple[int, float, int], int, dict[str, str], str]] = {}
    for line, record in _iter_csv(path):
        for metro_id, place_scale in locality.get(record["entity_id"], ()):
            key = (metro_id, record["indicator"], record["year"])
            rank = (
                int(record["who_db_version"] or 0),
                float(record["temporal_coverage_pct"] or 0),
                -line,
            )
            if key not in best or rank > best[key][0]:
                best[key] = (rank, line, record, place_scale)
    for (metro_id, _, _), (_, line, r, scale) in sorted(best.items(), key=lambda kv: kv[1][1]):
        code, sex = CITY_INDICATORS[r["indicator"]]
        note = f"WHO locality: {r['entity']}; reported by {r['primary_data_source']}".strip()
        flags = ""
        if r["temporal_coverage_pct"] and float(r["temporal_coverage_pct"]) < LOW_COVERAGE_PCT:
            flags = Flag.LOW_COVERAGE
            note += f"; temporal coverage {float(r['temporal_coverage_pct']):g} %"
        rows.add(
            path,
            line,
            metro_id,
            code,
            sex,
            r["year"],
            r["value"],
            scale,
            r["source"],
            note[:500],
            flags,
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
