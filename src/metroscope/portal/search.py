"""The site search in the header: a few results of each kind for what the reader typed,
members, metros, indicators, solutions, activities and events, in the reader's language.
Solutions go through the Exchange's full-text search; the rest are name lookups on each
app's own selectors, cut at LIMIT per kind so the page stays fast."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.db.models import Q
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from metroscope.accountability.activities.selectors import activities as activity_list
from metroscope.core.countries import country_name
from metroscope.core.i18n import translated
from metroscope.events.selectors import event_list
from metroscope.exchange import search as exchange_search
from metroscope.members.selectors import MemberFilters, member_list
from metroscope.observatory.models import Indicator
from metroscope.observatory.selectors import metro_list

LIMIT = 5
MAX_QUERY = 100


@dataclass(frozen=True)
class Item:
    title: str
    url: str
    detail: str = ""
    language: str = ""  # set when the title is in another language than the page's


@dataclass(frozen=True)
class Group:
    kind: str
    label: Promise
    items: list[Item]
    total: int
    more_url: str = ""  # the kind's own search or list, with every result


@dataclass(frozen=True)
class SiteResults:
    q: str
    groups: list[Group] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(group.total for group in self.groups)


def _members(q: str) -> Group:
    qs = member_list(filters=MemberFilters(q=q))
    rows = list(qs[:LIMIT])
    items = [
        Item(
            m.name,
            reverse("members:detail", args=[m.code]),
            country_name(m.country.iso3, fallback=m.country.name),
        )
        for m in rows
    ]
    total = len(rows) if len(rows) < LIMIT else qs.count()
    more = reverse("members:directory") + "?" + _query(q)
    return Group("members", _("Members"), items, total, more)


def _metros(q: str) -> Group:
    qs = metro_list(query=q)
    rows = list(qs[:LIMIT])
    items = [
        Item(
            m.name,
            reverse("observatory:metro", args=[m.code]),
            country_name(m.country_iso3, fallback=m.country_name),
        )
        for m in rows
    ]
    total = len(rows) if len(rows) < LIMIT else qs.count()
    return Group(
        "metros", _("Metros"), items, total, reverse("observatory:metros") + "?" + _query(q)
    )


def _indicators(q: str) -> Group:
    words = Q()
    for lang in ("en", "fr", "es"):
        words |= Q(**{f"name_{lang}__icontains": q})
    qs = Indicator.objects.filter(words | Q(code__icontains=q)).order_by("order", "code")
    rows = list(qs[:LIMIT])
    items = []
    for indicator in rows:
        title, language = translated(indicator, "name")
        items.append(
            Item(title, reverse("observatory:indicator", args=[indicator.code]), "", language)
        )
    total = len(rows) if len(rows) < LIMIT else qs.count()
    return Group("indicators", _("Indicators"), items, total, reverse("observatory:catalogue"))


def _solutions(q: str) -> Group:
    found = exchange_search.search(q, {}, None, 1, LIMIT)
    items = [
        Item(
            hit.title_text,
            reverse("exchange:solution", args=[hit.solution.slug]),
            f"{hit.solution.city}, {hit.country_name}" if hit.solution.city else hit.country_name,
            hit.language,
        )
        for hit in found.hits
    ]
    return Group(
        "solutions",
        _("Solutions"),
        items,
        found.total,
        reverse("exchange:search") + "?" + _query(q),
    )


def _dated(activity: Any, url: str) -> Item:
    when = date_format(activity.start_date, "DATE_FORMAT") if activity.start_date else ""
    return Item(activity.title, url, when)


def _events(q: str) -> Group:
    qs = event_list().filter(activity__title__icontains=q)
    rows = list(qs[:LIMIT])
    items = [_dated(e.activity, reverse("events:event", args=[e.pk])) for e in rows]
    total = len(rows) if len(rows) < LIMIT else qs.count()
    return Group("events", _("Events"), items, total, reverse("events:events"))


def _activities(q: str) -> Group:
    qs = activity_list().filter(title__icontains=q)
    rows = list(qs[:LIMIT])
    items = [_dated(a, reverse("accountability:activity", args=[a.pk])) for a in rows]
    total = len(rows) if len(rows) < LIMIT else qs.count()
    return Group("activities", _("Activities"), items, total, reverse("accountability:activities"))


def _query(q: str) -> str:
    return urlencode({"q": q})


def site_search(q: str) -> SiteResults:
    """A few results of each kind; nothing for an empty query."""
    q = " ".join(q.split())[:MAX_QUERY]
    if not q:
        return SiteResults(q="")
    groups = [
        _members(q),
        _metros(q),
        _indicators(q),
        _solutions(q),
        _events(q),
        _activities(q),
    ]
    return SiteResults(q=q, groups=groups)
