"""Search of the exchange's published solutions, on core/search.py: what goes in the index
(title, summary, description, results, tags and city, with every translation, each stemmed in
its own language), keeping the index in step with the solutions (signals: a draft, a
rejected or an archived solution is never in it), and the one query the search page and the
API share: hits with highlighted title and summary, the total, and facets counted over
everything that matches."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.db.models import Prefetch, QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.utils.functional import Promise
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from metroscope.core import search as engine
from metroscope.core.loading import LoadReport
from metroscope.exchange import countries
from metroscope.exchange.models import (
    Collection,
    Solution,
    SolutionSearchEntry,
    SolutionStatus,
    SolutionTranslation,
)
from metroscope.exchange.sdgs import sdg_label
from metroscope.members.models import Country, Region
from metroscope.plan.models import Challenge, Theme

FIELDS = (
    engine.Field("title", "t", 5),
    engine.Field("tags", "g", 3),  # tags and the city
    engine.Field("summary", "s", 2),
    engine.Field("body", "b", 1),  # description and results
)
FACETS: dict[str, Promise] = {
    "collection": _("Collection"),
    "theme": _("Theme"),
    "challenge": _("Challenge"),
    "sdg": _("SDG"),
    "region": _("Region"),
    "country": _("Country"),
    "year": _("Year started"),
}
SORTS: dict[str, Promise] = {
    "relevance": _("Relevance"),
    "newest": _("Newest first"),
    "oldest": _("Oldest first"),
    "views": _("Most viewed"),
    "title": _("Title"),
}
NEWEST = (engine.Key("date", descending=True), engine.Key("pk", descending=True))
INDEX = engine.SearchIndex(
    SolutionSearchEntry,
    source=Solution,
    fields=FIELDS,
    ties=NEWEST,
    orders={
        "newest": NEWEST,
        "oldest": (engine.Key("date"), engine.Key("pk")),
        "views": (engine.Key("views", descending=True), *NEWEST),  # a column of the solution
        "title": (engine.Key("title"), engine.Key("pk")),
    },
)
PER_PAGE = 20
MAX_PER_PAGE = 100
MAX_PAGE = 1000
MAX_VALUE_CHARS = 100
SUMMARY_CHARS = 280
BATCH = 1000
_URL = re.compile(r"(?:https?://|www\.)\S+")


# --- what is indexed ---------------------------------------------------------------------------


def _plain(text: str) -> str:
    return _URL.sub(" ", text or "")


def document(solution: Solution, region: str | None) -> engine.Document:
    """A published solution as the index holds it (translations prefetched)."""
    own = solution.language
    versions = [(own, solution.title, solution.summary, solution.description)]
    versions += [
        (t.language, t.title, t.summary, t.description) for t in solution.translations.all()
    ]
    tags = solution.tags if isinstance(solution.tags, list) else []
    sdgs = solution.sdgs if isinstance(solution.sdgs, list) else []
    return engine.Document(
        pk=solution.pk,
        title=solution.title,
        date=solution.published_at,
        texts={
            "title": [(title, lang) for lang, title, _s, _d in versions],
            "summary": [(summary, lang) for lang, _t, summary, _d in versions],
            "body": [(_plain(d), lang) for lang, _t, _s, d in versions]
            + [(_plain(solution.results), own)],
            "tags": [(" ".join(str(t) for t in tags), own), (solution.city, own)],
        },
        facets={
            "collection": [solution.collection.code],
            "theme": [t.code for t in solution.themes.all()],
            "challenge": [c.code for c in solution.challenges.all()],
            "sdg": [str(n) for n in sdgs if isinstance(n, int)],
            "region": [region] if region else [],
            "country": [solution.country_iso3],
            "year": [str(solution.year_started)] if solution.year_started else [],
        },
    )


def _published() -> QuerySet[Solution]:
    return (
        Solution.objects.filter(status=SolutionStatus.PUBLISHED)
        .select_related("collection")
        .prefetch_related("themes", "challenges", "translations")
    )


def _regions() -> dict[str, str]:
    return dict(Country.objects.values_list("iso3", "region__code"))


def index_solutions(pks: Iterable[int]) -> None:
    """Bring these solutions' entries in step: the published ones in, any other out."""
    wanted = {pk for pk in pks if pk is not None}
    if not wanted:
        return
    regions = _regions()
    documents = [
        document(s, regions.get(s.country_iso3)) for s in _published().filter(pk__in=wanted)
    ]
    INDEX.sync(documents)
    INDEX.remove(wanted - {d.pk for d in documents})


@transaction.atomic
def reindex(*, progress: Callable[[int, int], None] | None = None) -> int:
    """Rebuild the whole index from the published solutions; returns how many."""
    pks = list(
        Solution.objects.filter(status=SolutionStatus.PUBLISHED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    regions = _regions()
    INDEX.clear()
    for start in range(0, len(pks), BATCH):
        chunk = pks[start : start + BATCH]
        solutions = _published().filter(pk__in=chunk).order_by("pk")
        INDEX.put(document(s, regions.get(s.country_iso3)) for s in solutions)
        if progress is not None:
            progress(min(start + BATCH, len(pks)), len(pks))
    return len(pks)


def compact_index() -> None:
    """After `reindex`, outside its transaction (see `Index.compact`)."""
    INDEX.compact()


def refresh_index(data_dir: Path, report: LoadReport) -> None:
    """The open-data load's last step: the index in step with every published solution
    (writes nothing when it already is, so a second load changes nothing)."""
    report.step("search index")
    regions = _regions()
    done = INDEX.sync(
        (document(s, regions.get(s.country_iso3)) for s in _published().order_by("pk")),
        complete=True,
    )
    report.add_counts(
        SolutionSearchEntry._meta.label,
        created=done.created,
        updated=done.updated + done.removed,
        unchanged=done.unchanged,
    )


@receiver(post_save, sender=Solution)
def _solution_saved(sender: Any, instance: Solution, **kwargs: Any) -> None:
    fields = kwargs.get("update_fields")
    if kwargs.get("raw") or (fields is not None and set(fields) <= {"views"}):
        return
    index_solutions([instance.pk])


@receiver(post_delete, sender=Solution)
def _solution_deleted(sender: Any, instance: Solution, **kwargs: Any) -> None:
    INDEX.remove([instance.pk])


@receiver(post_save, sender=SolutionTranslation)
@receiver(post_delete, sender=SolutionTranslation)
def _translation_changed(sender: Any, instance: SolutionTranslation, **kwargs: Any) -> None:
    if not kwargs.get("raw"):
        index_solutions([instance.solution_id])


def _tags_changed(sender: Any, instance: Any, action: str, reverse: bool, **kwargs: Any) -> None:
    pk_set = kwargs.get("pk_set")
    if not reverse:
        if action in ("post_add", "post_remove", "post_clear"):
            index_solutions([instance.pk])
        return
    if action == "pre_clear":  # a theme losing all its solutions: remember which
        instance._search_cleared = list(instance.solutions.values_list("pk", flat=True))
    elif action == "post_clear":
        index_solutions(getattr(instance, "_search_cleared", []))
    elif action in ("post_add", "post_remove"):
        index_solutions(pk_set or [])


m2m_changed.connect(_tags_changed, sender=Solution.themes.through, weak=False)
m2m_changed.connect(_tags_changed, sender=Solution.challenges.through, weak=False)


# --- the query -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    solution: Solution
    score: int | None
    title: SafeString  # HTML-escaped, matches in <mark>
    summary: SafeString
    language: str  # of the title and summary shown
    country_name: str
    title_text: str  # the same, as plain text
    summary_text: str


@dataclass(frozen=True)
class FacetValue:
    facet: str
    value: str
    label: str
    count: int
    selected: bool


@dataclass(frozen=True)
class Facet:
    name: str
    label: str
    values: list[FacetValue]


@dataclass(frozen=True)
class Results:
    q: str
    sort: str
    page: int
    per_page: int
    total: int
    hits: list[Hit]
    facets: list[Facet]
    filters: dict[str, list[str]]
    selected: list[FacetValue]

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))


def clean_filters(raw: Mapping[str, Any] | None) -> dict[str, list[str]]:
    """Known facets only; values as short stripped strings, each once, at most 20 a facet."""
    found: dict[str, list[str]] = {}
    for name in FACETS:
        given = (raw or {}).get(name)
        if given is None:
            continue
        values = [given] if isinstance(given, str | int) else list(given)
        kept = [str(v).strip()[:MAX_VALUE_CHARS] for v in values if str(v).strip()]
        if kept:
            found[name] = list(dict.fromkeys(kept))[: engine.MAX_FILTER_VALUES]
    return found


def _number(value: Any, default: int, high: int) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return default
    return min(max(number, 1), high)


def search(
    q: str | None = "",
    filters: Mapping[str, Any] | None = None,
    sort: str | None = None,
    page: Any = 1,
    per_page: Any = PER_PAGE,
) -> Results:
    """Published solutions matching the words of `q` (every word, in any of the three
    languages) and the filters (values of one facet OR-ed, facets AND-ed). Never raises on
    what a person typed: a bad sort gives the default, a bad page the first."""
    query = engine.parse_query(q)
    chosen = clean_filters(filters)
    default = engine.RELEVANCE if not query.blank else "newest"
    sort = sort if sort in SORTS else default
    if sort == engine.RELEVANCE and query.blank:
        sort = "newest"
    page = _number(page, 1, MAX_PAGE)
    per_page = _number(per_page, PER_PAGE, MAX_PER_PAGE)
    found = INDEX.search(
        query, filters=chosen, order=sort, offset=(page - 1) * per_page, limit=per_page
    )
    facets, selected = _facets(found.facets, chosen)
    return Results(
        q=query.text,
        sort=sort,
        page=page,
        per_page=per_page,
        total=found.total,
        hits=_hits(found, query),
        facets=facets,
        filters=chosen,
        selected=selected,
    )


def _hits(found: engine.Found, query: engine.Query) -> list[Hit]:
    wanted = (get_language() or "en").split("-")[0]
    solutions = (
        Solution.objects.filter(pk__in=found.pks, status=SolutionStatus.PUBLISHED)
        .defer("description", "results")  # the long texts: a hit shows title and summary
        .select_related("collection")
        .prefetch_related(
            Prefetch(
                "translations",
                queryset=SolutionTranslation.objects.only(
                    "solution_id", "language", "title", "summary"
                ),
            )
        )
    )
    by_pk = {s.pk: s for s in solutions}
    names = countries.country_names({s.country_iso3 for s in by_pk.values()})
    hits = []
    for pk, score in zip(found.pks, found.scores, strict=True):
        solution = by_pk.get(pk)
        if solution is None:  # unpublished since it was indexed, in another transaction
            continue
        language, title, summary, marked = _matched_text(solution, wanted, query)
        hits.append(
            Hit(
                solution=solution,
                score=score,
                title=marked[0],
                summary=marked[1],
                language=language,
                country_name=names.get(solution.country_iso3, solution.country_iso3),
                title_text=title,
                summary_text=summary,
            )
        )
    return hits


def _matched_text(
    solution: Solution, wanted: str, query: engine.Query
) -> tuple[str, str, str, tuple[SafeString, SafeString]]:
    """The text a hit shows: the reader's language when the query's words are found in it,
    else the version (original or translation) where they are, so that the hit shows why it
    matched and in which language. Returns language, title, summary and their highlights."""
    versions = [(solution.language, solution.title, solution.summary)]
    versions += [
        (tr.language, tr.title, tr.summary or solution.summary)
        for tr in solution.translations.all()
        if tr.title.strip()
    ]
    versions.sort(key=lambda v: (v[0] != wanted, v[0] != solution.language))
    shown = [
        (
            language,
            title,
            summary,
            (
                engine.highlight(title, query),
                engine.highlight(summary, query, limit=SUMMARY_CHARS),
            ),
        )
        for language, title, summary in versions
    ]
    return next((v for v in shown if "<mark>" in v[3][0] + v[3][1]), shown[0])


_NAMED: dict[str, tuple[Any, str]] = {
    "collection": (Collection, "code"),
    "theme": (Theme, "code"),
    "challenge": (Challenge, "code"),
    "region": (Region, "code"),
    "country": (Country, "iso3"),
}


def _labels(wanted: Mapping[str, Iterable[str]]) -> dict[str, dict[str, str]]:
    """Each facet value's label in the active language (English, then the value, when it has
    none): the named ones in one query over their tables, SDGs by number."""
    lang = (get_language() or "en").split("-")[0]
    own = 2 + engine.LANGUAGES.index(lang if lang in engine.LANGUAGES else "en")
    found: dict[str, dict[str, str]] = {
        name: {v: v for v in values} for name, values in wanted.items()
    }
    parts, params = [], []
    qn = connection.ops.quote_name
    columns = ", ".join(qn(f"name_{code}") for code in engine.LANGUAGES)
    for name, (model, key) in _NAMED.items():
        values = list(wanted.get(name, ()))
        if values:
            marks = ", ".join(["%s"] * len(values))
            table = qn(model._meta.db_table)  # quoted names; every value is a parameter
            sql = f"SELECT %s, {qn(key)}, {columns} FROM {table} WHERE {qn(key)} IN ({marks})"  # noqa: S608
            parts.append(sql)
            params += [name, *values]
    if parts:
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(parts), params)
            for row in cursor.fetchall():
                found[row[0]][row[1]] = row[own] or row[2] or row[1]
                if row[0] == "country" and not row[own]:  # no registry translation: CLDR's
                    found["country"][row[1]] = countries.cldr_name(row[1], lang) or row[2] or row[1]
    for value, label in found.get("country", {}).items():
        if label == value:  # not in the registry (no member there): CLDR's name
            found["country"][value] = countries.cldr_name(value, lang) or value
    for value in wanted.get("sdg", ()):
        if value.isdigit():
            found["sdg"][value] = sdg_label(int(value))
    return found


def _numeric(value: str, *, descending: bool) -> tuple[int, str]:
    number = int(value) if value.isdigit() else 10**6
    return (-number if descending else number, value)


def _facets(
    counted: Mapping[str, Mapping[str, int]], chosen: Mapping[str, list[str]]
) -> tuple[list[Facet], list[FacetValue]]:
    facets, selected = [], []
    every = _labels(
        {name: set(counted.get(name, {})) | set(chosen.get(name, [])) for name in FACETS}
    )
    for name, label in FACETS.items():
        counts = counted.get(name, {})
        picked = chosen.get(name, [])
        labels = every[name]
        values = [
            FacetValue(name, v, labels.get(v, v), counts.get(v, 0), v in picked)
            for v in [*counts, *(p for p in picked if p not in counts)]
        ]
        if name in ("year", "sdg"):
            values.sort(key=lambda f: _numeric(f.value, descending=name == "year"))
        else:
            values.sort(key=lambda f: (-f.count, f.label.casefold(), f.value))
        facets.append(Facet(name, str(label), values))
        selected += [FacetValue(name, v, labels.get(v, v), counts.get(v, 0), True) for v in picked]
    return facets, selected
