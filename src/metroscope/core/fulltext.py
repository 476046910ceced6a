# ruff: noqa: S608 - SQL text is built only from table and column names declared by an app
# (quoted) and constants of this module; every value a person typed is a bound parameter.
"""Full-text search with facets on each database's own engine, for any app that declares an
`Index`: its entry table, one row per document holding a date, a sort title, a text column per
field and language (`title_en`, `summary_fr`…) and a column per facet (see `Index`).

- PostgreSQL: a weighted `tsvector` per language, computed by the database with its
  `english`, `french` or `spanish` configuration behind `unaccent` and kept with the
  document's date and facet values in a narrow table of that language (`<table>_v_en`…:
  a document's vector stays uncompressed in its row, so matching and ranking never read the
  long texts or a TOAST table), each with a GIN index; queries are built from
  `plainto_tsquery`, `phraseto_tsquery` and prefix `to_tsquery` (`hous:*`) and ranked by
  `ts_rank` (normalised by the document's length); spelling suggestions come from a word
  list with a `pg_trgm` index.
- SQLite: an FTS5 table per language (`unicode61 remove_diacritics 2`) holding the same
  fields, each word stemmed here by the Snowball stemmer of its language (the algorithms
  PostgreSQL's dictionaries use; FTS5 has no French or Spanish stemmer), ranked by `bm25()`
  with field weights; spelling suggestions come from an FTS5 word table's `fts5vocab`.

A query (`parse`) is read once, the same way for both: words are AND-ed, `OR` joins two,
`-word` leaves out, `"a phrase"` keeps its order, `hous*` is a prefix; stop words of the
three languages are dropped; anything else is a separator, so no input is an error. A
document matches when the query matches its text in one language, which says where the
match was. One statement gives the page, the total and every facet's counts (each facet
without its own filter), the engine finding the matching documents once. Highlights are made
here from the same stems, the same on both databases."""

from __future__ import annotations

import difflib
import re
import threading
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any

import snowballstemmer
from django.db import connection
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from metroscope.core.stopwords import ANY_LANGUAGE

LANGUAGES = ("en", "fr", "es")
FIELDS = ("title", "vocab", "summary", "body")  # in order of weight
PG_CONFIGS = {"en": "metroscope_english", "fr": "metroscope_french", "es": "metroscope_spanish"}
_SNOWBALL = {"en": "english", "fr": "french", "es": "spanish"}
_PG_WEIGHTS = dict(zip(FIELDS, "ABCD", strict=True))
BM25_WEIGHTS = {"title": 10.0, "vocab": 5.0, "summary": 3.0, "body": 1.0}
MAX_QUERY_CHARS = 200
MAX_TERMS = 8
MAX_WORD_CHARS = 40
MAX_FILTER_VALUES = 20
RELEVANCE = "relevance"
_local = threading.local()  # Snowball stemmer objects keep state: one set per thread


# --- words ---------------------------------------------------------------------------------------

_NOT_WORD = re.compile(r"[^0-9a-z]+")
_MARKS = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")
_SPECIAL = str.maketrans({"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ı": "i"})
_TERM = re.compile(r"[0-9a-z]+")


def tokens(text: str) -> list[str]:
    """Every word of a text, lower case without accents (any other character separates)."""
    low = text.casefold().translate(_SPECIAL)
    if not low.isascii():
        low = _MARKS.sub("", unicodedata.normalize("NFKD", low)).translate(_SPECIAL)
    return [w[:MAX_WORD_CHARS] for w in _NOT_WORD.sub(" ", low).split()]


def _stemmer(language: str) -> Any:
    stemmers = getattr(_local, "stemmers", None)
    if stemmers is None:
        stemmers = _local.stemmers = {k: snowballstemmer.stemmer(v) for k, v in _SNOWBALL.items()}
    return stemmers[language]


@lru_cache(maxsize=262_144)
def stem(word: str, language: str) -> str:
    result = _stemmer(language).stemWord(word)
    return result if _TERM.fullmatch(result) else word


def stemmed(text: str, language: str) -> str:
    """A text as SQLite's index holds it: each word replaced by its stem, in place."""
    return " ".join(stem(w, language) for w in tokens(text))


# --- the query -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    words: tuple[str, ...]  # folded; several make a phrase
    prefix: bool = False


@dataclass(frozen=True)
class Clause:
    terms: tuple[Term, ...]  # any of them
    negated: bool = False


@dataclass(frozen=True)
class Query:
    text: str
    clauses: tuple[Clause, ...] = ()

    @property
    def positive(self) -> tuple[Clause, ...]:
        return tuple(c for c in self.clauses if not c.negated)

    @property
    def blank(self) -> bool:
        return not self.positive

    def words(self) -> list[str]:
        return [w for c in self.positive for t in c.terms for w in t.words]


_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')


def _term(raw: str, *, phrase: bool) -> Term | None:
    prefix = not phrase and raw.endswith("*")
    found = tokens(raw)
    if not phrase and len(found) == 1 and len(found[0]) < 2:
        return None
    if not prefix or len(found) != 1:
        prefix = False
        # stop words are dropped alone and at the ends of a phrase (the engines skip them)
        while found and found[0] in ANY_LANGUAGE:
            found.pop(0)
        while found and found[-1] in ANY_LANGUAGE:
            found.pop()
    return Term(tuple(found), prefix) if found else None


def parse(text: str | None) -> Query:
    """Any text gives a query (see the module's notes); length and terms are capped."""
    text = " ".join((text or "")[:MAX_QUERY_CHARS].split())
    clauses: list[Clause] = []
    join_next = False
    count = 0
    for match in _TOKEN.finditer(text):
        minus, quoted, bare = match.groups()
        if bare == "OR":
            join_next = bool(clauses) and not clauses[-1].negated
            continue
        negated = bool(minus) or (bare is not None and bare.startswith("-"))
        raw = quoted if quoted is not None else bare.lstrip("-")
        term = _term(raw, phrase=quoted is not None or len(tokens(raw)) > 1)
        if term is None or count >= MAX_TERMS:
            join_next = False
            continue
        count += 1
        if join_next and not negated:
            last = clauses[-1]
            if term not in last.terms:
                clauses[-1] = Clause((*last.terms, term))
        elif Clause((term,), negated) not in clauses:
            clauses.append(Clause((term,), negated))
        join_next = False
    return Query(text, tuple(clauses))


# --- highlighting (the same on both engines: by the stems the query looks for) ------------------


@lru_cache(maxsize=65_536)
def _word_stems(word: str) -> tuple[tuple[str, str], ...]:
    return tuple((lang, stem(folded, lang)) for folded in tokens(word) for lang in LANGUAGES)


def _wanted(query: Query) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    exact: set[tuple[str, str]] = set()
    prefixes: set[tuple[str, str]] = set()
    for clause in query.positive:
        for term in clause.terms:
            for word in term.words:
                for lang in LANGUAGES:
                    (prefixes if term.prefix else exact).add((lang, stem(word, lang)))
    return exact, prefixes


_WORD = re.compile(r"\w+")


def highlight(text: str, query: Query, *, limit: int | None = None) -> SafeString:
    """The text HTML-escaped, the words the query looks for in <mark>; cut to about `limit`
    characters around the first match (with "…") when it is longer."""
    exact, prefixes = _wanted(query)

    def marked(word: str) -> bool:
        stems = _word_stems(word)
        return not exact.isdisjoint(stems) or any(
            lang == pl and s.startswith(p) for lang, s in stems for pl, p in prefixes
        )

    spans = [m.span() for m in _WORD.finditer(text) if marked(m.group())] if query.clauses else []
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


# --- what an app declares and puts in ------------------------------------------------------------


@dataclass(frozen=True)
class Index:
    """An app's index. Its entry table holds, per document: the key, `date`, `title` (for the
    title order), a text column per field and language (`title_en`, `summary_fr`…), and a
    column per facet: `f_<name>` text for a facet with one value per document (`single`), a
    bigint of bits for one with several (`multi`: each value's bit, 0 to 62, from `codes`)."""

    table: str
    key: str
    source_table: str  # the documents' own table, for orders on its columns (alias `s`)
    single: tuple[str, ...]
    multi: tuple[str, ...]
    codes: Callable[[str], Mapping[str, int]]  # a multi facet's value: its bit
    orders: Mapping[str, Sequence[tuple[str, bool]]]  # name: (column as e.x or s.x, descending)
    ties: Sequence[tuple[str, bool]] = (("e.date", True), ("e.key", True))
    # an index on (key, date, facet columns): SQLite is told to join through it, so that it
    # never reads the long rows of the matches (its planner prefers the primary key's)
    covering: str = ""

    @property
    def postgres(self) -> bool:
        return connection.vendor == "postgresql"

    def n(self, suffix: str = "") -> str:
        return connection.ops.quote_name(f"{self.table}{suffix}")

    @property
    def facet_names(self) -> tuple[str, ...]:
        return (*self.single, *self.multi)

    def codebook(self) -> dict[str, Mapping[str, int]]:
        """Each multi-valued facet's values and their bits (read once per write or search)."""
        return {name: self.codes(name) for name in self.multi}


@dataclass(frozen=True)
class Document:
    pk: int
    date: datetime | None
    title: str
    texts: Mapping[str, Mapping[str, str]]  # language: field: text
    facets: Mapping[str, Sequence[str]]
    suggestions: str = ""  # words worth suggesting (titles, labels, summaries)

    def row(self, index: Index, codebook: Mapping[str, Mapping[str, int]]) -> tuple[Any, ...]:
        texts = [(self.texts.get(lang) or {}).get(f) or "" for lang in LANGUAGES for f in FIELDS]
        single = [str(next(iter(self.facets.get(name) or [""]))) for name in index.single]
        masks = _masks(index, self.facets, codebook)
        return (self.pk, self.date, self.title, *texts, *single, *masks)


def _masks(
    index: Index, facets: Mapping[str, Sequence[str]], codebook: Mapping[str, Mapping[str, int]]
) -> list[int]:
    masks = []
    for name in index.multi:
        codes = codebook[name]
        mask = 0
        for value in facets.get(name) or []:
            bit = codes.get(str(value))
            if bit is None or not 0 <= bit <= 62:
                raise ValueError(f"{name} {value!r} has no bit (0 to 62) in the index")
            mask |= 1 << bit
        masks.append(mask)
    return masks


TEXT_COLUMNS = [f"{f}_{lang}" for lang in LANGUAGES for f in FIELDS]


def _columns(index: Index) -> list[str]:
    facets = [f"f_{name}" for name in index.facet_names]
    return [index.key, "date", "title", *TEXT_COLUMNS, *facets]


def install(schema_editor: Any, index: Index) -> None:
    """The engine's part of an index, after its tables exist (a migration calls this)."""
    run = schema_editor.execute
    t = index.n()
    if schema_editor.connection.vendor != "postgresql":
        for lang in LANGUAGES:
            run(
                f"CREATE VIRTUAL TABLE IF NOT EXISTS {index.n(f'_fts_{lang}')} USING fts5("
                f"{', '.join(FIELDS)}, tokenize='unicode61 remove_diacritics 2')"
            )
        run(f"CREATE VIRTUAL TABLE IF NOT EXISTS {index.n('_words')} USING fts5(words)")
        run(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {index.n('_vocab')} "
            f"USING fts5vocab({index.n('_words')}, 'row')"
        )
        # an entry deleted by any path (a cascade, a test's flush) takes its FTS rows along;
        # SQLite drops a table's triggers when a migration rebuilds it: call this again then
        deletes = " ".join(
            f"DELETE FROM {index.n(suffix)} WHERE rowid = old.{_q(index.key)};"
            for suffix in [*(f"_fts_{lang}" for lang in LANGUAGES), "_words"]
        )
        run(
            f"CREATE TRIGGER IF NOT EXISTS {index.n('_ad')} AFTER DELETE ON {t} BEGIN {deletes} END"
        )
        return
    run("CREATE EXTENSION IF NOT EXISTS unaccent")
    run("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    single = [f"f_{name} text" for name in index.single]
    facets = ", ".join([*single, *(f"f_{name} bigint" for name in index.multi)])
    for lang, config in PG_CONFIGS.items():
        run(
            f"DO $$ BEGIN CREATE TEXT SEARCH CONFIGURATION {config} (COPY = {_SNOWBALL[lang]}); "
            "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
        )
        run(
            f"ALTER TEXT SEARCH CONFIGURATION {config} ALTER MAPPING FOR hword, hword_part, word "
            f"WITH unaccent, {_SNOWBALL[lang]}_stem"
        )
        run(f"ALTER TABLE {t} DROP COLUMN IF EXISTS vector_{lang}")  # the layout before 0010
        # a row holds its vector uncompressed (PostgreSQL compresses a row only past
        # toast_tuple_target; MAIN keeps a longer one compressed in the row, not out of it)
        v = index.n(f"_v_{lang}")
        run(
            f"CREATE TABLE IF NOT EXISTS {v} (key integer PRIMARY KEY, date timestamptz, "
            f"{facets}, v tsvector NOT NULL) WITH (toast_tuple_target = 8160)"
        )
        run(f"ALTER TABLE {v} ALTER COLUMN v SET STORAGE MAIN")
        run(f"CREATE INDEX IF NOT EXISTS {index.n(f'_v_{lang}_gin')} ON {v} USING gin (v)")
    # the vectors follow the entries by any path (put, a cascade, a test's flush and reload),
    # as generated columns would: written with an entry, gone with it
    targets = [index.n(f"_v_{lang}") for lang in LANGUAGES]
    deletes = " ".join(f"DELETE FROM {v} WHERE key = OLD.{_q(index.key)};" for v in targets)
    renewed = " ".join(
        f"DELETE FROM {v} WHERE key IN (SELECT {_q(index.key)} FROM changed);" for v in targets
    )
    for name, body, when in (
        ("_ai", " ".join(_vector_inserts(index, "inserted")), "INSERT"),
        ("_au", renewed + " " + " ".join(_vector_inserts(index, "changed")), "UPDATE"),
        ("_ad", deletes, "DELETE"),
        ("_at", f"TRUNCATE {', '.join(targets)};", "TRUNCATE"),
    ):
        level = {
            "INSERT": "REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT",
            "UPDATE": "REFERENCING NEW TABLE AS changed FOR EACH STATEMENT",
            "DELETE": "FOR EACH ROW",
            "TRUNCATE": "FOR EACH STATEMENT",
        }[when]
        run(
            f"CREATE OR REPLACE FUNCTION {index.n(name)}() RETURNS trigger LANGUAGE plpgsql "
            f"AS $$ BEGIN {body} RETURN NULL; END $$"
        )
        run(f"DROP TRIGGER IF EXISTS {index.n(name)} ON {t}")
        run(
            f"CREATE TRIGGER {index.n(name)} AFTER {when} ON {t} {level} "
            f"EXECUTE FUNCTION {index.n(name)}()"
        )
    run(f"CREATE TABLE IF NOT EXISTS {index.n('_words')} (word text PRIMARY KEY)")
    run(
        f"CREATE INDEX IF NOT EXISTS {index.n('_words_trgm')} "
        f"ON {index.n('_words')} USING gin (word gin_trgm_ops)"
    )


def uninstall(schema_editor: Any, index: Index) -> None:
    run = schema_editor.execute
    if schema_editor.connection.vendor != "postgresql":
        run(f"DROP TRIGGER IF EXISTS {index.n('_ad')}")
        run(f"DROP TABLE IF EXISTS {index.n('_vocab')}")
        for suffix in [*(f"_fts_{lang}" for lang in LANGUAGES), "_words"]:
            run(f"DROP TABLE IF EXISTS {index.n(suffix)}")
        return
    run(f"DROP TABLE IF EXISTS {index.n('_words')}")
    for name in ("_ai", "_au", "_ad", "_at"):
        run(f"DROP FUNCTION IF EXISTS {index.n(name)}() CASCADE")
    for lang in LANGUAGES:
        run(f"DROP TABLE IF EXISTS {index.n(f'_v_{lang}')}")


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _chunks(items: Sequence[Any], size: int = 500) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def remove(index: Index, pks: Iterable[int]) -> int:
    """Take these documents out (on SQLite the trigger takes their FTS rows along)."""
    removed = 0
    with connection.cursor() as cursor:
        for chunk in _chunks(sorted(set(pks))):
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"DELETE FROM {index.n()} WHERE {_q(index.key)} IN ({marks})", chunk)
            removed += max(cursor.rowcount, 0)
    return removed


def put(index: Index, documents: Sequence[Document]) -> None:
    """Write these documents (any older entry of theirs replaced)."""
    if not documents:
        return
    remove(index, [d.pk for d in documents])
    columns = _columns(index)
    marks = ", ".join(["%s"] * len(columns))
    codebook = index.codebook()
    rows = [d.row(index, codebook) for d in documents]
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {index.n()} ({', '.join(_q(c) for c in columns)}) VALUES ({marks})",
            [(r[0], _date(r[1]), *r[2:]) for r in rows],
        )
        if index.postgres:  # the entry table's trigger has written the vectors
            vocabulary = sorted({w for d in documents for w in _suggestible(d.suggestions)})
            cursor.executemany(
                f"INSERT INTO {index.n('_words')} (word) VALUES (%s) ON CONFLICT DO NOTHING",
                [(w,) for w in vocabulary],
            )
            return
        for number, lang in enumerate(LANGUAGES):
            first = 3 + number * len(FIELDS)
            cursor.executemany(
                f"INSERT INTO {index.n(f'_fts_{lang}')} (rowid, {', '.join(FIELDS)}) "
                f"VALUES (%s, {', '.join(['%s'] * len(FIELDS))})",
                [
                    (r[0], *(stemmed(text, lang) for text in r[first : first + len(FIELDS)]))
                    for r in rows
                    if any(r[first : first + len(FIELDS)])
                ],
            )
        cursor.executemany(
            f"INSERT INTO {index.n('_words')} (rowid, words) VALUES (%s, %s)",
            [(d.pk, " ".join(sorted(_suggestible(d.suggestions)))) for d in documents],
        )


def _vector_inserts(index: Index, source: str) -> list[str]:
    """PostgreSQL: statements computing the vectors of the entries in `source` (a table or a
    trigger's transition table) into the tables of the languages in which they have text."""
    facets = ", ".join(f"f_{name}" for name in index.facet_names)
    statements = []
    for lang, config in PG_CONFIGS.items():
        vector = " || ".join(
            f"setweight(to_tsvector('{config}'::regconfig, coalesce(e.{f}_{lang}, '')), "
            f"'{_PG_WEIGHTS[f]}')"
            for f in FIELDS
        )
        has_text = " OR ".join(f"e.{f}_{lang} <> ''" for f in FIELDS)
        statements.append(
            f"INSERT INTO {index.n(f'_v_{lang}')} (key, date, {facets}, v) "
            f"SELECT e.{_q(index.key)}, e.date, {facets}, {vector} FROM {source} e "
            f"WHERE {has_text};"
        )
    return statements


def fill_vectors(index: Index) -> None:
    """PostgreSQL: compute every entry's vectors (a migration moving to this layout; after it,
    the entry table's triggers keep them)."""
    with connection.cursor() as cursor:
        for statement in _vector_inserts(index, index.n()):
            cursor.execute(statement)


def _suggestible(text: str) -> set[str]:
    return {w for w in tokens(text) if len(w) >= 3 and not w.isdigit() and w not in ANY_LANGUAGE}


def clear(index: Index) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {index.n()}")
        if index.postgres:
            cursor.execute(f"DELETE FROM {index.n('_words')}")


def _date(value: Any) -> Any:
    return None if value is None else connection.ops.adapt_datetimefield_value(value)


def comparable(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """An entry row with its date as text, so that written and stored rows compare."""
    return (row[0], None if row[1] is None else str(_date(row[1])), *row[2:])


def stored(index: Index) -> dict[int, tuple[Any, ...]]:
    """What the index holds: each document's entry row."""
    columns = ", ".join(_q(c) for c in _columns(index))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {index.n()}")
        return {row[0]: comparable(tuple(row)) for row in cursor.fetchall()}


# --- searching -----------------------------------------------------------------------------------


def _pg_term(term: Term, config: str) -> tuple[str, list[Any]]:
    cfg = f"'{config}'::regconfig"
    if term.prefix:
        return f"to_tsquery({cfg}, %s)", [f"{term.words[0]}:*"]
    if len(term.words) > 1:
        return f"phraseto_tsquery({cfg}, %s)", [" ".join(term.words)]
    return f"plainto_tsquery({cfg}, %s)", [term.words[0]]


def _pg_query(query: Query, lang: str) -> tuple[str, list[Any]]:
    config = PG_CONFIGS[lang]
    params: list[Any] = []

    def clause(c: Clause) -> str:
        parts = []
        for term in c.terms:
            sql, p = _pg_term(term, config)
            parts.append(sql)
            params.extend(p)
        return "(" + " || ".join(parts) + ")"

    sql = " && ".join(clause(c) for c in query.positive)
    negated = [c for c in query.clauses if c.negated]
    if negated:
        sql = f"({sql}) && !!(" + " || ".join(clause(c)[1:-1] for c in negated) + ")"
    return f"({sql})", params  # whole: `@@` binds tighter than `&&`


def _fts_term(term: Term, lang: str) -> str:
    stems = " ".join(stem(w, lang) for w in term.words)
    return f'"{stems}"' + (" *" if term.prefix else "")


def _fts_query(query: Query, lang: str) -> str:
    """FTS5 query syntax built only from stems ([0-9a-z]) and this module's operators."""

    def clause(c: Clause) -> str:
        return "(" + " OR ".join(_fts_term(t, lang) for t in c.terms) + ")"

    expr = " AND ".join(clause(c) for c in query.positive)
    negated = [clause(c) for c in query.clauses if c.negated]
    if negated:
        expr = f"({expr}) NOT ({' OR '.join(negated)})"
    return expr


def _matching(index: Index, query: Query, *, ranked: bool) -> tuple[str, list[Any]]:
    """A statement giving each matching document's key (`id`), score (higher is better;
    0 when not `ranked`) and the languages in which it matched (`langs`, comma-separated);
    on PostgreSQL also its date and facet values (from the language tables: no other read)."""
    if index.postgres:
        return _pg_matching(index, query, ranked=ranked)
    parts: list[str] = []
    params: list[Any] = []
    for lang in LANGUAGES:
        # one language at a time: each reads only its own index
        fts = index.n(f"_fts_{lang}")
        weights = ", ".join(str(BM25_WEIGHTS[f]) for f in FIELDS)
        score = f"-bm25({fts}, {weights})" if ranked else "0"
        parts.append(
            f"SELECT rowid AS id, {score} AS score, '{lang}' AS lang "
            f"FROM {fts} WHERE {fts} MATCH %s"
        )
        params.append(_fts_query(query, lang))
    return (
        "SELECT id, MAX(score) AS score, group_concat(lang) AS langs FROM ("
        + " UNION ALL ".join(parts)
        + ") x GROUP BY id",
        params,
    )


def _pg_matching(index: Index, query: Query, *, ranked: bool) -> tuple[str, list[Any]]:
    """Each language's table matched and ranked on its own (reading only the vectors of the
    documents that match in that language), the three joined on the key: a document found
    in several languages is one row, with its best score."""
    carried = ["date", *(f"f_{name}" for name in index.facet_names)]
    parts: list[str] = []
    params: list[Any] = []
    for lang in LANGUAGES:
        sql, p = _pg_query(query, lang)
        # ts_rank, not ts_rank_cd: the cover density costs three times as much per match
        # (docs/performance.md); the weights and the length normalisation are the same
        score = f"ts_rank(v, {sql}, 1)" if ranked else "0"
        parts.append(
            f"(SELECT key, {score} AS score, {', '.join(carried)} "
            f"FROM {index.n(f'_v_{lang}')} WHERE v @@ {sql})"
        )
        params += [*(p if ranked else []), *p]
    aliases = [f"a{i}" for i in range(len(LANGUAGES))]

    def either(column: str) -> str:
        return f"COALESCE({', '.join(f'{a}.{column}' for a in aliases)})"

    joined = f"{parts[0]} a0"
    for i in range(1, len(parts)):
        before = ", ".join(f"{a}.key" for a in aliases[:i])
        joined += f" FULL JOIN {parts[i]} a{i} ON a{i}.key = COALESCE({before})"
    langs = ", ".join(
        f"CASE WHEN {a}.key IS NOT NULL THEN '{lang}' END"
        for a, lang in zip(aliases, LANGUAGES, strict=True)
    )
    columns = ", ".join(f"{either(c)} AS {c}" for c in carried)
    return (
        f"SELECT {either('key')} AS id, GREATEST({', '.join(f'{a}.score' for a in aliases)}) "
        f"AS score, concat_ws(',', {langs}) AS langs, {columns} FROM {joined}",
        params,
    )


def _filter(
    index: Index,
    filters: Mapping[str, Sequence[str]],
    codebook: Mapping[str, Mapping[str, int]],
    skip: str | None = None,
) -> tuple[list[str], list[Any]]:
    where: list[str] = []
    params: list[Any] = []
    for name, values in sorted(filters.items()):
        if name == skip:
            continue
        if name in index.multi:
            codes = codebook[name]
            mask = 0
            for value in values:
                bit = codes.get(value)
                mask |= (1 << bit) if bit is not None and 0 <= bit <= 62 else 0
            where.append(f"(r.f_{name} & %s) <> 0")
            params.append(mask)
        else:
            where.append(f"r.f_{name} IN ({', '.join(['%s'] * len(values))})")
            params += list(values)
    return where, params


@dataclass
class Found:
    pks: list[int]
    scores: list[float | None]
    total: int
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    languages: dict[int, tuple[str, ...]] = field(default_factory=dict)


def search(
    index: Index,
    query: Query,
    *,
    filters: Mapping[str, Sequence[str]],
    order: str,
    offset: int,
    limit: int,
) -> Found:
    """One statement: the engine finds the matching documents once; the page, the total and
    each facet's counts (each facet without its own filter, so a chosen value still shows its
    alternatives) are read from that set."""
    filters = {k: v for k, v in filters.items() if k in index.facet_names and v}
    relevance = order == RELEVANCE and not query.blank
    keys = (
        list(index.ties) if order == RELEVANCE else [*(index.orders.get(order) or ()), *index.ties]
    )
    keys = [(c.replace("e.key", f"e.{_q(index.key)}"), d) for c, d in keys]
    carried = {"e.date": "m.date", f"e.{_q(index.key)}": "m.id"}  # what a PG match carries
    extra = ", ".join(f"{c} AS o{i}" for i, (c, _d) in enumerate(keys))
    facet_columns = ", ".join(f"e.f_{name}" for name in index.facet_names)
    source = (
        f" JOIN {_q(index.source_table)} s ON s.id = e.{_q(index.key)}"
        if any(c.startswith("s.") for c, _d in keys)
        else ""
    )
    params: list[Any] = []
    if query.blank:
        # every document: PostgreSQL reads the table once into the set; SQLite's planner does
        # better reading its covering index for each count
        kept = "MATERIALIZED" if index.postgres else "NOT MATERIALIZED"
        head = (
            f"WITH r AS {kept} (SELECT e.{_q(index.key)} AS id, 0 AS score, '' AS langs, "
            f"{extra}, {facet_columns} FROM {index.n()} e{source}) "
        )
    elif index.postgres and not source and all(c in carried for c, _d in keys):
        # the matches carry their date and facets: nothing else to read
        matching, params = _matching(index, query, ranked=relevance)
        own = ", ".join(f"{carried[c]} AS o{i}" for i, (c, _d) in enumerate(keys))
        facets = ", ".join(f"m.f_{name}" for name in index.facet_names)
        head = (
            f"WITH r AS MATERIALIZED (SELECT m.id, m.score, m.langs, {own}, {facets} "
            f"FROM ({matching}) m) "
        )
    else:
        matching, params = _matching(index, query, ranked=relevance)
        through = (
            f" INDEXED BY {_q(index.covering)}" if index.covering and not index.postgres else ""
        )
        head = (
            f"WITH m AS MATERIALIZED ({matching}), r AS MATERIALIZED (SELECT m.id, m.score, "
            f"m.langs, {extra}, {facet_columns} FROM m JOIN {index.n()} e{through} "
            f"ON e.{_q(index.key)} = m.id{source}) "
        )
    ordering = ", ".join(
        [
            *(["score DESC"] if relevance else []),
            *(f"o{i} {'DESC' if d else 'ASC'}" for i, (_c, d) in enumerate(keys)),
        ]
    )
    codebook = index.codebook()
    where, where_params = _filter(index, filters, codebook)
    narrowed = (" WHERE " + " AND ".join(where)) if where else ""
    parts = [
        "SELECT * FROM (SELECT 'hit' AS k, CAST(r.id AS TEXT) AS v, 0 AS n, "
        f"CAST(r.score AS DOUBLE PRECISION) AS x, r.langs AS l FROM r{narrowed} "
        f"ORDER BY {ordering} LIMIT %s OFFSET %s) page",
        f"SELECT 'total', '', COUNT(*), 0, '' FROM r{narrowed}",
    ]
    params += [*where_params, limit, offset, *where_params]
    counts, count_params = _facet_counts(index, filters, codebook)
    parts += counts
    params += count_params
    found = Found(pks=[], scores=[], total=0)
    with connection.cursor() as cursor:
        cursor.execute(head + " UNION ALL ".join(parts), params)
        rows = cursor.fetchall()
    bits = {name: {bit: v for v, bit in codes.items()} for name, codes in codebook.items()}
    for kind, value, count, score, langs in rows:
        if kind == "hit":
            pk = int(value)
            found.pks.append(pk)
            found.scores.append(round(float(score), 6) if relevance else None)
            held = set((langs or "").split(","))
            found.languages[pk] = tuple(lang for lang in LANGUAGES if lang in held)
        elif kind == "total":
            found.total = count
        elif value is not None and value != "":
            counted = found.facets.setdefault(kind, {})
            if kind in index.multi:
                labels = bits[kind]
                for bit in _bits(int(value)):
                    label = labels.get(bit)
                    if label is not None:
                        counted[label] = counted.get(label, 0) + count
            else:
                counted[value] = count
    return found


@lru_cache(maxsize=65_536)
def _bits(mask: int) -> tuple[int, ...]:
    """The bits set in a facet's mask (the same few thousand masks come back each search)."""
    return tuple(bit for bit in range(mask.bit_length()) if mask >> bit & 1)


def _facet_counts(
    index: Index,
    filters: Mapping[str, Sequence[str]],
    codebook: Mapping[str, Mapping[str, int]],
) -> tuple[list[str], list[Any]]:
    """Each facet's values counted over the set `r`, each facet without its own filter."""
    params: list[Any] = []
    if not index.postgres:  # SQLite has no grouping sets: one pass per facet
        parts = []
        for name in index.facet_names:
            where, where_params = _filter(index, filters, codebook, skip=name)
            parts.append(
                f"SELECT '{name}', CAST(r.f_{name} AS TEXT), COUNT(*), 0, '' FROM r"
                + (" WHERE " + " AND ".join(where) if where else "")
                + f" GROUP BY r.f_{name}"
            )
            params += where_params
        return parts, params
    # one pass: each facet grouped with a flag saying whether the row passes the other
    # facets' filters; the groups whose flag is false are left out
    flags = []
    for name in index.facet_names:
        where, where_params = _filter(index, filters, codebook, skip=name)
        flags.append(f"{' AND '.join(where) or 'TRUE'} AS ok_{name}")
        params += where_params
    names = index.facet_names
    sets = ", ".join(f"(f_{name}, ok_{name})" for name in names)
    kind = " ".join(f"WHEN GROUPING(f_{name}) = 0 THEN '{name}'" for name in names)
    value = ", ".join(f"CAST(f_{name} AS TEXT)" for name in names)
    ok = " ".join(f"WHEN GROUPING(f_{name}) = 0 THEN ok_{name}" for name in names)
    columns = ", ".join(f"r.f_{name}" for name in names)
    return [
        "SELECT k, v, n, 0, '' FROM (SELECT CASE "
        f"{kind} END AS k, COALESCE({value}) AS v, COUNT(*) AS n, CASE {ok} END AS ok "
        f"FROM (SELECT {columns}, {', '.join(flags)} FROM r) g GROUP BY GROUPING SETS ({sets})"
        ") c WHERE ok"
    ], params


def count(index: Index, query: Query, filters: Mapping[str, Sequence[str]]) -> int:
    """How many documents match, without a page or facets (to try a spelling)."""
    if query.blank:
        return 0
    filters = {k: v for k, v in filters.items() if k in index.facet_names and v}
    matching, params = _matching(index, query, ranked=False)
    where, where_params = _filter(index, filters, index.codebook())
    with connection.cursor() as cursor:
        joined = (
            f"({matching}) r"  # its matches carry the facets
            if index.postgres
            else f"({matching}) m JOIN {index.n()} r ON r.{_q(index.key)} = m.id"
        )
        cursor.execute(
            f"SELECT COUNT(*) FROM {joined}" + (" WHERE " + " AND ".join(where) if where else ""),
            [*params, *where_params],
        )
        return int(cursor.fetchone()[0])


def close_words(index: Index, word: str, limit: int = 5) -> list[str]:
    """Words of the index spelt close to `word` (not the word itself), closest first."""
    folded = "".join(tokens(word))
    if len(folded) < 3:
        return []
    with connection.cursor() as cursor:
        if index.postgres:
            cursor.execute(
                f"SELECT word FROM {index.n('_words')} WHERE word %% %s AND word <> %s "
                "ORDER BY similarity(word, %s) DESC, word LIMIT %s",
                [folded, folded, folded, limit],
            )
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(f"SELECT term FROM {index.n('_vocab')}")
        vocabulary = [row[0] for row in cursor.fetchall() if row[0] != folded]
    return difflib.get_close_matches(folded, vocabulary, n=limit, cutoff=0.75)
