"""The members directory as a download: the rows the directory shows, with its filters."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from metroscope.core.countries import country_name
from metroscope.core.exports import Field
from metroscope.members.selectors import MemberFilters, member_list

FIELDS = [
    Field("code", "string"),
    Field("name", "string"),
    Field("institution", "string"),
    Field("kind", "string"),
    Field("type_of_government", "string"),
    Field("country_iso3", "string"),
    Field("country", "string"),
    Field("region", "string"),
    Field("latitude", "number"),
    Field("longitude", "number"),
    Field("website", "string"),
]


def member_rows(filters: MemberFilters) -> Iterator[tuple[Any, ...]]:
    """One row per member, in the directory's order; names in the active language."""
    for m in member_list(filters=filters):
        yield (
            m.code,
            m.name,
            m.institution,
            m.get_kind_display(),  # type: ignore[attr-defined]
            m.entity_type,
            m.country.iso3,
            country_name(m.country.iso3, fallback=m.country.name),
            str(m.country.region.name),
            m.latitude,
            m.longitude,
            m.website,
        )
