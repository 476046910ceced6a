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
  "hous" in the title, `bhous` in the body), plus one term per facet value. The engines only
  answer "which entries hold these terms" (FTS5 MATCH with `detail=none`; `@@` on the GIN
  index), which has one answer.
- A query word becomes its stems in the three languages (OR-ed); words are AND-ed, and so are
  facet filters (values of one facet OR-ed).
- The score is ours: for each query word i and field f the entry holds (any stem of the word
  in that field), add W[i, f] = round(1000 × weight_f × idf_i), an integer computed here with
  idf_i = ln(1 + (N − df_i + 0.5) / (df_i + 0.5)) from counts both engines give exactly (N
  entries, df_i entries matching the word in any field). Sums of integers are exact, so the
  scores are equal; ties go to the order the app gives (newest first, then id).
"""

from __future__ import annotations

import hashlib
import heapq
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
from operator import itemgetter
from typing import Any

import snowballstemmer
from django.db import connection, models
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from metroscope.core.stopwords import ANY_LANGUAGE, STOP_WORDS
from metroscope.core.text import fold

LANGUAGES = ("en", "fr", "es")
_SNOWBALL = {"en": "english", "fr": "french", "es": "spanish"}
MAX_QUERY_CHARS = 200
MAX_QUERY_WORDS = 8
MAX_WORD_CHARS = 40
MAX_FILTER_VALUES = 20
FACET_PREFIX = "z"
RELEVANCE = "relevance"
_TERM = re.compile(r"[0-9a-z]+")
_ITEM, _PAIR = "\x1e", "\x1f"
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


def _matches(query: Query, word: str) -> bool:
    return any(s in query.stems.get(lang, ()) for lang, s in _word_stems(word))


_WORD = re.compile(r"\w+")


def highlight(text: str, query: Query, *, limit: int | None = None) -> SafeString:
    """The text HTML-escaped, with the words the query matches in <mark>; cut to about
    `limit` characters around the first match (with "…") when it is longer."""
    spans = [m.span() for m in _WORD.finditer(text) if _matches(query, m.group())]
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
    """Terms of an entry: tsvector on PostgreSQL; on SQLite the column stays empty (the terms
    live in the FTS5 table) so that entry rows stay narrow to read."""

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
    terms = TermsField(blank=True)  # every term (matching)
    head = TermsField(blank=True)  # the terms of every field but the last (scoring)

    class Meta:
        abstract = True


@dataclass(frozen=True)
class Field:
    name: str
    prefix: str  # one letter, other than FACET_PREFIX
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


def facet_term(name: str, value: str) -> str:
    digest = hashlib.blake2b(f"{name}{_PAIR}{value}".encode(), digest_size=8).hexdigest()
    return FACET_PREFIX + digest


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
    """The GIN index on PostgreSQL; on SQLite the FTS5 table, and a trigger that takes an
    entry's terms out with the entry (deletes, cascades, the test runner's flush). Idempotent.
    SQLite rebuilds a table to alter it, which drops its triggers: a migration altering the
    entry table calls this again."""
    n = _names(table, pk)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{n["raw"]}_terms" ON {n["t"]} USING gin (terms)'
        )
        # The long terms go out of line, uncompressed: matching reads only the GIN index, and
        # the rows read for scoring and counting stay short (several to a page).
        schema_editor.execute(f"ALTER TABLE {n['t']} ALTER COLUMN terms SET STORAGE EXTERNAL")
        return
    for sql in (
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {n['fts']} USING fts5("
        "terms, detail=none, columnsize=0, tokenize='ascii')",
        f'CREATE TRIGGER IF NOT EXISTS "{n["raw"]}_ad" AFTER DELETE ON {n["t"]} BEGIN '
        f"DELETE FROM {n['fts']} WHERE rowid = old.{n['pk']}; END",
    ):
        schema_editor.execute(sql)


def uninstall(schema_editor: Any, table: str, pk: str) -> None:
    n = _names(table, pk)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f'DROP INDEX IF EXISTS "{n["raw"]}_terms"')
        return
    for suffix in ("ai", "ad", "au"):
        schema_editor.execute(f'DROP TRIGGER IF EXISTS "{n["raw"]}_{suffix}"')
    schema_editor.execute(f"DROP TABLE IF EXISTS {n['fts']}")


# --- the index ---------------------------------------------------------------------------------

Row = tuple[int, str, int | None, str, str, str]  # pk, title key, date key, facets, terms, head


class SearchIndex:
    """Writes and queries one entry model. `source` is the model the entries stand for (an
    order may read its columns); `ties` breaks equal scores; `orders` are the other sorts.

    Matching is the engine's (FTS5 MATCH, or `@@` on the GIN index); scoring, facet counting
    and sorting are done here, over the matching entries, in the same code for both engines.
    A word scores W[i, f] = round(1000 × weight_f × idf_i) for the best field f holding it;
    the last (lightest) field is the one left when no other holds it, so only the others are
    looked up: on PostgreSQL by `@@` on the entry's `head` terms, on SQLite as FTS5 matches.
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
            len(p) != 1 or not p.islower() or p == FACET_PREFIX for p in prefixes
        ):
            raise ValueError("field prefixes must be distinct lower-case letters, not 'z'")
        self.entry, self.source = entry, source
        self.fields = tuple(sorted(fields, key=lambda f: -f.weight))
        self.ties, self.orders = tuple(ties), dict(orders)
        self.label = entry._meta.label
        self._cache: dict[str, Any] = {}

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

    def _where(self) -> str:
        n = self._n()
        if self.postgres:
            return "e.terms @@ %s::tsquery"
        return f"e.{n['pk']} IN (SELECT rowid FROM {n['fts']} WHERE {n['fts']} MATCH %s)"

    # writing

    def terms(self, document: Document) -> tuple[list[str], list[str]]:
        """Every term of the document, and those of its fields but the last."""
        found: set[str] = set()
        head: set[str] = set()
        for f in self.fields:
            for text, language in document.texts.get(f.name, ()):
                made = {f.prefix + s for s in analyze(text, language)}
                found |= made
                if f is not self.fields[-1]:
                    head |= made
        for name, values in document.facets.items():
            found.update(facet_term(name, str(v)) for v in values)
        return sorted(found), sorted(head)

    def row(self, document: Document) -> Row:
        facets = _ITEM.join(
            f"{_clean(name)}{_PAIR}{_clean(v)}"
            for name, values in document.facets.items()
            for v in values
        )
        terms, head = self.terms(document)
        return (
            document.pk,
            fold(document.title),
            _date_key(document.date),
            facets,
            " ".join(terms),
            " ".join(head) if self.postgres else "",
        )

    def put(self, documents: Iterable[Document]) -> int:
        """Add or replace entries (in the caller's transaction)."""
        return self._write([self.row(d) for d in documents])

    def _write(self, rows: Sequence[Row]) -> int:
        if not rows:
            return 0
        n = self._n()
        with connection.cursor() as cursor:
            if self.postgres:
                cursor.executemany(
                    f"INSERT INTO {n['t']} ({n['pk']}, title_key, date_key, facets, terms, head) "
                    "VALUES (%s, %s, %s, %s, %s::tsvector, %s::tsvector) "
                    f"ON CONFLICT ({n['pk']}) DO UPDATE SET title_key = excluded.title_key, "
                    "date_key = excluded.date_key, facets = excluded.facets, "
                    "terms = excluded.terms, head = excluded.head",
                    rows,
                )
                self._changed()
                return len(rows)
            cursor.executemany(
                f"INSERT INTO {n['t']} ({n['pk']}, title_key, date_key, facets, terms, head) "
                "VALUES (%s, %s, %s, %s, '', '') "
                f"ON CONFLICT ({n['pk']}) DO UPDATE SET title_key = excluded.title_key, "
                "date_key = excluded.date_key, facets = excluded.facets",
                [r[:4] for r in rows],
            )
            cursor.executemany(f"DELETE FROM {n['fts']} WHERE rowid = %s", [(r[0],) for r in rows])
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
        stored = self._stored(None if complete else list(rows))
        changed = [r for pk, r in rows.items() if stored.get(pk) != r]
        self._write(changed)
        gone = [pk for pk in stored if pk not in rows] if complete else []
        self.remove(gone)
        created = sum(1 for r in changed if r[0] not in stored)
        return Synced(created, len(changed) - created, len(rows) - len(changed), len(gone))

    def _stored(self, pks: list[int] | None) -> dict[int, Row]:
        n = self._n()
        if self.postgres:
            sql = (
                f"SELECT e.{n['pk']}, e.title_key, e.date_key, e.facets, e.terms::text, "
                f"e.head::text FROM {n['t']} e"
            )
        else:
            sql = (
                f"SELECT e.{n['pk']}, e.title_key, e.date_key, e.facets, f.terms, '' "
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
                for pk, title_key, date_key, facets, terms, head in cursor.fetchall():
                    if self.postgres:  # tsvector text: 'a' 'b' in its own order
                        terms, head = (_plain_terms(t) for t in (terms, head))
                    found[int(pk)] = (int(pk), title_key, date_key, facets, terms or "", head)
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
            cursor.execute(f"DELETE FROM {n['t']}")
            if not self.postgres:  # and whatever a lost trigger left behind
                cursor.execute(f"DELETE FROM {n['fts']}")
        self._changed()

    # the answer to "everything", kept while the index does not change

    def _changed(self) -> None:
        """After a write: a new random version of the index (a rolled-back write never reuses
        one, so no process keeps an answer cached from it) and its number of entries."""
        from metroscope.core.models import SearchState

        self._cache.clear()
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
        counts over every match."""
        filter_groups = [
            [facet_term(name, str(v)) for v in list(dict.fromkeys(values))[:MAX_FILTER_VALUES]]
            for name, values in (filters or {}).items()
            if values
        ]
        groups = [[f.prefix + s for f in self.fields for s in g] for g in query.groups]
        ranked = order == RELEVANCE and bool(groups)
        if not groups and not filter_groups:
            return self._everything(order, offset, limit)
        weights: list[list[int]] = []
        if groups:
            counts = self._counts(groups)
            if min(counts[1:]) == 0:  # a word no entry holds: nothing matches every word
                return Found([], [], 0, {})
            weights = [
                [round(1000 * f.weight * _idf(counts[0], df)) for f in self.fields]
                for df in counts[1:]
            ]
        keys = self.ties if ranked else self.orders.get(order, self.ties)
        titled = any(k.column == "title" for k in keys)
        rows = self._matching(self._expression(groups + filter_groups), query, ranked, titled)
        scores = _scores(rows, weights) if ranked else {}
        pks = self._sorted(rows, keys, scores, offset + limit)
        page = pks[offset : offset + limit]
        return Found(page, [scores.get(pk) for pk in page], len(rows), _count(rows))

    def _everything(self, order: str, offset: int, limit: int) -> Found:
        version = self._version()
        cached = self._cache.get(version)
        if cached is None:
            self._cache.clear()
            rows = self._matching(None, None, False, True)
            cached = self._cache[version] = {"rows": rows, "facets": _count(rows), "orders": {}}
        keys = self.orders.get(order, self.ties)
        pks = cached["orders"].get(keys)
        if pks is None:
            pks = cached["orders"][keys] = self._sorted(cached["rows"], keys, {})
        return Found(
            pks[offset : offset + limit],
            [None] * len(pks[offset : offset + limit]),
            len(pks),
            cached["facets"],
        )

    def _counts(self, groups: list[list[str]]) -> list[int]:
        """N, then for each word the entries holding it in any field."""
        from metroscope.core.models import SearchState

        n = self._n()
        qn = connection.ops.quote_name
        if self.postgres:
            one = f"(SELECT count(*) FROM {n['t']} WHERE terms @@ %s::tsquery)"
        else:
            one = f"(SELECT count(*) FROM {n['fts']} WHERE {n['fts']} MATCH %s)"
        state = f"SELECT documents FROM {qn(SearchState._meta.db_table)} WHERE {qn('index')} = %s"
        total = f"COALESCE(({state}), (SELECT count(*) FROM {n['t']}))"
        sql = f"SELECT {total}, " + ", ".join([one] * len(groups))
        with connection.cursor() as cursor, self._by_index(cursor):
            cursor.execute(sql, [self.label, *(self._expression([g]) for g in groups)])
            row = cursor.fetchone()
        return [int(v) for v in row]

    @contextmanager
    def _by_index(self, cursor: Any) -> Iterator[None]:
        """PostgreSQL misjudges how many entries hold a term and may read the whole table,
        opening every entry's terms; its planner is told to use the GIN index instead."""
        if not self.postgres:
            yield
            return
        cursor.execute("SET enable_seqscan = off")
        try:
            yield
        finally:
            cursor.execute("RESET enable_seqscan")

    def _matching(
        self, expression: str | None, query: Query | None, ranked: bool, titled: bool
    ) -> list[Any]:
        """(key, date key, title key, facets, fields bits) of every matching entry; bit
        i × F + j says word i is in field j (of the fields but the last)."""
        n = self._n()
        branches: list[str] = []  # one word's terms in one field, word-major
        if ranked and query is not None:
            for group in query.groups:
                for f in self.fields[:-1]:
                    branches.append(self._expression([[f.prefix + s for s in group]]))
        where, params = (f" WHERE {self._where()}", [expression]) if expression else ("", [])
        title = "e.title_key" if titled else "''"
        bits = "0"
        if self.postgres and branches:
            bits = " + ".join(
                f"(CASE WHEN e.head @@ %s::tsquery THEN {1 << i} ELSE 0 END)"
                for i in range(len(branches))
            )
            params = [*branches, *params]
        sql = f"SELECT e.{n['pk']}, e.date_key, {title}, e.facets, {bits} FROM {n['t']} e{where}"
        with connection.cursor() as cursor:
            if expression is None:
                cursor.execute(sql, params)
                rows = [list(r) for r in cursor.fetchall()]
            else:
                with self._by_index(cursor):
                    cursor.execute(sql, params)
                    rows = [list(r) for r in cursor.fetchall()]
            if branches and not self.postgres:
                at = {r[0]: r for r in rows}
                for i, branch in enumerate(branches):
                    cursor.execute(
                        f"SELECT rowid FROM {n['fts']} WHERE {n['fts']} MATCH %s", [branch]
                    )
                    bit = 1 << i
                    for (pk,) in cursor.fetchall():
                        found = at.get(pk)
                        if found is not None:
                            found[4] |= bit
        return rows

    def _sorted(
        self,
        rows: list[Any],
        keys: Sequence[Key],
        scores: Mapping[int, int],
        first: int | None = None,
    ) -> list[int]:
        """Keys of the rows in order: score (when given), then the keys, a missing value last;
        only the `first` ones when given. Dates and keys all one way: one pass picking the
        first; otherwise stable sorts from the last key to the first."""
        numeric = all(k.column in ("date", "pk", "id") for k in keys)
        if numeric and first is not None and len({k.descending for k in keys}) == 1:
            down = keys[0].descending
            gap = -math.inf if down else math.inf
            parts = [1 if k.column == "date" else 0 for k in keys]

            def rank(r: Any) -> tuple[Any, ...]:
                values = [(gap if r[1] is None else r[1]) if p else r[0] for p in parts]
                return (scores[r[0]] if down else -scores[r[0]], *values) if scores else (*values,)

            pick = heapq.nlargest if down else heapq.nsmallest
            return [r[0] for r in pick(first, rows, key=rank)]
        ordered = list(rows)
        for key in reversed(keys):
            if key.column in ("pk", "id"):
                ordered.sort(key=itemgetter(0), reverse=key.descending)
            elif key.column == "title":
                ordered.sort(key=itemgetter(2), reverse=key.descending)
            else:
                if key.column == "date":
                    values = {r[0]: r[1] for r in ordered}
                else:
                    values = self._source_column(key.column, [r[0] for r in ordered])
                gap = -math.inf if key.descending else math.inf
                ordered.sort(
                    key=lambda r: gap if (v := values.get(r[0])) is None else v,
                    reverse=key.descending,
                )
        if scores:
            ordered.sort(key=lambda r: scores[r[0]], reverse=True)
        return [r[0] for r in ordered]

    def _source_column(self, column: str, pks: list[int]) -> dict[int, Any]:
        qn = connection.ops.quote_name
        n = self._n()
        found: dict[int, Any] = {}
        with connection.cursor() as cursor:
            for i in range(0, len(pks), 10_000):
                chunk = pks[i : i + 10_000]
                marks = ", ".join(["%s"] * len(chunk))
                cursor.execute(
                    f"SELECT {n['spk']}, {qn(column)} FROM {n['s']} WHERE {n['spk']} IN ({marks})",
                    chunk,
                )
                found.update(cursor.fetchall())
        return found


def _scores(rows: list[Any], weights: list[list[int]]) -> dict[int, int]:
    """Each word counts once, in the heaviest field that holds it (the last when no other)."""
    width = len(weights[0]) - 1 if weights else 0
    table: dict[int, int] = {}
    scores: dict[int, int] = {}
    for row in rows:
        bits = row[4]
        score = table.get(bits)
        if score is None:
            score = 0
            for i, per_field in enumerate(weights):
                mine = (bits >> (i * width)) & ((1 << width) - 1)
                best = (mine & -mine).bit_length() - 1 if mine else width
                score += per_field[best]
            table[bits] = score
        scores[row[0]] = score
    return scores


def _count(rows: list[Any]) -> dict[str, Counter[str]]:
    items = Counter(_ITEM.join(r[3] for r in rows if r[3]).split(_ITEM)) if rows else Counter()
    counted: dict[str, Counter[str]] = {}
    for item, count in items.items():
        name, _sep, value = item.partition(_PAIR)
        if _sep:
            counted.setdefault(name, Counter())[value] = count
    return counted


def _plain_terms(text: str | None) -> str:
    return " ".join(sorted(t.strip("'") for t in (text or "").split()))


def _idf(total: int, df: int) -> float:
    return math.log(1 + (total - df + 0.5) / (df + 0.5))
