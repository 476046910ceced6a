"""Open-data loader of the Observatory: sources, the indicator catalogue, metros and values.

Files live in data/observatory/ (copied from the project's shared seed data; see
data/PROVENANCE.md). Values are written through `writing.write_observations`, so a second
load changes nothing. Country-level figures are attached, flagged `national_proxy`, to the
metros where members operate; nothing is derived across datasets with different boundaries.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from django.db import models

from metroscope.core.loading import LoadError, LoadReport, read_csv, read_yaml, sync
from metroscope.core.text import fold
from metroscope.members.models import Member
from metroscope.observatory import places
from metroscope.observatory.models import (
    UNIT_RANGES,
    BatchKind,
    Direction,
    ImportBatch,
    Indicator,
    IndicatorTheme,
    Metro,
    MetroAlias,
    MetroMember,
    Observation,
    ReferenceKind,
    ReferenceValue,
    Scale,
    Sex,
    Source,
    Status,
    UmfDomain,
    UmfObjective,
    Unit,
)
from metroscope.observatory.writing import DuplicateKeys, StagedRow, write_observations
from metroscope.plan.models import Challenge, Theme

LANGS = ("en", "fr", "es")
DIR = "observatory"

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


def load_observatory_data(data_dir: Path, report: LoadReport) -> None:
    folder = data_dir / DIR
    report.step("sources and indicator catalogue")
    sources = _load_sources(folder / "sources.csv", report)
    indicators = _load_indicators(data_dir / "indicators.yaml", report)
    report.step("13,000 metros: matching GHSL centres and UN agglomerations")
    metros = _load_metros(folder, report)
    report.step("values: reading and checking")
    _load_values(folder, sources, indicators, metros, report)


# --- sources and catalogue -------------------------------------------------------------------


def _load_sources(path: Path, report: LoadReport) -> dict[str, Source]:
    rows = read_csv(path, ["code", "publisher", "title", "url", "licence", "released", "note"])
    result = {}
    for row in rows:
        values = {k: row[k] for k in ("publisher", "title", "url", "licence", "released", "note")}
        result[row["code"]] = sync(Source, report, lookup={"code": row["code"]}, values=values)
    return result


def _texts(path: Path, item: dict[str, Any], key: str, line: int) -> dict[str, str]:
    texts = item.get(key) or {}
    missing = [lang for lang in LANGS if not str(texts.get(lang, "")).strip()]
    if missing:
        raise LoadError(path, f"{item.get('code')}: {key} lacks {', '.join(missing)}", row=line)
    return {f"{key}_{lang}": str(texts[lang]).strip() for lang in LANGS}


def _choice(path: Path, item: dict[str, Any], key: str, choices: type[models.TextChoices]) -> str:
    value = item.get(key)
    if value not in choices.values:
        raise LoadError(
            path,
            f"{item.get('code')}: {key} {value!r} is not one of {', '.join(choices.values)}",
        )
    return str(value)


def _load_indicators(path: Path, report: LoadReport) -> dict[str, Indicator]:
    data = read_yaml(path) or {}
    themes = {t.code: t for t in Theme.objects.all()}
    challenges = {c.code: c for c in Challenge.objects.all()}
    result: dict[str, Indicator] = {}
    for order, item in enumerate(data.get("indicators") or [], start=1):
        code = str(item.get("code") or "")
        if not code or code in result:
            raise LoadError(path, f"indicator #{order}: missing or repeated code {code!r}")
        sexes = list(item.get("sexes") or [])
        if not sexes or any(s not in Sex.values for s in sexes):
            raise LoadError(path, f"{code}: sexes {sexes!r} must be a subset of {Sex.values}")
        umf = item.get("umf") or {}
        values: dict[str, Any] = {
            **_texts(path, item, "name", order),
            **_texts(path, item, "definition", order),
            **_texts(path, item, "methodology", order),
            "theme": _choice(path, item, "theme", IndicatorTheme),
            "unit": _choice(path, item, "unit", Unit),
            "direction": _choice(path, item, "direction", Direction),
            "decimals": int(item.get("decimals", 1)),
            "sexes": sexes,
            "min_value": item["min"] if "min" in item else UNIT_RANGES[item["unit"]][0],
            "max_value": item["max"] if "max" in item else UNIT_RANGES[item["unit"]][1],
            "sdg_targets": [str(t) for t in item.get("sdg_targets") or []],
            "umf_domain": _choice(path, umf, "domain", UmfDomain) if umf else "",
            "umf_objective": _choice(path, umf, "objective", UmfObjective) if umf else "",
            "headline": item.get("headline") or "",
            "order": order,
        }
        values["name"], values["definition"] = values["name_en"], values["definition_en"]
        values["methodology"] = values["methodology_en"]
        indicator = sync(Indicator, report, lookup={"code": code}, values=values)
        for field, table, codes in (
            ("plan_themes", themes, item.get("plan_themes") or []),
            ("plan_challenges", challenges, item.get("plan_challenges") or []),
        ):
            unknown = [c for c in codes if c not in table]
            if unknown:
                raise LoadError(path, f"{code}: unknown {field} {', '.join(unknown)}")
            wanted = {table[c].pk for c in codes}
            manager = getattr(indicator, field)
            if set(manager.values_list("pk", flat=True)) != wanted:
                manager.set(wanted)
        _load_references(path, indicator, item.get("references") or [], report)
        result[code] = indicator
    return result


def _load_references(
    path: Path, indicator: Indicator, items: list[dict[str, Any]], report: LoadReport
) -> None:
    """The catalogue's reference values of one indicator; ones staff added in the admin (other
    codes) are left alone."""
    for order, item in enumerate(items, start=1):
        ref = f"{indicator.code}: reference #{order}"
        code = str(item.get("code") or "")
        if not code:
            raise LoadError(path, f"{ref} has no code")
        try:
            value = float(item["value"])
        except (KeyError, TypeError, ValueError):
            raise LoadError(path, f"{ref} ({code}): value must be a number") from None
        source = str(item.get("source") or "").strip()
        if not source:
            raise LoadError(path, f"{ref} ({code}): the source is required")
        labels = _texts(path, {**item, "code": f"{indicator.code}/{code}"}, "label", order)
        values: dict[str, Any] = {
            **labels,
            "label": labels["label_en"],
            "kind": _choice(path, {**item, "code": ref}, "kind", ReferenceKind),
            "value": value,
            "year": int(item["year"]) if item.get("year") else None,
            "source": source,
            "url": str(item.get("url") or ""),
            "order": order,
        }
        sync(ReferenceValue, report, lookup={"indicator": indicator, "code": code}, values=values)


# --- metros ----------------------------------------------------------------------------------


def _places(path: Path, name_col: str, country_col: str) -> dict[int, places.Place]:
    rows = read_csv(path, ["entity_id", name_col, "country_iso3", country_col, "latitude"])
    return {
        int(r["entity_id"]): places.Place(
            id=int(r["entity_id"]),
            name=r[name_col],
            iso3=r["country_iso3"],
            country=r[country_col],
            lat=float(r["latitude"]),
            lon=float(r["longitude"]),
        )
        for r in rows
    }


def _links(folder: Path, member_codes: dict[str, str]) -> list[places.CrosswalkLink]:
    links = []
    for name in ("member_crosswalk.csv", "member_crosswalk_extra.csv"):
        path = folder / name
        for row in read_csv(path, ["member_name", "dataset", "entity_id", "match_type"]):
            code = member_codes.get(row["member_name"])
            if code is None:
                raise LoadError(path, "unknown member", row=row.line, column="member_name")
            links.append(
                places.CrosswalkLink(
                    member=code,
                    dataset=row["dataset"],
                    entity_id=row["entity_id"],
                    entity_name=row["entity_name"],
                    match_type=row["match_type"],
                    note=row["note"],
                )
            )
    return links


def _bulk_sync(
    model: type[models.Model],
    report: LoadReport,
    key: str,
    wanted: dict[Any, dict[str, Any]],
    unique: tuple[str, ...] = (),
) -> dict[Any, Any]:
    """Create and update many rows at once, touching only the rows whose values differ.

    Fields in `unique` (nullable, unique) are cleared first on changed rows, so that values
    moving from one row to another never collide half-way.
    """
    existing = {getattr(o, key): o for o in model._default_manager.all()}
    new, changed, fields = [], [], set()
    for k, values in wanted.items():
        obj = existing.get(k)
        if obj is None:
            new.append(model(**{key: k}, **values))
            continue
        diff = [f for f, v in values.items() if getattr(obj, f) != v]
        if diff:
            for f in diff:
                setattr(obj, f, values[f])
            changed.append(obj)
            fields.update(diff)
    moving = [f for f in unique if f in fields]
    if moving:
        model._default_manager.filter(pk__in=[o.pk for o in changed]).update(
            **dict.fromkeys(moving)
        )
    model._default_manager.bulk_create(new, batch_size=2000)
    if changed:
        model._default_manager.bulk_update(changed, sorted(fields), batch_size=2000)
    report.add_counts(
        model._meta.label,
        created=len(new),
        updated=len(changed),
        unchanged=len(wanted) - len(new) - len(changed),
    )
    return {getattr(o, key): o for o in model._default_manager.filter(**{f"{key}__in": wanted})}


def _load_metros(folder: Path, report: LoadReport) -> dict[str, Any]:
    ghsl = _places(folder / "ghsl_ucdb2015_urban_centres.csv", "entity_name", "country_name")
    wup = _places(folder / "wup2018_agglomerations.csv", "entity_name", "country_or_area")
    members = {
        m.code: places.MemberPoint(
            m.code,
            m.name,
            m.country.iso3,
            getattr(m.country, "name_en", "") or "",
            m.latitude,
            m.longitude,
        )
        for m in Member.objects.select_related("country")
    }
    links = _links(folder, {m.name: m.code for m in members.values()})
    specs = places.plan_metros(ghsl, wup, members, links)
    wanted = {
        s.code: {
            "name": s.name,
            "folded": fold(s.name),
            "country_iso3": s.iso3,
            "country_name": s.country,
            "latitude": s.lat,
            "longitude": s.lon,
            "kind": s.kind,
            "ghsl_id": s.ghsl_id,
            "wup_id": s.wup_id,
            "wup_match": s.wup_match,
            "wup_distance_km": s.wup_distance_km,
        }
        for s in specs
    }
    _retire_stale_metros(set(wanted), report)
    metros = _bulk_sync(Metro, report, "code", wanted, unique=("ghsl_id", "wup_id"))
    _sync_aliases(specs, metros, report)
    _sync_memberships(specs, metros, report)
    return {
        "by_code": metros,
        "by_ghsl": {s.ghsl_id: metros[s.code].pk for s in specs if s.ghsl_id},
        "by_wup": {s.wup_id: metros[s.code].pk for s in specs if s.wup_id},
        "member_metros": {
            metros[s.code].pk: s.iso3 for s in specs if s.members
        },  # metro id -> country
        "member_of": {code: metros[s.code].pk for s in specs for code in s.members},
        "ghsl_relation": {code: rel for s in specs for code, (rel, _) in s.members.items()},
        "specs": specs,
    }


def _retire_stale_metros(wanted: set[str], report: LoadReport) -> None:
    """Metros the open data no longer describes (a rematch, a corrected name) give up their
    dataset ids; they are deleted unless someone imported or entered values for them."""
    stale = Metro.objects.filter(synthetic=False).exclude(code__in=wanted)
    stale = stale.filter(models.Q(ghsl_id__isnull=False) | models.Q(wup_id__isnull=False))
    ids = list(stale.values_list("pk", flat=True))
    if not ids:
        return
    Metro.objects.filter(pk__in=ids).update(ghsl_id=None, wup_id=None)
    kept = set(
        Observation.objects.filter(metro_id__in=ids)
        .exclude(batch__kind=BatchKind.OPEN_DATA)
        .values_list("metro_id", flat=True)
    )
    Metro.objects.filter(pk__in=set(ids) - kept).delete()
    report.add_counts(Metro._meta.label, created=0, updated=len(ids), unchanged=0)


ALIAS_ORIGINS = {"GHSL UCDB 2015", "UN WUP 2018", "member registry", "WHO AAQ 2022"}


def _sync_aliases(
    specs: list[places.MetroSpec], metros: dict[str, Metro], report: LoadReport
) -> None:
    wanted = {
        (metros[s.code].pk, folded): (name, origin)
        for s in specs
        for folded, (name, origin) in s.aliases.items()
    }
    existing = {
        (a.metro_id, a.folded): a for a in MetroAlias.objects.filter(origin__in=ALIAS_ORIGINS)
    }
    new = [
        MetroAlias(metro_id=k[0], folded=k[1], name=name, origin=origin)
        for k, (name, origin) in wanted.items()
        if k not in existing
    ]
    stale = [a.pk for k, a in existing.items() if k not in wanted]
    MetroAlias.objects.bulk_create(new, batch_size=2000)
    MetroAlias.objects.filter(pk__in=stale).delete()
    report.add_counts(
        MetroAlias._meta.label,
        created=len(new),
        updated=len(stale),
        unchanged=len(wanted) - len(new),
    )


def _sync_memberships(
    specs: list[places.MetroSpec], metros: dict[str, Metro], report: LoadReport
) -> None:
    member_ids = dict(Member.objects.values_list("code", "pk"))
    wanted = {
        (metros[s.code].pk, member_ids[code]): {"relation": rel, "note": note}
        for s in specs
        for code, (rel, note) in s.members.items()
    }
    existing = {(m.metro_id, m.member_id): m for m in MetroMember.objects.all()}
    new = [
        MetroMember(metro_id=k[0], member_id=k[1], **v)
        for k, v in wanted.items()
        if k not in existing
    ]
    changed = []
    for k, v in wanted.items():
        link = existing.get(k)
        if link and (link.relation, link.note) != (v["relation"], v["note"]):
            link.relation, link.note = v["relation"], v["note"]
            changed.append(link)
    stale = [m.pk for k, m in existing.items() if k not in wanted]
    MetroMember.objects.bulk_create(new)
    MetroMember.objects.bulk_update(changed, ["relation", "note"])
    MetroMember.objects.filter(pk__in=stale).delete()
    report.add_counts(
        MetroMember._meta.label,
        created=len(new),
        updated=len(changed) + len(stale),
        unchanged=len(wanted) - len(new) - len(changed),
    )


# --- values ----------------------------------------------------------------------------------


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
            )
        )


def _iter_csv(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    if not path.exists():
        raise LoadError(path, "file not found")
    with path.open(encoding="utf-8", newline="") as fh:
        yield from enumerate(csv.DictReader(fh), start=2)


def _load_values(
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
