"""The compare page and the gender lens as downloads: the values the page shows, one row per
metro and indicator (tidy), with names in the active language."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from metroscope.core.countries import country_name
from metroscope.core.exports import Field
from metroscope.core.i18n import translated
from metroscope.observatory.models import Metro

_PLACE = [
    Field("metro", "string"),
    Field("metro_name", "string"),
    Field("country_iso3", "string"),
    Field("country", "string"),
]
_INDICATOR = [
    Field("indicator", "string"),
    Field("indicator_name", "string"),
    Field("unit", "string"),
]
COMPARE_FIELDS = [
    *_INDICATOR,
    *_PLACE,
    Field("year", "year"),
    Field("value", "number"),
    Field("scale", "string"),
    Field("source", "string"),
]
GENDER_FIELDS = [
    *_INDICATOR,
    *_PLACE,
    Field("year", "year"),
    Field("women", "number"),
    Field("men", "number"),
    Field("gap_men_minus_women", "number"),
    Field("ratio_women_to_men", "number"),
    Field("scale", "string"),
]


def _place(metro: Metro) -> tuple[str, str, str, str]:
    name = country_name(metro.country_iso3, fallback=metro.country_name)
    return (metro.code, metro.name, metro.country_iso3, name)


def _indicator(indicator: Any) -> tuple[str, str, str]:
    return (indicator.code, translated(indicator, "name")[0], indicator.get_unit_display())


def compare_rows(metros: Sequence[Metro], rows: list[dict[str, Any]]) -> Iterator[tuple[Any, ...]]:
    """selectors.compare's table, one row per indicator and metro with a value."""
    for row in rows:
        for metro, obs in zip(metros, row["cells"], strict=True):
            if obs is None:
                continue
            source = obs.source.publisher or obs.source.title
            yield (
                *_indicator(row["indicator"]),
                *_place(metro),
                obs.year,
                obs.value,
                obs.get_scale_display(),
                source,
            )


def gender_rows(lens: list[dict[str, Any]]) -> Iterator[tuple[Any, ...]]:
    """selectors.gender_lens's tables, one row per indicator and metro."""
    for entry in lens:
        for row in entry["rows"]:
            yield (
                *_indicator(entry["indicator"]),
                *_place(row["metro"]),
                row["year"],
                row["female"],
                row["male"],
                # a difference of two floats carries binary noise (80.065 - 81.844 =
                # -1.7789999999999964): cut it where no source is that precise
                round(row["gap"], 10),
                None if row["ratio"] is None else round(row["ratio"], 10),
                row["scale"],
            )
