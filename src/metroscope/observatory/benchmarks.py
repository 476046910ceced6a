"""Peer benchmarking for pages and the API: who the peers are, where a metro stands among
them, and which metros are like it. Arrays come from `panel`, numbers from `analytics`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from django.utils import timezone

from metroscope.members.models import Country
from metroscope.observatory import analytics, panel
from metroscope.observatory.models import Indicator, Metro, Observation, Status

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


def resolve_peers(spec: str) -> Peers:
    """`all`, `region:<code or name>`, `country:<ISO3>`, `size:<class>`, `members` or
    `metros:<code,code,…>`."""
    spec = (spec or "all").strip()
    kind, _, arg = spec.partition(":")
    if kind == "all":
        return Peers("all", "all metros", None)
    if kind == "members":
        return Peers(
            spec,
            "metros where members operate",
            _ids(Metro.objects.filter(memberships__isnull=False).distinct()),
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
    if kind == "metros" and arg:
        codes = [c.strip() for c in arg.split(",") if c.strip()]
        found = dict(Metro.objects.filter(code__in=codes).values_list("code", "pk"))
        missing = [c for c in codes if c not in found]
        if missing:
            raise PeerError(f"unknown metro(s): {', '.join(missing)}")
        return Peers(spec, f"{len(found)} metros", np.array(sorted(found.values()), np.int64))
    raise PeerError(
        f"unknown peers {spec!r}: use all, members, region:<code>, country:<ISO3>, "
        "size:<class> or metros:<code,…>"
    )


def _restrict(metros: np.ndarray, values: np.ndarray, peers: Peers) -> tuple[Any, Any]:
    if peers.ids is None:
        return metros, values
    keep = np.isin(metros, peers.ids, assume_unique=True)
    return metros[keep], values[keep]


def benchmark(indicator: Indicator, year: int, sex: str, peers: Peers) -> dict[str, Any]:
    """Statistics of one indicator-year among the peers, and each peer's value and rank."""
    metros, values = _restrict(*panel.series(indicator.pk, sex).year(year), peers)
    ranks = analytics.percentile_ranks(values)
    stats = analytics.statistics(values)
    refs = Metro.objects.in_bulk(metros.tolist())
    rows = [
        {
            "metro": refs[m].code,
            "metro_name": refs[m].name,
            "country_iso3": refs[m].country_iso3,
            "value": v,
            "percentile_rank": r,
            "better_than": analytics.better_than(r, indicator.direction),
        }
        for m, v, r in zip(metros.tolist(), values.tolist(), ranks.tolist(), strict=True)
    ]
    rows.sort(key=lambda row: (-row["value"], row["metro"]))
    return {"stats": stats, "peers": rows}


def profile(metro: Metro, peers: Peers, sex: str = "total") -> list[dict[str, Any]]:
    """Each indicator at the metro's latest published year (projections beyond this year
    left out), ranked among the peers' values of that same year."""
    own = (
        Observation.objects.filter(
            metro=metro, sex=sex, status=Status.PUBLISHED, year__lte=timezone.now().year
        )
        .select_related("source")
        .order_by("indicator_id", "-year")
    )
    latest: dict[int, Observation] = {}
    for obs in own:
        latest.setdefault(obs.indicator_id, obs)
    indicators = Indicator.objects.in_bulk(list(latest))
    version = panel.data_version()
    result: list[dict[str, Any]] = []
    for indicator_id, obs in latest.items():
        indicator = indicators[indicator_id]
        data = panel.series(indicator_id, sex, version)
        metros, values = _restrict(*data.year(obs.year), peers)
        if peers.ids is not None and metro.pk not in peers.ids:
            values = np.append(values, obs.value)  # the metro always counts among its peers
        rank = analytics.percentile_rank(obs.value, values)
        stats = analytics.statistics(values)
        result.append(
            {
                "indicator": indicator,
                "observation": obs,
                "percentile_rank": rank,
                "better_than": analytics.better_than(rank, indicator.direction),
                "peer_median": stats.median,
                "peer_count": stats.count,
            }
        )
    result.sort(key=lambda row: (row["indicator"].order, row["indicator"].code))
    return result


def similar(metro: Metro, k: int, indicator_codes: list[str]) -> dict[str, Any]:
    """The k metros nearest to this one over the chosen indicators (see analytics.nearest):
    each metro's newest value within SIMILAR_YEARS years of the indicator's newest year."""
    indicators = list(Indicator.objects.filter(code__in=indicator_codes))
    order = {code: i for i, code in enumerate(indicator_codes)}
    indicators.sort(key=lambda ind: order[ind.code])
    columns = []
    ids: set[int] = set()
    version = panel.data_version()
    for indicator in indicators:
        data = panel.series(indicator.pk, "total", version)
        newest = int(data.years.max()) if data.years.size else 0
        now = min(newest, timezone.now().year)
        metros, values, _ = data.latest(now - SIMILAR_YEARS + 1, now)
        columns.append((metros, values))
        ids.update(metros.tolist())
    ids.add(metro.pk)
    rows = np.array(sorted(ids), dtype=np.int64)
    matrix = np.full((rows.size, len(indicators)), np.nan)
    for col, (metros, values) in enumerate(columns):
        matrix[np.searchsorted(rows, metros), col] = values
    target = int(np.searchsorted(rows, metro.pk))
    if not np.isfinite(matrix[target]).any():
        return {"indicators": indicators, "neighbours": []}
    found = analytics.nearest(analytics.zscores(matrix), target, k)
    refs = Metro.objects.in_bulk([int(rows[n.index]) for n in found])
    return {
        "indicators": indicators,
        "neighbours": [
            {
                "metro": refs[int(rows[n.index])],
                "distance": n.distance,
                "shared": n.used,
                "closest": [indicators[c].code for c in n.closest],
            }
            for n in found
        ],
    }
