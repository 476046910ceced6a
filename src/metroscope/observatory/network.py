"""The network's figures: each indicator's average across the metros where members operate,
in its reference year, with the coverage and the scales that average rests on (the home's
and the catalogue's headline table). Arrays come from `panel`, numbers from `analytics`."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from django.db.models import Q
from django.utils import timezone

from metroscope.observatory import analytics, page_figures, panel
from metroscope.observatory import figures as shown_figures
from metroscope.observatory.models import Indicator, Metro, Observation, Scale, Status


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
    """Each indicator's figure, computed once per version of the figures shown, set of member
    metros and year (page_figures); the indicators themselves are the ones given, read now."""
    version = shown_figures.version()
    members = tuple(
        sorted(set(Metro.objects.filter(memberships__relation="own").values_list("pk", flat=True)))
    )
    now = timezone.now().year
    key = ("network", tuple(i.pk for i in indicators), members, now)
    figures = page_figures.figure(
        key, lambda: _network_figures(indicators, version, members, now), version=version
    )
    return [replace(f, indicator=i) for f, i in zip(figures, indicators, strict=True)]


def _network_figures(
    indicators: list[Indicator], version: tuple[int, int], member_ids: tuple[int, ...], now: int
) -> list[NetworkFigure]:
    members = np.array(member_ids, dtype=np.int64)
    refs = panel.metro_refs(version)
    proxy = panel.SCALES.index(Scale.NATIONAL_PROXY)
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
                mean=_mean(metros[chosen], values[chosen], data.scales[keep][chosen], proxy, refs),
                metros=int(np.unique(metros[chosen]).size),
                first_year=int(years.min()),
                last_year=last,
                newest_metros=int(np.unique(metros[years == last]).size),
            )
        )
    scales = _scales(averaged)
    return [replace(f, scales=scales.get(f.indicator.pk, ())) for f in figures]


def _mean(
    metros: np.ndarray, values: np.ndarray, scales: np.ndarray, proxy: int, refs: panel.MetroRefs
) -> float:
    """The average of one year's values, a national proxy counting once per country: it is
    the same country figure on every member metro there (China's would weigh 27 times)."""
    counted: list[float] = []
    countries: set[str] = set()
    for metro, value, scale in zip(metros.tolist(), values.tolist(), scales.tolist(), strict=True):
        if scale == proxy:
            country = refs.get(metro, ("", "", ""))[2]
            if country in countries:
                continue
            countries.add(country)
        counted.append(value)
    return float(np.mean(counted))


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
