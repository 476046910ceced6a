"""Peer benchmarking for pages and the API: who the peers are, where a metro stands among
them, and which metros are like it. Arrays come from `panel`, numbers from `analytics`."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import orjson
from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from metroscope.members.models import Country
from metroscope.observatory import analytics, panel
from metroscope.observatory.models import (
    Indicator,
    Metro,
    Observation,
    PeerGroup,
    ReferenceValue,
    Status,
)

POPULATION_INDICATORS = ("population_urban_agglomeration", "population_urban_centre")
SIMILAR_YEARS = 5
DEFAULT_SIMILAR = (
    "population_urban_centre",
    "population_density_urban_centre",
    "builtup_area_urban_centre",
    "pm25_annual_mean",
    "gdp_per_capita_ppp",
    "life_expectancy_at_birth",
)


class PeerError(ValueError):
    """The peers parameter names no group we know."""


@dataclass(frozen=True)
class Peers:
    spec: str
    label: str
    ids: np.ndarray | None  # sorted metro ids; None = every metro with a value


def _ids(qs: Any) -> np.ndarray:
    return np.array(sorted(qs.values_list("pk", flat=True)), dtype=np.int64)


def size_classes() -> dict[int, str]:
    """Metro id -> population class, from each metro's latest population value (not a
    projection), preferring the UN agglomeration figure to the GHSL urban centre's."""
    now = timezone.now().year
    classes: dict[int, str] = {}
    version = panel.data_version()
    found = dict(Indicator.objects.filter(code__in=POPULATION_INDICATORS).values_list("code", "pk"))
    for code in reversed(POPULATION_INDICATORS):  # the preferred indicator is applied last
        if code not in found:
            continue
        metros, values, _years = panel.series(found[code], "total", version).latest(1900, now)
        for metro, value in zip(metros.tolist(), values.tolist(), strict=True):
            klass = analytics.size_class(value)
            if klass:
                classes[metro] = klass
    return classes


def resolve_peers(spec: str, user: Any = None) -> Peers:
    """`all`, `region:<code or name>`, `country:<ISO3>`, `size:<class>`, `members`,
    `group:<uid>` (a saved group: the owner's, or any shared by link) or
    `metros:<code,code,…>`."""
    spec = (spec or "all").strip()
    kind, _, arg = spec.partition(":")
    if kind == "all":
        return Peers("all", "all metros", None)
    if kind == "members":
        return Peers(
            spec,
            "metros where members operate",
            _ids(Metro.objects.filter(memberships__relation="own").distinct()),
        )
    if kind == "country" and arg:
        return Peers(spec, arg.upper(), _ids(Metro.objects.filter(country_iso3=arg.upper())))
    if kind == "region" and arg:
        countries = Country.objects.filter(region__code=arg) | Country.objects.filter(
            region__name_en__iexact=arg
        )
        if not countries.exists():
            raise PeerError(f"unknown region {arg!r}")
        isos = list(countries.values_list("iso3", flat=True))
        return Peers(spec, arg, _ids(Metro.objects.filter(country_iso3__in=isos)))
    if kind == "size" and arg:
        known = [code for code, _, _ in analytics.SIZE_CLASSES]
        if arg not in known:
            raise PeerError(f"unknown size class {arg!r}; choose one of {', '.join(known)}")
        ids = sorted(m for m, klass in size_classes().items() if klass == arg)
        return Peers(spec, arg, np.array(ids, dtype=np.int64))
    if kind == "group" and arg:
        group = PeerGroup.objects.filter(uid=arg).first()
        if group is None or not group.visible_to(user):  # a private group is not disclosed
            raise PeerError(f"unknown peer group {arg!r}")
        members = sorted(group.metros.values_list("pk", flat=True))
        return Peers(f"group:{group.uid}", group.name, np.array(members, dtype=np.int64))
    if kind == "metros" and arg:
        codes = [c.strip() for c in arg.split(",") if c.strip()]
        found = dict(Metro.objects.filter(code__in=codes).values_list("code", "pk"))
        missing = [c for c in codes if c not in found]
        if missing:
            raise PeerError(f"unknown metro(s): {', '.join(missing)}")
        return Peers(spec, f"{len(found)} metros", np.array(sorted(found.values()), np.int64))
    raise PeerError(
        f"unknown peers {spec!r}: use all, members, region:<code>, country:<ISO3>, "
        "size:<class>, group:<id> or metros:<code,…>"
    )


def _restrict(metros: np.ndarray, values: np.ndarray, peers: Peers) -> tuple[Any, Any]:
    if peers.ids is None:
        return metros, values
    keep = np.isin(metros, peers.ids, assume_unique=True)
    return metros[keep], values[keep]


def _ranked_rows(
    metros: np.ndarray, values: np.ndarray, direction: str, refs: dict[int, Any]
) -> tuple[analytics.Stats, list[dict[str, Any]]]:
    ranks = analytics.percentile_ranks(values)
    order = np.lexsort((metros, -values))  # highest value first
    ranked = ranks[order]
    if direction == "higher_better":
        better: list[Any] = ranked.tolist()
    elif direction == "lower_better":
        better = (100.0 - ranked).tolist()
    else:
        better = [None] * int(order.size)
    # Column lists zipped into rows: this answer can hold 13,000 peers.
    rows = [
        {
            "metro": ref[0],
            "metro_name": ref[1],
            "country_iso3": ref[2],
            "value": value,
            "percentile_rank": rank,
            "better_than": turned,
        }
        for ref, value, rank, turned in zip(
            map(refs.__getitem__, metros[order].tolist()),
            values[order].tolist(),
            ranked.tolist(),
            better,
            strict=True,
        )
    ]
    return analytics.statistics(values), rows


def benchmark(indicator: Indicator, year: int, sex: str, peers: Peers) -> dict[str, Any]:
    """Statistics of one indicator-year among the peers, and each peer's value and rank, the
    rows already encoded as a JSON array (`peers_json`).

    Among all metros the answer depends only on the data, so its encoded rows are kept with
    the indicator's cached series until the data change (bytes, not thousands of objects for
    the garbage collector to walk)."""
    version = panel.data_version()
    data = panel.series(indicator.pk, sex, version)
    refs = panel.metro_refs(version)
    if peers.ids is None:
        key = ("benchmark", year, indicator.direction)
        if key not in data._memo:
            stats, rows = _ranked_rows(*data.year(year), indicator.direction, refs)
            data._memo[key] = (stats, orjson.dumps(rows))
        stats, encoded = data._memo[key]
    else:
        metros, values = _restrict(*data.year(year), peers)
        stats, rows = _ranked_rows(metros, values, indicator.direction, refs)
        encoded = orjson.dumps(rows)
    return {"stats": stats, "peers_json": encoded}


def profile(metro: Metro, peers: Peers, sex: str = "total") -> list[dict[str, Any]]:
    """Each indicator at the metro's latest published year (projections beyond this year
    left out), ranked among the peers' values of that same year."""
    own = (
        Observation.objects.filter(
            metro=metro, sex=sex, status=Status.PUBLISHED, year__lte=timezone.now().year
        )
        .order_by("indicator_id", "-year")
        .values_list("indicator_id", "pk")
    )
    newest: dict[int, int] = {}
    for indicator_id, pk in own:
        newest.setdefault(indicator_id, pk)
    chosen = Observation.objects.select_related("source").in_bulk(list(newest.values()))
    latest = {indicator_id: chosen[pk] for indicator_id, pk in newest.items()}
    indicators = Indicator.objects.in_bulk(list(latest))
    version = panel.data_version()
    result: list[dict[str, Any]] = []
    for indicator_id, obs in latest.items():
        indicator = indicators[indicator_id]
        data = panel.series(indicator_id, sex, version)
        if peers.ids is None:
            ordered = data.sorted_year(obs.year)  # all metros: sorted once per data version
        else:
            _, values = _restrict(*data.year(obs.year), peers)
            if metro.pk not in peers.ids:
                values = np.append(values, obs.value)  # the metro counts among its peers
            ordered = np.sort(values)
        rank = analytics.sorted_rank(obs.value, ordered)
        result.append(
            {
                "indicator": indicator,
                "observation": obs,
                "percentile_rank": rank,
                "better_than": analytics.better_than(rank, indicator.direction),
                "peer_median": analytics.sorted_median(ordered),
                "peer_count": int(ordered.size),
            }
        )
    references = ReferenceValue.objects.filter(indicator_id__in=list(latest))
    by_indicator: dict[int, list[ReferenceValue]] = {}
    for ref in references:
        by_indicator.setdefault(ref.indicator_id, []).append(ref)
    for row in result:
        row["references"] = [
            {
                "reference": ref,
                "distance": analytics.distance_to(
                    row["observation"].value, ref.value, row["indicator"].direction
                ),
            }
            for ref in by_indicator.get(row["indicator"].pk, [])
        ]
    result.sort(key=lambda row: (row["indicator"].order, row["indicator"].code))
    return result


def _zscored_matrix(indicators: list[Indicator], version: tuple[int, int]) -> tuple[Any, Any]:
    """Rows = every metro with a value for any indicator, columns = indicators: each metro's
    newest value within SIMILAR_YEARS of the indicator's newest year, z-scored and prepared
    for nearest-neighbour questions (kept per data version by panel.derived)."""
    columns = []
    ids: set[int] = set()
    for indicator in indicators:
        data = panel.series(indicator.pk, "total", version)
        newest = int(data.years.max()) if data.years.size else 0
        now = min(newest, timezone.now().year)
        metros, values, _ = data.latest_cached(now - SIMILAR_YEARS + 1, now)
        columns.append((metros, values))
        ids.update(metros.tolist())
    rows = np.array(sorted(ids), dtype=np.int64)
    matrix = np.full((rows.size, len(indicators)), np.nan)
    for col, (metros, values) in enumerate(columns):
        matrix[np.searchsorted(rows, metros), col] = values
    return rows, analytics.space(analytics.zscores(matrix))


class UnknownIndicators(ValueError):
    def __init__(self, codes: list[str]) -> None:
        super().__init__(", ".join(codes))
        self.codes = codes


def similar(
    metro: Metro, k: int, indicator_codes: list[str], *, strict: bool = False
) -> dict[str, Any]:
    """The k metros nearest to this one over the chosen indicators (see analytics.nearest):
    each metro's newest value within SIMILAR_YEARS years of the indicator's newest year.
    With `strict`, a code that names no indicator raises UnknownIndicators; otherwise it is
    left out."""
    names = ["name", *(f"name_{code}" for code, _label in settings.LANGUAGES)]
    indicators = list(
        Indicator.objects.filter(code__in=indicator_codes).only("pk", "code", "order", *names)
    )
    if strict and len(indicators) < len(set(indicator_codes)):
        present = {i.code for i in indicators}
        raise UnknownIndicators([c for c in dict.fromkeys(indicator_codes) if c not in present])
    order = {code: i for i, code in enumerate(indicator_codes)}
    indicators.sort(key=lambda ind: order[ind.code])
    version = panel.data_version()
    key = ("similar", tuple(i.pk for i in indicators))
    rows, prepared = panel.derived(key, version, lambda: _zscored_matrix(indicators, version))
    position = int(np.searchsorted(rows, metro.pk))
    if position >= rows.size or rows[position] != metro.pk or not prepared.have[position].any():
        return {"indicators": indicators, "neighbours": []}
    found = analytics.nearest(prepared, position, k)
    refs = panel.metro_refs(version)  # the neighbours' names without another query

    def neighbour(pk: int) -> Metro:
        code, name, iso3 = refs[pk]
        return Metro(pk=pk, code=code, name=name, country_iso3=iso3)

    return {
        "indicators": indicators,
        "neighbours": [
            {
                "metro": neighbour(int(rows[n.index])),
                "distance": n.distance,
                "shared": n.used,
                "closest": [indicators[c].code for c in n.closest],
            }
            for n in found
        ],
    }


@dataclass(frozen=True)
class NetworkFigure:
    """An indicator's average across the metros where members operate, in its reference year
    (see analytics.reference_year), with the coverage that average rests on."""

    indicator: Indicator
    year: int | None  # None: the network has no published value
    mean: float | None = None
    metros: int = 0  # metros averaged (their values of `year`)
    first_year: int | None = None  # the span of every published member value, no projection
    last_year: int | None = None
    newest_metros: int = 0  # metros with a value in last_year, maybe fewer than `metros`
    scales: tuple[str, ...] = ()  # scales of the averaged values (e.g. national proxies)


def network_figures(indicators: list[Indicator]) -> list[NetworkFigure]:
    version = panel.data_version()
    members = _ids(Metro.objects.filter(memberships__relation="own").distinct())
    now = timezone.now().year
    figures = []
    averaged: dict[int, tuple[int, list[int]]] = {}
    for indicator in indicators:
        data = panel.series(indicator.pk, "total", version)
        keep = np.isin(data.metros, members) & (data.years <= now)
        metros, years, values = data.metros[keep], data.years[keep], data.values[keep]
        year = analytics.reference_year(years)
        if year is None:
            figures.append(NetworkFigure(indicator, None))
            continue
        chosen = years == year
        last = int(years.max())
        averaged[indicator.pk] = (year, metros[chosen].tolist())
        figures.append(
            NetworkFigure(
                indicator=indicator,
                year=year,
                mean=float(values[chosen].mean()),
                metros=int(np.unique(metros[chosen]).size),
                first_year=int(years.min()),
                last_year=last,
                newest_metros=int(np.unique(metros[years == last]).size),
            )
        )
    scales = _scales(averaged)
    return [replace(f, scales=scales.get(f.indicator.pk, ())) for f in figures]


def _scales(averaged: dict[int, tuple[int, list[int]]]) -> dict[int, tuple[str, ...]]:
    """The scales the averaged values describe (e.g. national proxies), in one query."""
    if not averaged:
        return {}
    match = Q()
    for indicator_id, (year, metros) in averaged.items():
        match |= Q(indicator_id=indicator_id, year=year, metro_id__in=metros)
    found: dict[int, set[str]] = {}
    rows = (
        Observation.objects.filter(match, sex="total", status=Status.PUBLISHED)
        .order_by()
        .values_list("indicator_id", "scale")
        .distinct()
    )
    for indicator_id, scale in rows:
        found.setdefault(indicator_id, set()).add(scale)
    return {k: tuple(sorted(v)) for k, v in found.items()}
