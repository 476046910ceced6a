"""Peer benchmarking for pages and the API: who the peers are, where a metro stands among
them, and which metros are like it. Arrays come from `panel`, numbers from `analytics`."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import orjson
from django.conf import settings
from django.utils import timezone

from metroscope.members.models import Country
from metroscope.observatory import analytics, figures, panel
from metroscope.observatory.models import (
    Indicator,
    Metro,
    Observation,
    PeerGroup,
    ReferenceValue,
    Scale,
    Status,
)

POPULATION_INDICATORS = ("population_urban_agglomeration", "population_urban_centre")
SIMILAR_YEARS = 5
DEFAULT_SIMILAR = (
    "population_urban_centre",
    "population_density_urban_centre",
    "builtup_area_urban_centre",
    "pm25_annual_mean",
)  # no national proxy: it would make every metro of a country alike


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
    version = figures.version()
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


MIN_PEERS = analytics.MIN_PEERS
NATIONAL = Scale.NATIONAL_PROXY.value
TOO_FEW_PEERS = "too_few_peers"  # reasons a value carries no percentile rank
NATIONAL_PROXY = "national_proxy"


def default_scale(counts: dict[str, int]) -> str | None:
    """The scale a comparison uses when none is asked (scale -> how many values): the one
    most values have, metro before core city before region on a tie; national proxies only
    when nothing else is there."""
    order = [Scale.METRO, Scale.CORE_CITY, Scale.REGION]
    present = [s.value for s in order if counts.get(s.value)]
    if present:
        return max(present, key=lambda s: (counts[s], -present.index(s)))
    return NATIONAL if counts.get(NATIONAL) else None


def _peer_counts(data: panel.Series, peers: Peers, metro_id: int | None = None) -> dict[int, int]:
    """Year -> values among the peers (and the metro itself, which counts among them)."""
    if peers.ids is None:
        return data.year_counts()
    keep = np.isin(data.metros, peers.ids)
    if metro_id is not None:
        keep |= data.metros == metro_id
    found, counts = np.unique(data.years[keep], return_counts=True)
    return dict(zip(found.tolist(), counts.tolist(), strict=True))


def _ranked_rows(
    metros: np.ndarray, values: np.ndarray, direction: str, refs: dict[int, Any]
) -> tuple[analytics.Stats, list[dict[str, Any]]]:
    """Each peer's value, highest first, with its percentile rank when there are at least
    MIN_PEERS peers; with fewer, the rank keys are left out, not set to null."""
    order = np.lexsort((metros, -values))  # highest value first
    named = list(map(refs.__getitem__, metros[order].tolist()))
    ordered = values[order].tolist()
    if not analytics.enough_peers(int(values.size)):
        rows = [
            {"metro": ref[0], "metro_name": ref[1], "country_iso3": ref[2], "value": value}
            for ref, value in zip(named, ordered, strict=True)
        ]
        return analytics.statistics(values), rows
    ranked = analytics.percentile_ranks(values)[order]
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
        for ref, value, rank, turned in zip(named, ordered, ranked.tolist(), better, strict=True)
    ]
    return analytics.statistics(values), rows


def country_rows(
    metros: np.ndarray, values: np.ndarray, refs: dict[int, Any]
) -> list[dict[str, Any]]:
    """National proxies once per country: its figure and how many of the metros it was
    copied onto are among those asked, highest figure first (a list, not a ranking)."""
    found: dict[str, dict[str, Any]] = {}
    for metro, value in zip(metros.tolist(), values.tolist(), strict=True):
        iso3 = refs[metro][2]
        row = found.setdefault(iso3, {"country_iso3": iso3, "value": value, "metros": 0})
        row["metros"] += 1
    return sorted(found.values(), key=lambda r: (-r["value"], r["country_iso3"]))


def benchmark(
    indicator: Indicator, year: int, sex: str, peers: Peers, scale: str | None = None
) -> dict[str, Any]:
    """Statistics of one indicator-year among the peers' values of one scale (`scale`, or
    default_scale of that year's), and each peer's value and rank, the rows already encoded
    as a JSON array (`peers_json`). National proxies are listed once per country
    (`countries`), never ranked as metros; fewer than MIN_PEERS values get no ranks, a
    `reason` and the newest year that has enough (`enough_year`).

    Among all metros the answer depends only on the data, so its encoded rows are kept with
    the indicator's cached series until the data change (bytes, not thousands of objects for
    the garbage collector to walk)."""
    version = figures.version()
    everything = panel.series(indicator.pk, sex, version)
    refs = panel.metro_refs(version)
    counts = {
        found: int(_restrict(*everything.of_scale(found).year(year), peers)[0].size)
        for found in _year_scales(everything, year, peers)
    }
    scale = scale or default_scale(counts) or Scale.METRO.value
    data = everything.of_scale(scale)
    metros, values = _restrict(*data.year(year), peers)
    head: dict[str, Any] = {
        "scale": scale,
        "peer_count": int(values.size),
        "other_scales": {k: v for k, v in counts.items() if v and k != scale},
    }
    if scale == NATIONAL:
        countries = country_rows(metros, values, refs)
        stats = _quartiles_if_enough(
            analytics.statistics(np.array([c["value"] for c in countries], np.float64))
        )
        return head | {
            "stats": stats,
            "peers_json": b"[]",
            "countries": countries,
            "reason": NATIONAL_PROXY,
        }
    if not analytics.enough_peers(int(values.size)):
        by_year = _peer_counts(data, peers)
        head["reason"] = TOO_FEW_PEERS
        head["enough_year"] = analytics.newest_year_with_enough(by_year, up_to=timezone.now().year)
    if peers.ids is None:
        key = ("benchmark", year, indicator.direction)
        if key not in data._memo:
            stats, rows = _ranked_rows(metros, values, indicator.direction, refs)
            data._memo[key] = (stats, orjson.dumps(rows))
        stats, encoded = data._memo[key]
    else:
        stats, rows = _ranked_rows(metros, values, indicator.direction, refs)
        encoded = orjson.dumps(rows)
    return head | {"stats": _quartiles_if_enough(stats), "peers_json": encoded}


def _quartiles_if_enough(stats: analytics.Stats) -> analytics.Stats:
    """Quartiles and the median are percentiles too: none among fewer than MIN_PEERS."""
    if analytics.enough_peers(stats.count):
        return stats
    return replace(stats, p25=None, median=None, p75=None)


def _year_scales(data: panel.Series, year: int, peers: Peers) -> list[str]:
    """The scales of one year's values among the peers."""
    lo, hi = np.searchsorted(data.years, [year, year + 1])
    metros, codes = data.metros[lo:hi], data.scales[lo:hi]
    if peers.ids is not None:
        codes = codes[np.isin(metros, peers.ids, assume_unique=True)]
    return [panel.SCALES[int(c)] for c in np.unique(codes)]


def _own_values(metro: Metro, sex: str, asked_years: dict[str, int]) -> dict[int, Observation]:
    """Indicator id -> the metro's published value at the asked year (indicator code ->
    year), else its latest that is not a projection."""
    at: dict[int, int] = {}
    if asked_years:
        codes = Indicator.objects.filter(code__in=list(asked_years)).values_list("pk", "code")
        at = {pk: asked_years[code] for pk, code in codes}
    own = (
        Observation.objects.filter(metro=metro, sex=sex, status=Status.PUBLISHED)
        .order_by("indicator_id", "-year")
        .values_list("indicator_id", "year", "pk")
    )
    now = timezone.now().year
    newest: dict[int, int] = {}
    asked: dict[int, int] = {}
    for indicator_id, year, pk in own:
        if year <= now:
            newest.setdefault(indicator_id, pk)
        if at.get(indicator_id) == year:
            asked[indicator_id] = pk
    newest.update(asked)
    chosen = Observation.objects.select_related("source").in_bulk(list(newest.values()))
    return {indicator_id: chosen[pk] for indicator_id, pk in newest.items()}


def _standing(
    metro: Metro, obs: Observation, indicator: Indicator, data: panel.Series, peers: Peers
) -> dict[str, Any]:
    """Where one value stands among the peers' values of its year and scale."""
    if obs.scale == NATIONAL:
        return {
            "percentile_rank": None,
            "better_than": None,
            "peer_median": None,
            "peer_count": None,
            "reason": NATIONAL_PROXY,
            "enough_year": None,
        }
    same = data.of_scale(obs.scale)
    if peers.ids is None:
        ordered = same.sorted_year(obs.year)  # all metros: sorted once per data version
    else:
        _, values = _restrict(*same.year(obs.year), peers)
        if metro.pk not in peers.ids:
            values = np.append(values, obs.value)  # the metro counts among its peers
        ordered = np.sort(values)
    count = int(ordered.size)
    if not analytics.enough_peers(count):
        own_years = same.years[same.metros == metro.pk].tolist()
        counts = _peer_counts(same, peers, metro.pk)
        return {
            "percentile_rank": None,
            "better_than": None,
            "peer_median": None,
            "peer_count": count,
            "reason": TOO_FEW_PEERS,
            "enough_year": analytics.newest_year_with_enough(
                counts, up_to=timezone.now().year, among=own_years
            ),
        }
    rank = analytics.sorted_rank(obs.value, ordered)
    return {
        "percentile_rank": rank,
        "better_than": analytics.better_than(rank, indicator.direction),
        "peer_median": analytics.sorted_median(ordered),
        "peer_count": count,
        "reason": None,
        "enough_year": None,
    }


def parse_years(text: str) -> dict[str, int]:
    """`code:year,code:year` (the years a profile is asked at) as a dict; junk is ignored."""
    found: dict[str, int] = {}
    for part in text.split(","):
        code, _, year = part.strip().partition(":")
        if code and year.isdigit() and len(year) == 4:
            found[code] = int(year)
    return found


def profile(
    metro: Metro, peers: Peers, sex: str = "total", at: dict[str, int] | None = None
) -> list[dict[str, Any]]:
    """Each indicator at the metro's latest published year (projections beyond this year
    left out), or at the year `at` asks for it (indicator code -> year), ranked among the
    peers' values of that same year and scale. A national proxy is the country's figure,
    with no rank; fewer than MIN_PEERS values give no rank but the newest year, among the
    metro's own, that has enough peers."""
    latest = _own_values(metro, sex, at or {})
    indicators = Indicator.objects.in_bulk(list(latest))
    version = figures.version()
    result: list[dict[str, Any]] = []
    for indicator_id, obs in latest.items():
        indicator = indicators[indicator_id]
        data = panel.series(indicator_id, sex, version)
        result.append(
            {"indicator": indicator, "observation": obs}
            | _standing(metro, obs, indicator, data, peers)
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
    newest value within SIMILAR_YEARS of the indicator's newest year, of the column's one
    scale (column_scale), z-scored and prepared for nearest-neighbour questions (kept per
    data version by panel.derived)."""
    columns = []
    ids: set[int] = set()
    for indicator in indicators:
        data = panel.series(indicator.pk, "total", version)
        data = data.of_scale(column_scale(data) or NATIONAL)
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


def column_scale(data: panel.Series) -> str | None:
    """The one scale an indicator is compared at among metros like mine: the one most of its
    values have, never national proxies (None when it has nothing else)."""
    found, counts = np.unique(data.scales, return_counts=True)
    by_scale = {panel.SCALES[int(c)]: int(n) for c, n in zip(found, counts, strict=True)}
    by_scale.pop(NATIONAL, None)
    return default_scale(by_scale)


def _comparable(indicator: Indicator, version: tuple[int, int]) -> bool:
    return column_scale(panel.series(indicator.pk, "total", version)) is not None


class UnknownIndicators(ValueError):
    def __init__(self, codes: list[str]) -> None:
        super().__init__(", ".join(codes))
        self.codes = codes


def similar(
    metro: Metro, k: int, indicator_codes: list[str], *, strict: bool = False
) -> dict[str, Any]:
    """The k metros nearest to this one over the chosen indicators (see analytics.nearest):
    each metro's newest value within SIMILAR_YEARS years of the indicator's newest year, at
    one scale per indicator (like against like, see column_scale): an indicator with only
    national proxies is left out and named in `left_out`. With `strict`, a code that names no
    indicator raises UnknownIndicators; otherwise it is left out."""
    names = ["name", *(f"name_{code}" for code, _label in settings.LANGUAGES)]
    indicators = list(
        Indicator.objects.filter(code__in=indicator_codes).only("pk", "code", "order", *names)
    )
    if strict and len(indicators) < len(set(indicator_codes)):
        present = {i.code for i in indicators}
        raise UnknownIndicators([c for c in dict.fromkeys(indicator_codes) if c not in present])
    order = {code: i for i, code in enumerate(indicator_codes)}
    indicators.sort(key=lambda ind: order[ind.code])
    version = figures.version()
    left_out = [i for i in indicators if not _comparable(i, version)]
    indicators = [i for i in indicators if i not in left_out]
    key = ("similar", tuple(i.pk for i in indicators))
    rows, prepared = panel.derived(key, version, lambda: _zscored_matrix(indicators, version))
    position = int(np.searchsorted(rows, metro.pk))
    if position >= rows.size or rows[position] != metro.pk or not prepared.have[position].any():
        return {"indicators": indicators, "left_out": left_out, "neighbours": []}
    found = analytics.nearest(prepared, position, k)
    refs = panel.metro_refs(version)  # the neighbours' names without another query

    def neighbour(pk: int) -> Metro:
        code, name, iso3 = refs[pk]
        return Metro(pk=pk, code=code, name=name, country_iso3=iso3)

    return {
        "indicators": indicators,
        "left_out": left_out,
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
