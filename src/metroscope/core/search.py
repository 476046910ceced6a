# ruff: noqa: S608 - SQL text is built only from model table and column names (quoted), field
# letters and integers made here; every value from a person is a bound parameter.
"""Full-text search with facets for any app: one interface, two engines — SQLite FTS5 and
PostgreSQL full-text search (a tsvector column with a GIN index) — chosen by the vendor of
the connection. Knows no domain: an app declares an entry model, its fields and weights, its
facets and its orders, and puts `Document`s in.

Why the two engines give the same results:
- Text is analysed here in Python, the same way for both: accent-folded, lower-cased, stop
  words left out, stemmed with the Snowball stemmer of the text's own language (English,
  French, Spanish). Neither engine stems; each stores the finished terms.
- A term is stored once per field it occurs in, prefixed by the field's letter (`thous` is
  "hous" in the title, `bhous` in the body). The engines only answer "which entries hold
  these terms" (FTS5 MATCH with `detail=none`; `@@` on the GIN index), which has one answer.
- A query word becomes its stems in the three languages (OR-ed); words are AND-ed, and so are
  facet filters (values of one facet OR-ed), applied here to the engine's answer.
- Facet values, dates and the title order live in a snapshot of the entries (numpy arrays)
  that each process keeps while the index's version stays the same: filtering, counting
  (each facet counted without its own filter), scoring and sorting read only arrays.
- The score is ours: for each query word i and field f the entry holds (any stem of the word
  in that field), add W[i, f] = round(1000 × weight_f × idf_i), an integer computed here with
  idf_i = ln(1 + (N − df_i + 0.5) / (df_i + 0.5)) from counts both engines give exactly (N
  entries, df_i entries matching the word in any field). Sums of integers are exact, so the
  scores are equal; ties go to the order the app gives (newest first, then id).
"""

from __future__ import annotations

import math
import re
import secrets
import threading
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

import numpy as np
import snowballstemmer
from django.db import connection, models
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from numpy.typing import NDArray

from metroscope.core.stopwords import ANY_LANGUAGE, STOP_WORDS
from metroscope.core.text import fold
from metroscope.core.versioned_cache import VersionedCache

LANGUAGES = ("en", "fr", "es")
_SNOWBALL = {"en": "english", "fr": "french", "es": "spanish"}
MAX_QUERY_CHARS = 200
MAX_QUERY_WORDS = 8
MAX_WORD_CHARS = 40
MAX_FILTER_VALUES = 20
RELEVANCE = "relevance"
_TERM = re.compile(r"[0-9a-z]+")
_ITEM, _PAIR = "\x1e", "\x1f"
# PostgreSQL moves a value out of line only when its row passes ~2 kB (toast_tuple_target
# sets how far it shrinks, not when it starts), and most entries hold ~1 kB of terms: every
# terms row on PostgreSQL also holds this one lexeme, which no query can hold (query words
# have at most 40 letters), so that it is always stored out of line.
_PAD = "0" * 2040
_local = threading.local()  # Snowball stemmer objects keep state: one set per thread


# --- analysis ----------------------------------------------------------------------------------


def _stemmer(language: str) -> Any:
    stemmers = getattr(_local, "stemmers", None)
    if stemmers is None:
        stemmers = _local.stemmers = {k: snowballstemmer.stemmer(v) for k, v in _SNOWBALL.items()}
    return stemmers[language]


@lru_cache(maxsize=262_144)
def stem(word: str, language: str) -> str:
    """The stem of a folded word; stems stay within [0-9a-z] (checked: they are index terms)."""
    result = _stemmer(language).stemWord(word)
    return result if _TERM.fullmatch(result) else word


_NOT_WORD = re.compile(r"[^0-9a-z]+")
_MARKS = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")
_SPECIAL = str.maketrans({"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ı": "i"})


def words(text: str) -> list[str]:
    """Words of 2 to 40 letters or digits, folded as `core.text.fold` does (lower case, no
    accents; any other character separates), with a fast path for ASCII text."""
    low = text.casefold().translate(_SPECIAL)
    if not low.isascii():
        low = _MARKS.sub("", unicodedata.normalize("NFKD", low)).translate(_SPECIAL)
    return [w for w in _NOT_WORD.sub(" ", low).split() if 2 <= len(w) <= MAX_WORD_CHARS]


def analyze(text: str, language: str) -> set[str]:
    """The distinct stems of a text written in `language` (English when unknown)."""
    lang = language if language in _SNOWBALL else "en"
    stop = STOP_WORDS[lang]
    return {stem(w, lang) for w in words(text) if w not in stop}


@dataclass(frozen=True)
class Query:
    """A query as the engines see it: per word kept, its stems in the three languages."""

    text: str
    groups: tuple[tuple[str, ...], ...]
    stems: Mapping[str, frozenset[str]] = field(default_factory=dict)

    @property
    def blank(self) -> bool:
        return not self.groups


def parse_query(text: str | None) -> Query:
    """Any text gives a query: operators, quotes and symbols are only separators, stop words
    (of any of the three languages) are dropped, and length and word count are capped."""
    text = (text or "")[:MAX_QUERY_CHARS]
    groups: list[tuple[str, ...]] = []
    per_language: dict[str, set[str]] = {lang: set() for lang in LANGUAGES}
    for word in words(text):
        if word in ANY_LANGUAGE:
            continue
        stems = {lang: stem(word, lang) for lang in LANGUAGES}
        group = tuple(sorted(set(stems.values())))
        if group in groups:
            continue
        groups.append(group)
        for lang, value in stems.items():
            per_language[lang].add(value)
        if len(groups) == MAX_QUERY_WORDS:
            break
    frozen = {lang: frozenset(v) for lang, v in per_language.items()}
    return Query(text=" ".join(text.split()), groups=tuple(groups), stems=frozen)


@lru_cache(maxsize=65_536)
def _word_stems(word: str) -> tuple[tuple[str, str], ...]:
    """(language, stem) of a word as written, for highlighting."""
    return tuple((lang, stem(folded, lang)) for folded in words(word) for lang in LANGUAGES)


_WORD = re.compile(r"\w+")


def highlight(text: str, query: Query, *, limit: int | None = None) -> SafeString:
    """The text HTML-escaped, with the words the query matches in <mark>; cut to about
    `limit` characters around the first match (with "…") when it is longer."""
    wanted = {(lang, s) for lang, stems in query.stems.items() for s in stems}
    spans = (
        [m.span() for m in _WORD.finditer(text) if not wanted.isdisjoint(_word_stems(m.group()))]
        if wanted
        else []
    )
    start, end = 0, len(text)
    if limit is not None and len(text) > limit:
        first = spans[0][0] if spans else 0
        start = max(0, first - limit // 4)
        if start:
            space = text.find(" ", start)
            start = space + 1 if 0 <= space < first else start
        end = min(len(text), start + limit)
        if end < len(text):
            space = text.rfind(" ", start, end)
            end = space if space > start else end
    out: list[str] = ["…" if start else ""]
    at = start
    for a, b in spans:
        if a < start or b > end:
            continue
        out += [escape(text[at:a]), "<mark>", escape(text[a:b]), "</mark>"]
        at = b
    out += [escape(text[at:end]), "…" if end < len(text) else ""]
    return mark_safe("".join(out))  # noqa: S308 (every piece of the text is escaped above)


# --- what an app declares ------------------------------------------------------------------------


class TermsField(models.TextField):
    """Terms of an entry as a column: tsvector on PostgreSQL, text on SQLite. No longer a
    column of entries (the terms live in the engine's own table); kept for old migrations."""

    def db_type(self, connection: Any) -> str:
        return "tsvector" if connection.vendor == "postgresql" else "text"


class EntryKey(models.BigIntegerField):
    """An entry's key (the key of what it stands for); on SQLite an INTEGER PRIMARY KEY, so
    that it is the table's rowid and joins the FTS5 rowid without another index."""

    def db_type(self, connection: Any) -> str | None:
        return "integer" if connection.vendor == "sqlite" else super().db_type(connection)


class SearchEntry(models.Model):
    """One searchable thing; the concrete model's primary key is the thing's own key."""

    title_key = models.TextField()
    date_key = models.BigIntegerField(null=True)  # microseconds since 1970 (newest first)
    facets = models.TextField(blank=True)
    # an entry's terms are in the engine's table, `<table>_fts` (see `install`)

    class Meta:
        abstract = True


@dataclass(frozen=True)
class Field:
    name: str
    prefix: str  # one lower-case letter
    weight: int


@dataclass(frozen=True)
class Key:
    """One key of an order: the entry's date or folded title, or a column of the source."""

    column: str  # "date", "title", or a column of the source table
    descending: bool = False


@dataclass(frozen=True)
class Document:
    pk: int
    title: str
    date: datetime | None
    texts: Mapping[str, Sequence[tuple[str, str]]]  # field name → [(text, language)]
    facets: Mapping[str, Iterable[str]]


@dataclass(frozen=True)
class Synced:
    created: int
    updated: int
    unchanged: int
    removed: int


@dataclass
class Found:
    pks: list[int]
    scores: list[int | None]
    total: int
    facets: dict[str, Counter[str]]


def _clean(value: str) -> str:
    return str(value).replace(_ITEM, " ").replace(_PAIR, " ")


def _date_key(value: datetime | None) -> int | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    delta = value - datetime(1970, 1, 1, tzinfo=UTC)
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


# --- installing the engine's side (called from the app's migrations) ----------------------------


def _names(table: str, pk: str) -> dict[str, str]:
    qn = connection.ops.quote_name
    return {"t": qn(table), "pk": qn(pk), "fts": qn(f"{table}_fts"), "raw": table}


def install(schema_editor: Any, table: str, pk: str) -> None:
    """The engine's table of terms, `<table>_fts`, one row per entry keyed by `rowid`: on
    SQLite an FTS5 table; on PostgreSQL a narrow table whose tsvector is stored out of line,
    with a GIN index, so that what a match reads besides the index is ~60-byte rows (about
    130 to a page) instead of entries carrying their terms. A trigger takes an entry's terms
    out with the entry (deletes, cascades, and on PostgreSQL TRUNCATE, which the test runner's
    flush uses). Idempotent. SQLite rebuilds a table to alter it, which drops its triggers: a
    migration altering the entry table calls this again."""
    if schema_editor.connection.vendor == "postgresql":
        for sql in _postgres_install(_names(table, pk)):
            schema_editor.execute(sql)
        return
    n = _names(table, pk)
    for sql in (
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {n['fts']} USING fts5("
        "terms, detail=none, columnsize=0, tokenize='ascii')",
        f'CREATE TRIGGER IF NOT EXISTS "{n["raw"]}_ad" AFTER DELETE ON {n["t"]} BEGIN '
        f"DELETE FROM {n['fts']} WHERE rowid = old.{n['pk']}; END",
    ):
        schema_editor.execute(sql)


def _postgres_install(n: Mapping[str, str]) -> list[str]:
    raw, fts, t = n["raw"], n["fts"], n["t"]
    return [
        f"CREATE TABLE IF NOT EXISTS {fts} (rowid bigint PRIMARY KEY, terms tsvector NOT NULL)",
        # rows past 128 bytes put their terms in the TOAST table, uncompressed: the heap row
        # keeps only the key and a pointer; a match never opens the terms (the GIN answer is
        # exact for these queries, so no recheck)
        f"ALTER TABLE {fts} SET (toast_tuple_target = 128)",
        f"ALTER TABLE {fts} ALTER COLUMN terms SET STORAGE EXTERNAL",
        f'CREATE INDEX IF NOT EXISTS "{raw}_fts_terms" ON {fts} USING gin (terms)',
        f'CREATE OR REPLACE FUNCTION "{raw}_ad"() RETURNS trigger LANGUAGE plpgsql AS '
        f"$$ BEGIN DELETE FROM {fts} WHERE rowid = OLD.{n['pk']}; RETURN NULL; END $$",
        f'CREATE OR REPLACE FUNCTION "{raw}_at"() RETURNS trigger LANGUAGE plpgsql AS '
        f"$$ BEGIN TRUNCATE {fts}; RETURN NULL; END $$",
        f'DROP TRIGGER IF EXISTS "{raw}_ad" ON {t}',
        f'CREATE TRIGGER "{raw}_ad" AFTER DELETE ON {t} FOR EACH ROW EXECUTE FUNCTION "{raw}_ad"()',
        f'DROP TRIGGER IF EXISTS "{raw}_at" ON {t}',
        f'CREATE TRIGGER "{raw}_at" AFTER TRUNCATE ON {t} FOR EACH STATEMENT '
        f'EXECUTE FUNCTION "{raw}_at"()',
    ]


def uninstall(schema_editor: Any, table: str, pk: str) -> None:
    n = _names(table, pk)
    if schema_editor.connection.vendor == "postgresql":
        for suffix in ("ad", "at"):
            schema_editor.execute(f'DROP TRIGGER IF EXISTS "{n["raw"]}_{suffix}" ON {n["t"]}')
            schema_editor.execute(f'DROP FUNCTION IF EXISTS "{n["raw"]}_{suffix}"()')
        schema_editor.execute(f'DROP INDEX IF EXISTS "{n["raw"]}_terms"')  # before the side table
        schema_editor.execute(f"DROP TABLE IF EXISTS {n['fts']}")
        return
    for suffix in ("ai", "ad", "au"):
        schema_editor.execute(f'DROP TRIGGER IF EXISTS "{n["raw"]}_{suffix}"')
    schema_editor.execute(f"DROP TABLE IF EXISTS {n['fts']}")


# --- the index ---------------------------------------------------------------------------------

Row = tuple[int, str, int | None, str, str]  # pk, title key, date key, facets, terms


class SearchIndex:
    """Writes and queries one entry model. `source` is the model the entries stand for (an
    order may read its columns); `ties` breaks equal scores; `orders` are the other sorts.

    Matching is the engine's (FTS5 MATCH, or `@@` on the GIN index): it answers which
    entries hold an expression, as keys. Filtering by facet, facet counting, scoring and
    sorting are done here with numpy over a per-process snapshot of the entries (keys, dates,
    title order, facet values; rebuilt when the index's version changes), in the same code for
    both engines. A word scores W[i, f] = round(1000 × weight_f × idf_i) for the best field f
    holding it; the last (lightest) field is the one left when no other holds it, so only the
    others are asked of the engine, one expression per word and field, in the same round trip
    as the match itself.
    """

    def __init__(
        self,
        entry: type[SearchEntry],
        *,
        source: type[models.Model],
        fields: Sequence[Field],
        ties: Sequence[Key],
        orders: Mapping[str, Sequence[Key]],
    ) -> None:
        prefixes = [f.prefix for f in fields]
        if len(set(prefixes)) != len(prefixes) or any(
            len(p) != 1 or not p.islower() for p in prefixes
        ):
            raise ValueError("field prefixes must be distinct lower-case letters")
        self.entry, self.source = entry, source
        self.fields = tuple(sorted(fields, key=lambda f: -f.weight))
        self.ties, self.orders = tuple(ties), dict(orders)
        self.label = entry._meta.label
        self._snapshots = VersionedCache(self._version)

    @property
    def postgres(self) -> bool:
        return connection.vendor == "postgresql"

    def _n(self) -> dict[str, str]:
        qn = connection.ops.quote_name
        pk, spk = self.entry._meta.pk, self.source._meta.pk
        if pk is None or spk is None:  # pragma: no cover (every concrete model has one)
            raise TypeError("search entries and their source need a primary key")
        names = _names(self.entry._meta.db_table, pk.column)
        return names | {"s": qn(self.source._meta.db_table), "spk": qn(spk.column)}

    def _expression(self, groups: Sequence[Sequence[str]]) -> str:
        """AND of groups, OR of terms inside a group, in the engine's own syntax."""
        if self.postgres:
            return " & ".join("(" + " | ".join(f"'{t}'" for t in g) + ")" for g in groups)
        return " AND ".join("(" + " OR ".join(f'"{t}"' for t in g) + ")" for g in groups)

    # writing

    def terms(self, document: Document) -> list[str]:
        """Every term of the document: each field's stems behind the field's letter."""
        found: set[str] = set()
        for f in self.fields:
            for text, language in document.texts.get(f.name, ()):
                found |= {f.prefix + s for s in analyze(text, language)}
        return sorted(found)

    def row(self, document: Document) -> Row:
        facets = _ITEM.join(
            f"{_clean(name)}{_PAIR}{_clean(v)}"
            for name, values in document.facets.items()
            for v in values
        )
        return (
            document.pk,
            fold(document.title),
            _date_key(document.date),
            facets,
            " ".join(self.terms(document)),
        )

    def put(self, documents: Iterable[Document]) -> int:
        """Add or replace entries (in the caller's transaction)."""
        return self._write([self.row(d) for d in documents])

    def _write(self, rows: Sequence[Row]) -> int:
        if not rows:
            return 0
        n = self._n()
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {n['t']} ({n['pk']}, title_key, date_key, facets) "
                "VALUES (%s, %s, %s, %s) "
                f"ON CONFLICT ({n['pk']}) DO UPDATE SET title_key = excluded.title_key, "
                "date_key = excluded.date_key, facets = excluded.facets",
                [r[:4] for r in rows],
            )
            if self.postgres:
                cursor.executemany(
                    f"INSERT INTO {n['fts']} (rowid, terms) VALUES (%s, %s::tsvector) "
                    "ON CONFLICT (rowid) DO UPDATE SET terms = excluded.terms",
                    [(r[0], f"{r[4]} {_PAD}") for r in rows],
                )
            else:  # an FTS5 table has no upsert
                keys = [(r[0],) for r in rows]
                cursor.executemany(f"DELETE FROM {n['fts']} WHERE rowid = %s", keys)
                cursor.executemany(
                    f"INSERT INTO {n['fts']} (rowid, terms) VALUES (%s, %s)",
                    [(r[0], r[4]) for r in rows],
                )
        self._changed()
        return len(rows)

    def sync(self, documents: Iterable[Document], *, complete: bool = False) -> Synced:
        """Write only the entries that differ from these documents; with `complete`, the
        documents are the whole index and any other entry is removed."""
        rows = {r[0]: r for r in map(self.row, documents)}
        stored = self.stored(None if complete else list(rows))
        changed = [r for pk, r in rows.items() if stored.get(pk) != r]
        self._write(changed)
        gone = [pk for pk in stored if pk not in rows] if complete else []
        self.remove(gone)
        created = sum(1 for r in changed if r[0] not in stored)
        return Synced(created, len(changed) - created, len(rows) - len(changed), len(gone))

    def stored(self, pks: list[int] | None = None) -> dict[int, Row]:
        """The entries (all, or these) as the index holds them, terms included."""
        n = self._n()
        terms = "f.terms::text" if self.postgres else "f.terms"
        sql = (
            f"SELECT e.{n['pk']}, e.title_key, e.date_key, e.facets, {terms} "
            f"FROM {n['t']} e LEFT JOIN {n['fts']} f ON f.rowid = e.{n['pk']}"
        )
        found: dict[int, Row] = {}
        chunks: list[list[int] | None] = (
            [None] if pks is None else [pks[i : i + 500] for i in range(0, len(pks), 500)]
        )
        with connection.cursor() as cursor:
            for chunk in chunks:
                if chunk is None:
                    cursor.execute(sql)
                else:
                    marks = ", ".join(["%s"] * len(chunk))
                    cursor.execute(f"{sql} WHERE e.{n['pk']} IN ({marks})", chunk)
                for pk, title_key, date_key, facets, terms in cursor.fetchall():
                    if self.postgres:  # tsvector text: 'a' 'b' in its own order
                        terms = _plain_terms(terms)
                    found[int(pk)] = (int(pk), title_key, date_key, facets, terms or "")
        return found

    def remove(self, pks: Iterable[int]) -> int:
        wanted = list(pks)
        if not wanted:
            return 0
        removed = self.entry._default_manager.filter(pk__in=wanted).delete()[0]
        self._changed()
        return removed

    def clear(self) -> None:
        n = self._n()
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {n['fts']}")  # first: the trigger then finds nothing
            cursor.execute(f"DELETE FROM {n['t']}")
        self._changed()

    def compact(self) -> None:
        """After a full rebuild, outside its transaction: on PostgreSQL the rebuild leaves the
        terms table's narrow rows spread over all its old pages (a delete then an insert), so
        a match visits ~16 times more heap pages until the table is rewritten (VACUUM FULL)
        and its statistics renewed; on SQLite FTS5 merges its index segments into one."""
        if self.postgres and connection.in_atomic_block:
            raise RuntimeError("compacting the search index needs its own transaction")
        n = self._n()
        with connection.cursor() as cursor:
            if self.postgres:
                cursor.execute(f"VACUUM FULL {n['fts']}")
                cursor.execute(f"ANALYZE {n['fts']}")
                cursor.execute(f"ANALYZE {n['t']}")
            else:
                cursor.execute(f"INSERT INTO {n['fts']}({n['fts']}) VALUES ('optimize')")
                cursor.execute("ANALYZE")

    # the version of the index, which keeps snapshots current

    def _changed(self) -> None:
        """After a write: a new random version of the index (a rolled-back write never reuses
        one, so no process keeps an answer cached from it) and its number of entries."""
        from metroscope.core.models import SearchState

        self._snapshots.clear()
        SearchState.objects.update_or_create(
            index=self.label,
            defaults={
                "version": secrets.token_hex(8),
                "documents": self.entry._default_manager.count(),
            },
        )

    def _version(self) -> str:
        from metroscope.core.models import SearchState

        found = SearchState.objects.filter(index=self.label).values_list("version", flat=True)
        return next(iter(found), "")

    # reading

    def search(
        self,
        query: Query,
        *,
        filters: Mapping[str, Iterable[str]] | None = None,
        order: str = RELEVANCE,
        offset: int = 0,
        limit: int = 20,
    ) -> Found:
        """One page of entries (keys and scores), how many match, and the facet values'
        counts: a facet's counts are over what matches the words and every *other* facet's
        filter (so that choosing one value still shows its alternatives with their counts)."""
        snap = self._snapshot()
        chosen = {
            name: list(dict.fromkeys(str(v) for v in values))[:MAX_FILTER_VALUES]
            for name, values in (filters or {}).items()
            if values
        }
        groups = query.groups
        ranked = order == RELEVANCE and bool(groups)
        if not groups and not chosen:
            keys = self.orders.get(order, self.ties)
            everything = np.arange(snap.size)
            page = self._ordered(snap, keys, everything)[offset : offset + limit]
            return Found(snap.pks[page].tolist(), [None] * len(page), snap.size, snap.all_facets())
        base: NDArray[np.bool_] | None = None
        branches: list[NDArray[np.int64]] = []
        weights: list[list[int]] = []
        if groups:
            words = self._words(snap, query)
            if words is None:  # a word no entry holds: nothing matches every word
                return Found([], [], 0, {})
            counts, base, branches = words
            weights = [
                [round(1000 * f.weight * _idf(snap.size, df)) for f in self.fields] for df in counts
            ]
        masks = {name: snap.having(name, values) for name, values in chosen.items()}
        full = np.ones(snap.size, dtype=bool) if base is None else base.copy()
        for mask in masks.values():
            full &= mask
        matched = np.flatnonzero(full)
        facets = snap.facets(matched)
        for name in masks:  # a chosen facet: counted without its own filter
            others = np.ones(snap.size, dtype=bool) if base is None else base.copy()
            for other, mask in masks.items():
                if other != name:
                    others &= mask
            facets.pop(name, None)
            own = snap.facets(np.flatnonzero(others), only=name)
            if own:
                facets[name] = own[name]
        if ranked:
            scores = _scores(snap.size, matched, branches, weights)
            page = self._best(snap, matched, scores, offset + limit)[offset:]
            return Found(
                snap.pks[page].tolist(), [int(scores[p]) for p in page], matched.size, facets
            )
        keys = self.orders.get(order, self.ties)
        page = self._ordered(snap, keys, matched, full)[offset : offset + limit]
        return Found(snap.pks[page].tolist(), [None] * len(page), matched.size, facets)

    def _snapshot(self) -> Snapshot:
        """What every query reads besides the engine's matches — keys, dates, title order,
        facet values — as arrays, kept per process while the index's version stays the same
        (one small query checks it)."""
        return self._snapshots.get(None, self._read_snapshot)

    def _read_snapshot(self) -> Snapshot:
        n = self._n()
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT e.{n['pk']}, e.date_key, e.title_key, e.facets FROM {n['t']} e "
                f"ORDER BY e.{n['pk']}"
            )
            rows = cursor.fetchall()
        return Snapshot(rows)

    def _words(
        self, snap: Snapshot, query: Query
    ) -> tuple[list[int], NDArray[np.bool_], list[NDArray[np.int64]]] | None:
        """For each query word, how many entries hold it (in any field); which entries hold
        every word; and, word-major, the positions of those holding word i in field j (every
        field but the last) for scoring. None when some word is in no entry. The engine is
        asked only which entries hold each (word, field) expression; the rest is arrays."""
        width = len(self.fields)
        found = self._lists(
            snap,
            [
                self._expression([[f.prefix + s for s in group]])
                for group in query.groups
                for f in self.fields
            ],
        )
        held_by: list[int] = []
        every = np.ones(snap.size, dtype=bool)
        for i in range(len(query.groups)):
            word = np.zeros(snap.size, dtype=bool)
            for held in found[i * width : (i + 1) * width]:
                word[held] = True
            held_by.append(int(word.sum()))
            if held_by[-1] == 0:
                return None
            every &= word
        branches = [
            found[i * width + j] for i in range(len(query.groups)) for j in range(width - 1)
        ]
        return held_by, every, branches

    def _lists(self, snap: Snapshot, expressions: list[str]) -> list[NDArray[np.int64]]:
        """The positions of the entries holding each expression, in one round trip: one FTS5
        MATCH each on SQLite; on PostgreSQL one GIN bitmap scan each, whose heap visits are
        to the narrow rows of the terms table (the terms themselves are never opened)."""
        n = self._n()
        if self.postgres:
            # the keys packed as 8-byte big-endian integers: no text formatting on the server
            # nor parsing here (about 15 % of the round trip at 80,000 keys)
            one = (
                f"SELECT %s, string_agg(int8send(rowid), ''::bytea) FROM {n['fts']} "
                "WHERE terms @@ %s::tsquery"
            )
        else:
            one = f"SELECT %s, group_concat(rowid) FROM {n['fts']} WHERE {n['fts']} MATCH %s"
        params: list[Any] = []
        for i, expression in enumerate(expressions):
            params += [i, expression]
        found = [np.zeros(0, dtype=np.int64)] * len(expressions)
        with connection.cursor() as cursor, self._by_index(cursor):
            cursor.execute(" UNION ALL ".join([one] * len(expressions)), params)
            for i, keys in cursor.fetchall():
                if keys:
                    found[int(i)] = snap.positions(_integers(keys))
        return found

    def _ordered(
        self,
        snap: Snapshot,
        keys: Sequence[Key],
        matched: NDArray[np.int64],
        mask: NDArray[np.bool_] | None = None,
    ) -> NDArray[np.int64]:
        """Positions of `matched` in the order of `keys` (a missing value last): the whole
        index's order kept in the snapshot and filtered, or for a column of the source
        (which changes without the index, e.g. views) sorted now."""
        if all(k.column in ("date", "title", "pk", "id") for k in keys):
            order = snap.order(keys)
            return order if mask is None else order[mask[order]]
        columns = [
            self._source_values(snap, k.column) if k.column not in snap.columns else None
            for k in keys
        ]
        sort_keys = [
            snap.sort_key(k, matched, None if c is None else c[matched])
            for k, c in zip(keys, columns, strict=True)
        ]
        return matched[np.lexsort(sort_keys[::-1])]

    def _best(
        self, snap: Snapshot, matched: NDArray[np.int64], scores: NDArray[np.int64], first: int
    ) -> NDArray[np.int64]:
        """The `first` matched positions by score, ties in the index's tie order."""
        if matched.size == 0 or first <= 0:
            return matched[:0]
        mine = scores[matched]
        if matched.size > first:  # only those scoring at least the first-th best can place
            floor = np.partition(mine, matched.size - first)[matched.size - first]
            keep = mine >= floor
            matched, mine = matched[keep], mine[keep]
        ranks = snap.rank(self.ties)
        return matched[np.lexsort((ranks[matched], -mine))][:first]

    def _source_values(self, snap: Snapshot, column: str) -> NDArray[np.float64]:
        """A numeric column of the source for every entry (NaN where none), read now."""
        qn = connection.ops.quote_name
        n = self._n()
        values = np.full(snap.size, np.nan)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {n['spk']}, {qn(column)} FROM {n['s']}")
            rows = [(pk, v) for pk, v in cursor.fetchall() if v is not None]
        if rows:
            pks = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
            found = np.fromiter((r[1] for r in rows), dtype=np.float64, count=len(rows))
            at = np.searchsorted(snap.pks, pks)
            ok = at < snap.size
            ok[ok] &= snap.pks[at[ok]] == pks[ok]
            values[at[ok]] = found[ok]
        return values

    @contextmanager
    def _by_index(self, cursor: Any) -> Iterator[None]:
        """PostgreSQL misjudges how many entries hold a term and may read the whole table,
        opening every entry's terms (out of line: that is slow); its planner is told to use
        the GIN index instead."""
        if not self.postgres:
            yield
            return
        cursor.execute("SET enable_seqscan = off")
        try:
            yield
        finally:
            cursor.execute("RESET enable_seqscan")


class Snapshot:
    """The index's entries as arrays, in key order (a position is an index into them)."""

    columns = ("date", "title", "pk", "id")

    def __init__(self, rows: Sequence[tuple[Any, ...]]) -> None:
        self.size = len(rows)
        self.pks = np.fromiter((r[0] for r in rows), dtype=np.int64, count=self.size)
        self.dates = np.fromiter(
            (np.nan if r[1] is None else r[1] for r in rows), dtype=np.float64, count=self.size
        )  # microseconds: below 2**53 until the year 2255, so exact in a float
        titles = sorted(range(self.size), key=lambda i: (rows[i][2], i))
        self.titles = np.empty(self.size, dtype=np.int64)
        self.titles[np.array(titles, dtype=np.int64)] = np.arange(self.size)
        self.values: list[tuple[str, str]] = []  # value id → (facet, value)
        ids: dict[tuple[str, str], int] = {}
        per_row: list[list[int]] = []
        for row in rows:
            mine: list[int] = []
            for item in (row[3] or "").split(_ITEM):
                name, sep, value = item.partition(_PAIR)
                if not sep:
                    continue
                vid = ids.get((name, value))
                if vid is None:
                    vid = ids[(name, value)] = len(self.values)
                    self.values.append((name, value))
                mine.append(vid)
            per_row.append(mine)
        self.ids = ids
        width = max((len(m) for m in per_row), default=0)
        self.matrix = np.full((self.size, max(width, 1)), -1, dtype=np.int32)
        for i, mine in enumerate(per_row):
            self.matrix[i, : len(mine)] = mine
        flat = self.matrix.ravel()
        present = np.flatnonzero(flat >= 0)
        by_value = present[np.argsort(flat[present], kind="stable")]
        bounds = np.searchsorted(flat[by_value], np.arange(len(self.values) + 1))
        self.postings = [
            by_value[bounds[v] : bounds[v + 1]] // self.matrix.shape[1]
            for v in range(len(self.values))
        ]
        self._orders: dict[tuple[Key, ...], NDArray[np.int64]] = {}
        self._ranks: dict[tuple[Key, ...], NDArray[np.int64]] = {}
        self._all: dict[str, Counter[str]] | None = None
        # key → position as one array lookup, when keys are dense enough (they are ids)
        self._at: NDArray[np.int64] | None = None
        top = int(self.pks[-1]) if self.size else -1
        if int(self.pks[0] if self.size else 0) >= 0 and top < 4 * self.size + 1_000_000:
            self._at = np.full(top + 2, -1, dtype=np.int64)
            self._at[self.pks] = np.arange(self.size)

    def positions(self, pks: NDArray[np.int64]) -> NDArray[np.int64]:
        """Positions of these keys; keys the snapshot does not hold are left out."""
        if self.size == 0:
            return pks[:0]
        if self._at is not None:
            inside = pks[(pks >= 0) & (pks < self._at.size)]
            at = self._at[inside]
            return at[at >= 0]
        at = np.searchsorted(self.pks, pks)
        at[at >= self.size] = 0
        return at[self.pks[at] == pks]

    def having(self, name: str, values: Iterable[str]) -> NDArray[np.bool_]:
        """Entries holding any of these values of a facet."""
        mask = np.zeros(self.size, dtype=bool)
        for value in values:
            vid = self.ids.get((name, value))
            if vid is not None:
                mask[self.postings[vid]] = True
        return mask

    def facets(
        self, positions: NDArray[np.int64], only: str | None = None
    ) -> dict[str, Counter[str]]:
        if positions.size == 0:
            return {}
        ids = self.matrix[positions].ravel()
        counts = np.bincount(ids[ids >= 0], minlength=len(self.values))
        counted: dict[str, Counter[str]] = {}
        for vid in np.flatnonzero(counts).tolist():
            name, value = self.values[vid]
            if only is None or name == only:
                counted.setdefault(name, Counter())[value] = int(counts[vid])
        return counted

    def all_facets(self) -> dict[str, Counter[str]]:
        if self._all is None:
            self._all = self.facets(np.arange(self.size))
        return self._all

    def sort_key(
        self, key: Key, positions: NDArray[np.int64], values: NDArray[np.float64] | None = None
    ) -> NDArray[Any]:
        """A lexsort key (ascending) for the key over these positions, a missing value last."""
        if values is None:
            if key.column == "date":
                values = self.dates[positions]
            elif key.column == "title":
                values = self.titles[positions].astype(np.float64)
            else:
                values = self.pks[positions].astype(np.float64)
        ordered = -values if key.descending else values.copy()
        ordered[np.isnan(ordered)] = np.inf
        return ordered

    def order(self, keys: Sequence[Key]) -> NDArray[np.int64]:
        """Every position in the order of the keys (date, title or key columns), kept."""
        wanted = tuple(keys)
        found = self._orders.get(wanted)
        if found is None:
            everything = np.arange(self.size)
            if not wanted:
                found = everything
            else:
                found = np.lexsort([self.sort_key(k, everything) for k in reversed(wanted)])
            self._orders[wanted] = found
        return found

    def rank(self, keys: Sequence[Key]) -> NDArray[np.int64]:
        """Each position's place in `order(keys)`."""
        wanted = tuple(keys)
        found = self._ranks.get(wanted)
        if found is None:
            found = np.empty(self.size, dtype=np.int64)
            found[self.order(wanted)] = np.arange(self.size)
            self._ranks[wanted] = found
        return found


def _scores(
    size: int,
    matched: NDArray[np.int64],
    branches: Sequence[NDArray[np.int64]],
    weights: list[list[int]],
) -> NDArray[np.int64]:
    """Each word counts once, in the heaviest field that holds it (the last when no other):
    bit j of word i's field set says the word is in field j (of the fields but the last)."""
    scores = np.zeros(size, dtype=np.int64)
    width = len(weights[0]) - 1 if weights else 0
    for i, per_field in enumerate(weights):
        best = np.full(size, width, dtype=np.int64)  # the last field, unless a heavier holds it
        for j in reversed(range(width)):
            best[branches[i * width + j]] = j
        table = np.array(per_field, dtype=np.int64)
        scores[matched] += table[best[matched]]
    return scores


def _integers(keys: str | bytes | memoryview) -> NDArray[np.int64]:
    """Integers from the engine's list: PostgreSQL's packed big-endian 8-byte integers, or
    SQLite's comma-separated text (parsed in C: 13× faster than split)."""
    if isinstance(keys, str):
        return np.fromstring(keys, dtype=np.int64, sep=",")
    return np.frombuffer(keys, dtype=">i8").astype(np.int64)


def _plain_terms(text: str | None) -> str:
    return " ".join(sorted(t.strip("'") for t in (text or "").split() if t.strip("'") != _PAD))


def _idf(total: int, df: int) -> float:
    return math.log(1 + (total - df + 0.5) / (df + 0.5))
