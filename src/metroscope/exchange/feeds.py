"""RSS and Atom feeds of newly published solutions: all of them, or one collection's."""

from __future__ import annotations

from datetime import datetime

from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed, SyndicationFeed
from django.utils.translation import gettext as _

from metroscope.core.i18n import translated
from metroscope.exchange import selectors
from metroscope.exchange.models import Collection, Solution

ITEMS = 30
KINDS = ("rss", "atom")


class SolutionsFeed(Feed):  # type: ignore[type-arg]
    """The newest published solutions; `obj` is the collection, or None for all of them."""

    feed_type: type[SyndicationFeed] = Rss201rev2Feed

    def get_object(self, request: HttpRequest, code: str | None = None) -> Collection | None:
        if code is None:
            return None
        return get_object_or_404(Collection, code=code)

    def title(self, obj: Collection | None) -> str:
        if obj is None:
            return _("Urban solutions — Metroscope")
        return _("%(collection)s — urban solutions — Metroscope") % {
            "collection": translated(obj, "name")[0]
        }

    def link(self, obj: Collection | None) -> str:
        if obj is None:
            return reverse("exchange:home")
        return reverse("exchange:collection", kwargs={"code": obj.code})

    def description(self, obj: Collection | None) -> str:
        if obj is None:
            return _("Newly published solutions of the urban solutions exchange.")
        return translated(obj, "description")[0]

    def items(self, obj: Collection | None) -> list[Solution]:
        solutions = selectors.solution_cards()
        if obj is not None:
            solutions = solutions.filter(collection=obj)
        return list(solutions.order_by("-published_at", "-pk")[:ITEMS])

    def item_title(self, item: Solution) -> str:
        return f"{item.title} ({item.city})"

    def item_description(self, item: Solution) -> str:
        return item.summary

    def item_link(self, item: Solution) -> str:
        return reverse("exchange:solution", kwargs={"slug": item.slug})

    def item_pubdate(self, item: Solution) -> datetime | None:
        return item.published_at

    def item_updateddate(self, item: Solution) -> datetime:
        return item.updated_at

    def item_categories(self, item: Solution) -> list[str]:
        return [translated(item.collection, "name")[0]]


class AtomSolutionsFeed(SolutionsFeed):
    feed_type = Atom1Feed

    def subtitle(self, obj: Collection | None) -> str:
        return self.description(obj)
