"""Chart specs of the Observatory's pages (Vega-Lite, rendered by the locally served bundle)."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from metroscope.core.charts import line_series, ranking_bars, strip_plot, value_map
from metroscope.core.i18n import translated
from metroscope.observatory.analytics import enough_peers
from metroscope.observatory.models import Indicator, Metro, Observation
from metroscope.observatory.templatetags.observatory import figure

RANKED = 30
PROJECTION_NOTE = "UN projection"  # written by the UN WUP loader
LOG_SPREAD = 30  # sizes and money spanning more than this ratio go on a log axis
LOG_UNITS = frozenset({"persons", "persons_per_km2", "km2", "usd_ppp", "usd_ppp_month"})


def _format(indicator: Indicator) -> str:
    return f",.{indicator.decimals}f"


def _title(indicator: Indicator) -> str:
    return f"{indicator.get_unit_display()}"


def indicator_ranking(indicator: Indicator, values: Sequence[Observation]) -> dict[str, Any]:
    """The RANKED highest latest values (values arrive sorted, highest first, all of one
    scale: the page never ranks a national proxy or a core city's value among metros')."""
    rows = [
        {
            "name": f"{obs.metro.name} ({obs.metro.country_iso3}, {obs.year})",
            "value": obs.value,
            "url": reverse("observatory:metro", kwargs={"code": obs.metro.code}),
            "highlight": False,
        }
        for obs in values[:RANKED]
    ]
    scale = values[0].get_scale_display() if values else ""
    return ranking_bars(
        rows,
        value_title=_title(indicator),
        value_format=_format(indicator),
        description=_("The %(count)s highest latest values of %(indicator)s (%(scale)s)")
        % {"count": len(rows), "indicator": indicator.code, "scale": scale},
    )


def indicator_map(
    indicator: Indicator, values: Sequence[Observation], *, outline_url: str
) -> dict[str, Any]:
    points = [
        {
            "name": f"{obs.metro.name} ({obs.year})",
            "latitude": obs.metro.latitude,
            "longitude": obs.metro.longitude,
            "value": obs.value,
            "url": reverse("observatory:metro", kwargs={"code": obs.metro.code}),
        }
        for obs in values
        if obs.metro.latitude is not None and obs.metro.longitude is not None
    ]
    return value_map(
        points,
        outline_url=outline_url,
        value_title=_title(indicator),
        value_format=_format(indicator),
        description=_("World map of the latest values of %(indicator)s for %(count)s metros")
        % {"indicator": indicator.code, "count": len(points)},
    )


def _name(indicator: Indicator) -> str:
    return translated(indicator, "name")[0] or indicator.code


def is_projection(obs: Observation, now: int | None = None) -> bool:
    """A projected value: the UN's projections (some of past years), or any later year."""
    return obs.note == PROJECTION_NOTE or obs.year > (now or timezone.now().year)


def metro_label(metro: Metro) -> str:
    return f"{metro.name} ({metro.country_iso3})"


def uses_log_scale(indicator: Indicator, values: Sequence[float]) -> bool:
    """Sizes and money spread like metro populations (thousands to tens of millions) read on a
    log axis; shares and concentrations stay linear."""
    if indicator.unit not in LOG_UNITS or not values or min(values) <= 0:
        return False
    return max(values) / min(values) > LOG_SPREAD


def indicator_distribution(
    indicator: Indicator,
    values: Sequence[Observation],
    *,
    marked: Observation | None = None,
    members_only: bool = True,
) -> dict[str, Any]:
    """Every shown metro's latest value as a dot, the median of them as a dashed rule and the
    marked metro (if any) as a rule in the accent colour."""
    unit = _title(indicator)
    rows = [
        {
            "name": f"{metro_label(obs.metro)}, {obs.year}",
            "value": obs.value,
            "url": reverse("observatory:metro", kwargs={"code": obs.metro.code}),
        }
        for obs in values
    ]
    # A median is a percentile: drawn only among at least MIN_PEERS values (like a rank).
    median = statistics.median(obs.value for obs in values) if enough_peers(len(values)) else None
    reference = None
    if median is None:
        description = _(
            "Latest values of %(indicator)s (%(unit)s) for %(count)s metros, one dot per metro."
        ) % {"indicator": _name(indicator), "unit": unit, "count": len(rows)}
    else:
        median_text = figure(median, indicator)
        if members_only:
            median_label = _("Network median: %(value)s") % {"value": median_text}
        else:
            median_label = _("Median of the metros shown: %(value)s") % {"value": median_text}
        reference = {"value": median, "label": median_label}
        description = _(
            "Latest values of %(indicator)s (%(unit)s) for %(count)s metros, one dot per metro; "
            "the dashed line is the %(median)s."
        ) % {
            "indicator": _name(indicator),
            "unit": unit,
            "count": len(rows),
            "median": median_label[:1].lower() + median_label[1:],
        }
    mark = None
    if marked is not None:
        text = figure(marked.value, indicator)
        mark = {
            "name": f"{metro_label(marked.metro)}, {marked.year}",
            "value": marked.value,
            "label": f"{marked.metro.name}: {text}",
        }
        description += " " + _("Marked: %(metro)s, %(value)s %(unit)s in %(year)s.") % {
            "metro": marked.metro.name,
            "value": text,
            "unit": unit,
            "year": marked.year,
        }
    return strip_plot(
        rows,
        value_title=unit,
        value_format=_format(indicator),
        description=description,
        reference=reference,
        marked=mark,
        log_scale=uses_log_scale(indicator, [obs.value for obs in values]),
    )


def indicator_series(
    indicator: Indicator,
    observations: Sequence[Observation],
    metros: Sequence[Metro],
    *,
    sex_label: str,
    now: int | None = None,
) -> dict[str, Any]:
    """A line per metro (in the order given) through all its published values; projections
    dashed."""
    rows = [
        {
            "series": metro_label(obs.metro),
            "year": obs.year,
            "value": obs.value,
            "source": obs.source.publisher or obs.source.title,
            "dashed": is_projection(obs, now),
        }
        for obs in observations
    ]
    present = {row["series"] for row in rows}
    order = [metro_label(m) for m in metros if metro_label(m) in present]
    description = _(
        "%(indicator)s (%(unit)s, %(sex)s) by year for %(metros)s; one line per metro, "
        "dashed where the values are projections."
    ) % {
        "indicator": _name(indicator),
        "unit": _title(indicator),
        "sex": sex_label,
        "metros": ", ".join(order),
    }
    return line_series(
        rows,
        series_order=order,
        value_title=_title(indicator),
        value_format=_format(indicator),
        description=description,
        year_title=_("Year"),
        series_title=_("Metro"),
        source_title=_("Source"),
        solid_label=_("published value"),
        dashed_label=_("projection"),
    )


@dataclass(frozen=True)
class Sparkline:
    """An SVG polyline's `points` in a width × height box, and its last point (dotted)."""

    points: str
    last_x: float
    last_y: float
    width: int
    height: int


def sparkline(
    values: Sequence[tuple[int, float]], *, width: int = 80, height: int = 20, pad: float = 3.0
) -> Sparkline | None:
    """(year, value) pairs drawn left to right by year, the lowest value at the bottom; a
    flat series runs through the middle, a single value sits at the right edge."""
    if not values:
        return None
    ordered = sorted(values)
    first, last = ordered[0][0], ordered[-1][0]
    low = min(v for _, v in ordered)
    high = max(v for _, v in ordered)
    inner_w, inner_h = width - 2 * pad, height - 2 * pad

    def x(year: int) -> float:
        return pad + inner_w * ((year - first) / (last - first) if last > first else 1.0)

    def y(value: float) -> float:
        share = (value - low) / (high - low) if high > low else 0.5
        return pad + inner_h * (1 - share)

    coords = [(round(x(year), 1), round(y(value), 1)) for year, value in ordered]
    points = " ".join(f"{cx:g},{cy:g}" for cx, cy in coords)
    return Sparkline(points, coords[-1][0], coords[-1][1], width, height)


def gender_chart(entry: dict[str, Any]) -> dict[str, Any] | None:
    """The gender lens of one indicator: each metro's ratio of women's to men's value (1 is
    parity), in the table's order; None when no metro has both values."""
    indicator = entry["indicator"]
    rows = [
        {
            "name": row["metro"].name,
            "value": row["ratio"],
            "url": reverse("observatory:metro", args=[row["metro"].code]),
            "highlight": False,
        }
        for row in entry["rows"]
        if row["ratio"] is not None
    ]
    if not rows:
        return None
    spec = ranking_bars(
        rows,
        value_title=_("Ratio (women ÷ men)"),
        description=_("%(indicator)s: women's value divided by men's, per metro (1 is parity)")
        % {"indicator": _name(indicator)},
        value_format=",.2f",
    )
    # Dots, not bars: ratios sit close to 1, and a bar from 0 would hide their differences.
    spec["mark"] = {"type": "point", "filled": True, "size": 40}
    spec["encoding"]["x"]["scale"] = {"zero": False}
    spec["height"] = {"step": 12}
    parity = {
        "mark": {"type": "rule", "color": "#333", "strokeDash": [4, 3]},
        "encoding": {"x": {"datum": 1}},
    }
    dots = {key: spec.pop(key) for key in ("mark", "encoding")}
    spec["layer"] = [dots, parity]
    return spec
