"""Reads of the exchange's public side, with their joins done: one solution and its related
ones, the home page's lists, collections with their counters, and the points of the maps."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Concat

from metroscope.core.queues import Queue, queue_of
from metroscope.exchange import countries
from metroscope.exchange.models import (
    Collection,
    Need,
    Solution,
    SolutionStatus,
    SolutionTranslation,
    TranslatedBy,
)
from metroscope.members.models import Member
from metroscope.plan.models import Theme

RELATED = 5


def published() -> QuerySet[Solution]:
    return Solution.objects.filter(status=SolutionStatus.PUBLISHED)


def solution_detail() -> QuerySet[Solution]:
    """Everything the solution page and the API show of one solution, in six queries."""
    return Solution.objects.select_related("collection", "metro", "author").prefetch_related(
        "themes",
        "challenges",
        Prefetch("members", Member.objects.order_by("name")),
        Prefetch("translations", SolutionTranslation.objects.order_by("language")),
        "attachments",
    )


def solution_cards() -> QuerySet[Solution]:
    """Published solutions as the lists show them (title, city, collection), with their
    translations so that a list reads in the reader's language (one query per list)."""
    return published().select_related("collection").prefetch_related("translations")


def latest(limit: int) -> list[Solution]:
    return list(solution_cards().order_by("-published_at", "-pk")[:limit])


def most_viewed(limit: int) -> list[Solution]:
    return list(solution_cards().filter(views__gt=0).order_by("-views", "title", "pk")[:limit])


def related_solutions(solution: Solution, *, limit: int = RELATED) -> list[Solution]:
    """Published solutions sharing the most plan themes and challenges (and the collection,
    worth one of them) with this one; ties go to the newest, then by title."""
    theme_ids = [t.pk for t in solution.themes.all()]
    challenge_ids = [c.pk for c in solution.challenges.all()]
    same_collection = Case(
        When(collection_id=solution.collection_id, then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    return list(
        solution_cards()
        .exclude(pk=solution.pk)
        .annotate(
            shared_themes=Count("themes", filter=Q(themes__in=theme_ids), distinct=True),
            shared_challenges=Count(
                "challenges", filter=Q(challenges__in=challenge_ids), distinct=True
            ),
        )
        .annotate(score=F("shared_themes") + F("shared_challenges") + same_collection)
        .filter(score__gt=0)
        .order_by("-score", "-published_at", "title", "pk")[:limit]
    )


@dataclass(frozen=True)
class TextVersion:
    """The solution's text in one language: its own, or one of its translations."""

    language: str
    title: str
    summary: str
    description: str
    original: bool
    by_metroscope: bool = False  # translated by Metroscope, not by the author or member


def text_versions(solution: Solution) -> list[TextVersion]:
    """The original first, then the translations (prefetched by solution_detail)."""
    versions = [
        TextVersion(solution.language, solution.title, solution.summary, solution.description, True)
    ]
    for tr in solution.translations.all():
        if tr.language != solution.language:
            versions.append(
                TextVersion(
                    tr.language,
                    tr.title,
                    tr.summary,
                    tr.description,
                    False,
                    by_metroscope=tr.translated_by == TranslatedBy.METROSCOPE,
                )
            )
    return versions


def country_name(solution: Solution) -> str:
    """The country's name in the active language: the registry's translation, else CLDR's
    (countries without members are not in the registry), else the metro's, else the code."""
    name = countries.country_name(solution.country_iso3)
    if name == solution.country_iso3 and solution.metro is not None and solution.metro.country_name:
        return solution.metro.country_name
    return name


@dataclass(frozen=True)
class Counters:
    solutions: int
    cities: int
    countries: int


def _place() -> Concat:
    return Concat("city", Value("|"), "country_iso3")


def counters(solutions: QuerySet[Solution]) -> Counters:
    """How many solutions, distinct cities (a city is a name in a country) and countries."""
    found = solutions.aggregate(
        solutions=Count("pk", distinct=True),
        cities=Count(_place(), distinct=True),
        countries=Count("country_iso3", distinct=True),
    )
    return Counters(found["solutions"], found["cities"], found["countries"])


@dataclass(frozen=True)
class CollectionCount:
    collection: Collection
    solutions: int
    cities: int
    countries: int


def collections_with_counters() -> list[CollectionCount]:
    """Every collection, with its published solutions, cities and countries counted."""
    live = Q(solutions__status=SolutionStatus.PUBLISHED)
    place = Concat("solutions__city", Value("|"), "solutions__country_iso3")
    collections = Collection.objects.annotate(
        solution_count=Count("solutions", filter=live, distinct=True),
        city_count=Count(place, filter=live, distinct=True),
        country_count=Count("solutions__country_iso3", filter=live, distinct=True),
    ).order_by("order", "code")
    return [
        CollectionCount(c, c.solution_count, c.city_count, c.country_count)  # type: ignore[attr-defined]
        for c in collections
    ]


@dataclass(frozen=True)
class ThemeCount:
    theme: Theme
    solutions: int


def theme_counts() -> list[ThemeCount]:
    """The plan's themes, each with the published solutions tagged with it."""
    live = Q(solutions__status=SolutionStatus.PUBLISHED)
    themes = Theme.objects.annotate(solution_count=Count("solutions", filter=live, distinct=True))
    return [ThemeCount(t, t.solution_count) for t in themes]  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Located:
    """A solution placed on a map: at its metro, else at its first member's seat."""

    slug: str
    title: str
    city: str
    country_iso3: str
    collection_id: int
    latitude: float
    longitude: float


def located(solutions: QuerySet[Solution]) -> tuple[list[Located], int]:
    """The solutions that can be placed, and how many of them could not (two queries)."""
    rows = list(
        solutions.order_by("title", "pk").values_list(
            "pk",
            "slug",
            "title",
            "city",
            "country_iso3",
            "collection_id",
            "metro__latitude",
            "metro__longitude",
        )
    )
    seats: dict[int, tuple[float, float]] = {}
    through = Solution.members.through.objects.filter(solution__in=solutions.values("pk"))
    for solution_id, seat_lat, seat_lon in through.order_by(
        "solution_id", "member__name"
    ).values_list("solution_id", "member__latitude", "member__longitude"):
        seats.setdefault(solution_id, (seat_lat, seat_lon))
    placed: list[Located] = []
    for pk, slug, title, city, iso3, collection_id, lat, lon in rows:
        point = (lat, lon) if lat is not None and lon is not None else seats.get(pk)
        if point is None:
            continue
        placed.append(Located(slug, title, city, iso3, collection_id, *point))
    return placed, len(rows) - len(placed)


def solution_queue() -> Queue:
    """Solutions submitted and waiting for the Secretariat's review."""
    return queue_of(Solution.objects.filter(status=SolutionStatus.SUBMITTED), "submitted_at")


def member_needs(members: QuerySet[Member]) -> QuerySet[Need]:
    """The needs the given members recorded, whatever their status, latest change first."""
    return (
        Need.objects.filter(member__in=members)
        .select_related("member")
        .order_by("-updated_at", "-pk")
    )


def solutions_sent_back(user: Any) -> QuerySet[Solution]:
    """Solutions the Secretariat sent back for changes that the user works on: as author or
    as an officer of one of their members."""
    if not user.is_authenticated:
        return Solution.objects.none()
    return (
        Solution.objects.filter(status=SolutionStatus.CHANGES_REQUESTED)
        .filter(Q(author=user) | Q(members__officers__user=user))
        .distinct()
        .order_by("-updated_at", "-pk")
    )
