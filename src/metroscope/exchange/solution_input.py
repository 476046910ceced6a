"""What people send to write a solution (from a form or the API), cleaned and checked before
the services write it: texts trimmed, tags and SDGs parsed, the country checked, the metro and
the codes (collection, members, themes, challenges) resolved. ValidationError names the field."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.text import slugify
from django.utils.translation import gettext as _

from metroscope.exchange.models import Collection, Solution
from metroscope.members.models import Country, Member
from metroscope.observatory.models import Metro
from metroscope.observatory.resolve import MetroResolver, Unresolved
from metroscope.plan.models import Challenge, Theme

TEXT_FIELDS = (
    "title",
    "summary",
    "description",
    "results",
    "language",
    "city",
    "country_iso3",
    "year_started",
    "contact_name",
    "contact_email",
    "contact_role",
    "source_url",
)
FIELDS = (*TEXT_FIELDS, "collection", "metro", "sdgs", "tags")
RELATIONS = ("members", "themes", "challenges")
EDITABLE = frozenset(FIELDS + RELATIONS)
MAX_TAGS = 20
MAX_TAG_CHARS = 60
SLUG_CHARS = 180


def unique_slug(title: str) -> str:
    """slugify(title), then -2, -3… until no solution has it."""
    base = slugify(title)[:SLUG_CHARS].strip("-") or "solution"
    taken = set(
        Solution.objects.filter(Q(slug=base) | Q(slug__startswith=f"{base}-")).values_list(
            "slug", flat=True
        )
    )
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


def parse_tags(value: Any) -> list[str]:
    """Tags from a list or a comma-separated text: trimmed, without repeats, in order."""
    items = value.split(",") if isinstance(value, str) else list(value or [])
    tags: list[str] = []
    seen: set[str] = set()
    for item in items:
        tag = " ".join(str(item).split())
        if not tag or tag.casefold() in seen:
            continue
        if len(tag) > MAX_TAG_CHARS:
            raise ValidationError(
                {
                    "tags": _("A tag may have at most %(count)s characters.")
                    % {"count": MAX_TAG_CHARS}
                }
            )
        seen.add(tag.casefold())
        tags.append(tag)
    if len(tags) > MAX_TAGS:
        raise ValidationError({"tags": _("At most %(count)s tags.") % {"count": MAX_TAGS}})
    return tags


def parse_sdgs(value: Any) -> list[int]:
    numbers: set[int] = set()
    for item in value or []:
        try:
            number = int(item)
        except (TypeError, ValueError):
            number = 0
        if not 1 <= number <= 17:
            raise ValidationError({"sdgs": _("SDGs are numbered from 1 to 17.")})
        numbers.add(number)
    return sorted(numbers)


def known_country(iso3: str) -> bool:
    return (
        Country.objects.filter(iso3=iso3).exists()
        or Metro.objects.filter(country_iso3=iso3).exists()
    )


def country_code(text: str) -> str:
    """The ISO3 code, upper-cased, of a country the registry or the Observatory knows."""
    iso3 = (text or "").strip().upper()
    if len(iso3) != 3 or not iso3.isascii() or not iso3.isalpha() or not known_country(iso3):
        raise ValidationError(
            {"country_iso3": _("Give the country as an ISO 3166 alpha-3 code, e.g. ESP.")}
        )
    return iso3


def resolve_metro(text: str, country_iso3: str = "") -> Metro | None:
    """The metro a person names by code, name or alias (None for an empty text)."""
    text = text.strip()
    if not text:
        return None
    try:
        pk = MetroResolver().resolve(text, country_iso3)
    except Unresolved as exc:
        raise ValidationError({"metro": str(exc)}) from None
    return Metro.objects.get(pk=pk)


def _by_codes(model: Any, codes: Iterable[str], field: str) -> list[Any]:
    wanted = [str(c).strip() for c in codes if str(c).strip()]
    found = {o.code: o for o in model.objects.filter(code__in=wanted)}
    unknown = [c for c in wanted if c not in found]
    if unknown:
        raise ValidationError(
            {field: _("Unknown code(s): %(codes)s.") % {"codes": ", ".join(unknown)}}
        )
    return [found[c] for c in dict.fromkeys(wanted)]


def resolve_codes(data: Mapping[str, Any]) -> dict[str, Any]:
    """Data named by codes (the API's) turned into the rows the services take: `collection`,
    `members`, `themes`, `challenges` by code, `metro` by code, name or alias."""
    resolved = dict(data)
    if "collection" in data:
        found = Collection.objects.filter(code=data["collection"]).first()
        if found is None:
            raise ValidationError(
                {"collection": _("Unknown collection: %(code)s.") % {"code": data["collection"]}}
            )
        resolved["collection"] = found
    for name, model in (("members", Member), ("themes", Theme), ("challenges", Challenge)):
        if name in data and data[name] is None:
            del resolved[name]  # null: leave them as they are
        elif name in data:
            resolved[name] = _by_codes(model, data[name], name)
    if "metro" in data:
        country = data.get("country_iso3") or ""
        resolved["metro"] = resolve_metro(data["metro"] or "", country and country_code(country))
    return resolved


def clean_values(data: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(data) - EDITABLE
    if unknown:
        raise ValidationError(
            dict.fromkeys(sorted(unknown), _("This field cannot be set on a solution."))
        )
    values = dict(data)
    for name in TEXT_FIELDS:
        if name in values and isinstance(values[name], str):
            values[name] = values[name].strip()
        if name in values and values[name] is None and name != "year_started":
            values[name] = ""
    if "country_iso3" in values:
        values["country_iso3"] = country_code(values["country_iso3"])
    if "tags" in values:
        values["tags"] = parse_tags(values["tags"])
    if "sdgs" in values:
        values["sdgs"] = parse_sdgs(values["sdgs"])
    return values
