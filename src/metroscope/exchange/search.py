"""Search of the exchange's published solutions, on the databases' own engines through
core/fulltext.py: what goes in the index (per language — English, French, Spanish — the
title, summary, description and results from the original or a translation, and the labels
of the controlled vocabulary the solution is tagged with: plan themes and challenges, SDGs,
collection, city and country, tags), keeping it in step with the solutions (signals: a
draft, a rejected or an archived solution is never in it), and the one query the search page
and the API share: hits with highlighted title and summary and the language that matched,
the total, facets counted by the database, and spellings to suggest when nothing matches."""

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
from django.utils import translation
from django.utils.functional import Promise
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from metroscope.core import fulltext as engine
from metroscope.core.loading import LoadReport
from metroscope.exchange import countries
from metroscope.exchange.models import (
    Collection,
    Solution,
    SolutionStatus,
    SolutionText,
    SolutionTranslation,
)
from metroscope.exchange.sdgs import SDG_NAMES, sdg_label
from metroscope.members.models import Country, Region
from metroscope.plan.models import Challenge, Theme

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


def _codes(facet: str) -> dict[str, int]:
    """A multi-valued facet's values and their bits: a theme's or challenge's key (a handful
    of rows, read for each use), an SDG's number."""
    if facet == "sdg":
        return {str(n): n for n in SDG_NAMES}
    model = Theme if facet == "theme" else Challenge
    return dict(model.objects.values_list("code", "pk"))


INDEX = engine.Index(
    table=SolutionText._meta.db_table,
    key="solution_id",
    source_table=Solution._meta.db_table,
    single=("collection", "region", "country", "year"),
    multi=("theme", "challenge", "sdg"),
    codes=_codes,
    covering="solution_text_facets",
    orders={
        "newest": (),  # the ties: newest first, then the latest key
        "oldest": (("e.date", False), ("e.key", False)),
        "views": (("s.views", True),),
        "title": (("e.title", False), ("e.key", False)),
    },
)
PER_PAGE = 20
MAX_PER_PAGE = 100
MAX_PAGE = 1000
MAX_VALUE_CHARS = 100
SUMMARY_CHARS = 280
BATCH = 1000
SUGGESTIONS = 3
_URL = re.compile(r"(?:https?://|www\.)\S+")


# --- what is indexed ---------------------------------------------------------------------------


def _plain(text: str) -> str:
    return _URL.sub(" ", text or "")


class Vocabulary:
    """The labels of the controlled vocabulary in each language, read once per batch."""

    def __init__(self) -> None:
        self.regions = dict(Country.objects.values_list("iso3", "region__code"))
        self.sdgs: dict[str, dict[int, str]] = {}
        for lang in engine.LANGUAGES:
            with translation.override(lang):
                self.sdgs[lang] = {n: f"{sdg_label(n)} {name}" for n, name in SDG_NAMES.items()}
        self.countries: dict[tuple[str, str], str] = {}

    def country(self, iso3: str, lang: str) -> str:
        key = (iso3, lang)
        if key not in self.countries:
            self.countries[key] = countries.cldr_name(iso3, lang) or ""
        return self.countries[key]

    def labels(self, solution: Solution, lang: str) -> list[str]:
        named = [solution.collection, *solution.themes.all(), *solution.challenges.all()]
        labels = [getattr(o, f"name_{lang}", "") or "" for o in named]
        sdgs = solution.sdgs if isinstance(solution.sdgs, list) else []
        labels += [self.sdgs[lang].get(n, "") for n in sdgs if isinstance(n, int)]
        labels += [solution.city, self.country(solution.country_iso3, lang)]
        if lang == solution.language:  # tags are written in the solution's own language
            tags = solution.tags if isinstance(solution.tags, list) else []
            labels += [str(t) for t in tags]
        return [label for label in labels if label]


def document(solution: Solution, vocabulary: Vocabulary) -> engine.Document:
    """A published solution as the index holds it (translations, themes, challenges and
    collection prefetched)."""
    versions = {
        t.language: (t.title, t.summary or "", t.description or "")
        for t in solution.translations.all()
        if t.title.strip()
    }
    versions[solution.language] = (solution.title, solution.summary, solution.description)
    texts: dict[str, dict[str, str]] = {}
    words: list[str] = []
    for lang in engine.LANGUAGES:
        title, summary, description = versions.get(lang, ("", "", ""))
        body = _plain(description)
        if lang == solution.language:
            body = f"{body}\n{_plain(solution.results)}"
        vocab = " · ".join(vocabulary.labels(solution, lang))
        texts[lang] = {"title": title, "vocab": vocab, "summary": summary, "body": body}
        words += [title, vocab, summary]
    region = vocabulary.regions.get(solution.country_iso3)
    sdgs = solution.sdgs if isinstance(solution.sdgs, list) else []
    return engine.Document(
        pk=solution.pk,
        date=solution.published_at,
        title=solution.title[:300],
        texts=texts,
        facets={
            "collection": [solution.collection.code],
            "theme": [t.code for t in solution.themes.all()],
            "challenge": [c.code for c in solution.challenges.all()],
            "sdg": [str(n) for n in sdgs if isinstance(n, int)],
            "region": [region] if region else [],
            "country": [solution.country_iso3],
            "year": [str(solution.year_started)] if solution.year_started else [],
        },
        suggestions=" ".join(words),
    )


def _published() -> QuerySet[Solution]:
    return (
        Solution.objects.filter(status=SolutionStatus.PUBLISHED)
        .select_related("collection")
        .prefetch_related("themes", "challenges", "translations")
    )


def index_solutions(pks: Iterable[int]) -> None:
    """Bring these solutions' entries in step: the published ones in, any other out."""
    wanted = {pk for pk in pks if pk is not None}
    if not wanted:
        return
    vocabulary = Vocabulary()
    documents = [document(s, vocabulary) for s in _published().filter(pk__in=wanted)]
    engine.remove(INDEX, wanted - {d.pk for d in documents})  # `put` replaces the others
    engine.put(INDEX, documents)


@transaction.atomic
def reindex(*, progress: Callable[[int, int], None] | None = None) -> int:
    """Rebuild the whole index from the published solutions; returns how many."""
    pks = list(
        Solution.objects.filter(status=SolutionStatus.PUBLISHED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    vocabulary = Vocabulary()
    engine.clear(INDEX)
    for start in range(0, len(pks), BATCH):
        chunk = pks[start : start + BATCH]
        solutions = _published().filter(pk__in=chunk).order_by("pk")
        engine.put(INDEX, [document(s, vocabulary) for s in solutions])
        if progress is not None:
            progress(min(start + BATCH, len(pks)), len(pks))
    return len(pks)


def refresh_index(data_dir: Path, report: LoadReport) -> None:
    """The open-data load's last step: the index in step with every published solution
    (writes nothing when it already is, so a second load changes nothing)."""
    report.step("search index")
    vocabulary = Vocabulary()
    held = engine.stored(INDEX)
    codebook = INDEX.codebook()
    created = updated = unchanged = 0
    changed = []
    for solution in _published().order_by("pk"):
        doc = document(solution, vocabulary)
        before = held.pop(doc.pk, None)
        now = engine.comparable(doc.row(INDEX, codebook))
        if before == now:
            unchanged += 1
            continue
        changed.append(doc)
        created += before is None
        updated += before is not None
    engine.remove(INDEX, list(held))  # no longer published; `put` replaces the changed
    engine.put(INDEX, changed)
    report.add_counts(
        SolutionText._meta.label,
        created=created,
        updated=updated + len(held),
        unchanged=unchanged,
    )


@receiver(post_save, sender=Solution)
def _solution_saved(sender: Any, instance: Solution, **kwargs: Any) -> None:
    fields = kwargs.get("update_fields")
    if kwargs.get("raw") or (fields is not None and set(fields) <= {"views"}):
        return
    index_solutions([instance.pk])


@receiver(post_delete, sender=Solution)
def _solution_deleted(sender: Any, instance: Solution, **kwargs: Any) -> None:
    engine.remove(INDEX, [instance.pk])


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
    score: float | None  # the engine's own (ts_rank, or bm25 negated): higher is better
    title: SafeString  # HTML-escaped, matches in <mark>
    summary: SafeString
    language: str  # of the title and summary shown
    country_name: str
    title_text: str  # the same, as plain text
    summary_text: str
    matched: tuple[str, ...] = ()  # the languages in which the query matched


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
    suggestions: list[str]  # queries spelt close to this one that find something

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
    """Published solutions matching `q` (see core/fulltext.py for what a query can say; it
    matches a solution in any of the three languages) and the filters (values of one facet
    OR-ed, facets AND-ed). Never raises on what a person typed: a bad sort gives the
    default, a bad page the first."""
    query = engine.parse(q)
    chosen = clean_filters(filters)
    sort = sort if sort in SORTS else (engine.RELEVANCE if not query.blank else "newest")
    if sort == engine.RELEVANCE and query.blank:
        sort = "newest"
    page = _number(page, 1, MAX_PAGE)
    per_page = _number(per_page, PER_PAGE, MAX_PER_PAGE)
    found = engine.search(
        INDEX, query, filters=chosen, order=sort, offset=(page - 1) * per_page, limit=per_page
    )
    facets, selected = _facets(found.facets, chosen)
    suggestions = _suggest(query, chosen) if not found.total and page == 1 else []
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
        suggestions=suggestions,
    )


def _suggest(query: engine.Query, chosen: Mapping[str, list[str]]) -> list[str]:
    """Queries with one word replaced by a word of the index spelt close to it, kept only
    when they find something (with the same filters)."""
    found: list[str] = []
    for word in dict.fromkeys(query.words()):
        for better in engine.close_words(INDEX, word):
            text = re.sub(rf"(?i)\b{re.escape(word)}\b", better, query.text, count=1)
            if text == query.text:
                text = query.text.replace(word, better)
            if text not in found and engine.count(INDEX, engine.parse(text), chosen):
                found.append(text)
            if len(found) >= SUGGESTIONS:
                return found
    return found


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
    matched = found.languages
    hits = []
    for pk, score in zip(found.pks, found.scores, strict=True):
        solution = by_pk.get(pk)
        if solution is None:  # unpublished since it was indexed, in another transaction
            continue
        languages = tuple(matched.get(pk, ()))
        language, title, summary, marked = _matched_text(solution, wanted, query, languages)
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
                matched=languages,
            )
        )
    return hits


def _matched_text(
    solution: Solution, wanted: str, query: engine.Query, matched: tuple[str, ...]
) -> tuple[str, str, str, tuple[SafeString, SafeString]]:
    """The text a hit shows: the reader's language when the query matched in it (or when
    nothing was asked), else the version (original or translation) in a language where it
    matched, so that the hit shows why it matched and in which language. Returns language,
    title, summary and their highlights."""
    versions = [(solution.language, solution.title, solution.summary)]
    versions += [
        (tr.language, tr.title, tr.summary or solution.summary)
        for tr in solution.translations.all()
        if tr.title.strip()
    ]
    versions.sort(
        key=lambda v: (
            bool(matched) and v[0] not in matched,
            v[0] != wanted,
            v[0] != solution.language,
        )
    )
    language, title, summary = versions[0]
    marks = (
        engine.highlight(title, query),
        engine.highlight(summary, query, limit=SUMMARY_CHARS),
    )
    return language, title, summary, marks


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
                if row[0] == "country":  # CLDR's name first: one name per country site-wide
                    found["country"][row[1]] = (
                        countries.cldr_name(row[1], lang) or row[own] or row[2] or row[1]
                    )
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
