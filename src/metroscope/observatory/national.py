"""National proxies read as what they are: a country's figure, copied onto each of its metros
when loaded, shown once per country with the metros and members it applies to, and never
ranked among metros (issue 17, "like against like")."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from metroscope.core.countries import country_name
from metroscope.members.models import Country, Member
from metroscope.observatory.models import Indicator, Scale
from metroscope.observatory.selectors import OWN_RELATIONS, member_metros, shown_values


@dataclass(frozen=True)
class CountryFigure:
    """A national proxy shown as what it is: one country's figure, once, with the metros it
    was copied onto and the members whose own metro lies in that country."""

    iso3: str
    name: str
    year: int
    value: float
    metros: int
    members: list[str]


def national_figures(
    indicator: Indicator, *, members_only: bool = True, sex: str = "total", year: int | None = None
) -> list[CountryFigure]:
    """Each country's latest national figure for the indicator (or that of `year`), highest
    first: a list of countries, never a ranking of metros."""
    qs = shown_values(indicator, members_only=members_only, sex=sex, scale=Scale.NATIONAL_PROXY)
    if year is not None:
        qs = qs.filter(year=year)
    rows = qs.order_by("metro__country_iso3", "-year").values_list(
        "metro__country_iso3", "year", "value"
    )
    found: dict[str, list[Any]] = {}
    for iso3, row_year, value in rows:
        entry = found.setdefault(iso3, [row_year, value, 0])
        if entry[0] == row_year:
            entry[2] += 1
    registry = dict(Country.objects.filter(iso3__in=list(found)).values_list("iso3", "name"))
    names = {iso3: country_name(iso3, fallback=registry.get(iso3, "")) for iso3 in found}
    members: dict[str, list[str]] = {}
    own = member_metros().filter(country_iso3__in=list(found))
    for iso3, name in (
        Member.objects.filter(metro_links__metro__in=own, metro_links__relation__in=OWN_RELATIONS)
        .order_by("name")
        .values_list("metro_links__metro__country_iso3", "name")
        .distinct()
    ):
        members.setdefault(iso3, []).append(name)
    figures = [
        CountryFigure(iso3, names.get(iso3, iso3), y, v, n, members.get(iso3, []))
        for iso3, (y, v, n) in found.items()
    ]
    return sorted(figures, key=lambda f: (-f.value, f.name))
