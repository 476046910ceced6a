# ruff: noqa: S608 - SQL text is built only from model table names and module constants;
# every value travels as a query parameter.
"""Set-based writing of observations, shared by the open-data load, file imports, forms and API.

Rows go into a temporary staging table (psycopg COPY on PostgreSQL, executemany on SQLite),
then SQL statements do the work inside the caller's transaction:
0. an unpublished row for a key that already has a published value never replaces it: it
   becomes a proposed change (`ProposedValue`, inserted or updating the one waiting) and leaves
   the staging table, so the public value and every benchmark stay as they are until review;
1. copy the current state of every observation about to change into the revision table,
2. update the changed observations in place,
3. insert the new ones.
Step 0 runs only when a staged row is unpublished, so the open-data load never pays for it.
An observation whose value, scale, source, status, note and flags are all equal is not
touched, so importing the same rows twice writes nothing the second time. Duplicate keys within
one write are refused before anything changes.

A staged note or flags of NULL means "keep": the file had no such column, so an observation
keeps its note and flags (a new one gets none; "check_value" is judged again, see JUDGED), and
a waiting proposal keeps its own. Every
statement reads them through `_new()`, which also adds a staged `add_flag` (an outlier's
"check_value") to the flags the row ends with, so nothing is compared, written or proposed
from any other reading.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any, NamedTuple

from django.db import connection, transaction
from django.utils import timezone

from metroscope.observatory import figures
from metroscope.observatory.models import (
    Decision,
    Flag,
    ImportBatch,
    Observation,
    ObservationRevision,
    ProposedValue,
    Status,
)


class StagedRow(NamedTuple):
    """One value ready to write: ids already resolved, value already checked."""

    row: int
    metro_id: int
    indicator_id: int
    year: int
    sex: str
    value: float
    scale: str
    source_id: int
    status: str
    note: str | None  # None: keep the note held
    flags: str | None = ""  # comma-separated Flag codes, e.g. "projection,low_coverage"; None: keep
    add_flag: str | None = None  # one Flag code added to the flags the row ends with


@dataclass(frozen=True)
class DuplicateKey:
    metro_id: int
    indicator_id: int
    year: int
    sex: str
    rows: tuple[int, ...]


class DuplicateKeys(Exception):
    def __init__(self, duplicates: list[DuplicateKey]) -> None:
        self.duplicates = duplicates
        super().__init__(f"{len(duplicates)} key(s) appear more than once")


@dataclass(frozen=True)
class WriteCounts:
    rows: int
    created: int
    updated: int
    proposed: int = 0  # changes proposed to published values, waiting for review

    @property
    def unchanged(self) -> int:
        return self.rows - self.created - self.updated - self.proposed


STAGE = "observatory_stage"
_COLUMNS = ("row_no", *StagedRow._fields[1:])
_KEY = ("metro_id", "indicator_id", "year", "sex")
_COMPARED = ("value", "scale", "source_id", "status", "note", "flags")
_PROPOSED = ("value", "scale", "source_id", "note", "flags")
CHUNK = 20_000
# The flag an import judges afresh on every value it writes (far past the published values or
# not): flags kept from what is held drop it, and the checker stages it again as `add_flag`
# for a value still far out, so a corrected value does not stay marked.
JUDGED = Flag.CHECK_VALUE.value


def _without_judged(held: str) -> str:
    """SQL for the stored flags of `held` without JUDGED (a list such as "a,check_value,b")."""
    flags = f"{held}.flags"
    cut = f"REPLACE(',' || {flags} || ',', ',{JUDGED},', ',')"
    return (
        f"CASE WHEN REPLACE({flags}, '{JUDGED}', '') = {flags} THEN {flags} "
        f"WHEN {cut} = ',' THEN '' ELSE SUBSTR({cut}, 2, LENGTH({cut}) - 2) END"
    )


def _new(column: str, held: str | None) -> str:
    """SQL for what `column` becomes from the staged row `s` over the stored row aliased `held`
    (an observation or a proposal; None for a new observation): a staged NULL note or flags
    keeps the stored one (flags without JUDGED, which the import judges again), and
    `s.add_flag` joins the flags unless they hold it already."""
    if column not in ("note", "flags"):
        return f"s.{column}"
    if held is None:
        kept = f"COALESCE(s.{column}, '')"
    elif column == "note":
        kept = f"COALESCE(s.note, {held}.note)"
    else:
        kept = f"COALESCE(s.flags, {_without_judged(held)})"
    if column == "note":
        return kept
    listed = f"',' || {kept} || ','"
    return (
        f"CASE WHEN s.add_flag IS NULL THEN {kept} WHEN {kept} = '' THEN s.add_flag "
        f"WHEN REPLACE({listed}, ',' || s.add_flag || ',', ',') <> {listed} THEN {kept} "
        f"ELSE {kept} || ',' || s.add_flag END"
    )


def _differs(columns: tuple[str, ...], held: str) -> str:
    return " OR ".join(f"{held}.{c} <> {_new(c, held)}" for c in columns)


def _stage_ddl() -> str:
    if connection.vendor == "postgresql":
        return (
            f"CREATE TEMPORARY TABLE {STAGE} (row_no integer, metro_id bigint, "
            "indicator_id bigint, year smallint, sex varchar(6), value double precision, "
            "scale varchar(20), source_id bigint, status varchar(20), note varchar(500), "
            "flags varchar(100), add_flag varchar(30)) "
            "ON COMMIT DROP"
        )
    return (
        f"CREATE TEMPORARY TABLE {STAGE} (row_no INTEGER, metro_id INTEGER, indicator_id INTEGER, "
        "year INTEGER, sex TEXT, value REAL, scale TEXT, source_id INTEGER, status TEXT, "
        "note TEXT, flags TEXT, add_flag TEXT)"
    )


def _chunks(rows: Iterable[StagedRow], size: int) -> Iterator[list[StagedRow]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _fill_stage(rows: Iterable[StagedRow]) -> tuple[int, bool]:
    """Stage the rows; return how many, and whether any is unpublished (step 0's work)."""
    count, unpublished = 0, False
    raw = connection.connection  # the DB-API connection, past Django's per-query wrappers
    if connection.vendor == "postgresql":
        # One COPY per chunk: the rows come from a generator that may itself query the
        # database (a new source), which it cannot do while a COPY holds the connection.
        sql = f"COPY {STAGE} ({', '.join(_COLUMNS)}) FROM STDIN"
        with raw.cursor() as cur:
            for chunk in _chunks(rows, CHUNK):
                with cur.copy(sql) as cp:
                    for row in chunk:
                        cp.write_row(row)
                count += len(chunk)
                unpublished = unpublished or _any_unpublished(chunk)
        return count, unpublished
    sql = f"INSERT INTO {STAGE} VALUES ({', '.join('?' * len(_COLUMNS))})"
    cur = raw.cursor()
    try:
        for chunk in _chunks(rows, CHUNK):
            cur.executemany(sql, chunk)
            count += len(chunk)
            unpublished = unpublished or _any_unpublished(chunk)
    finally:
        cur.close()
    return count, unpublished


def _any_unpublished(chunk: list[StagedRow]) -> bool:
    return any(row.status != Status.PUBLISHED for row in chunk)


def _find_duplicates(cur: Any, limit: int) -> list[DuplicateKey]:
    keys = ", ".join(_KEY)
    cur.execute(
        f"SELECT {keys}, COUNT(*) FROM {STAGE} GROUP BY {keys} HAVING COUNT(*) > 1 "
        f"ORDER BY MIN(row_no) LIMIT {int(limit)}"
    )
    found = cur.fetchall()
    duplicates = []
    for metro_id, indicator_id, year, sex, _count in found:
        cur.execute(
            f"SELECT row_no FROM {STAGE} WHERE metro_id = %s AND indicator_id = %s AND year = %s "
            "AND sex = %s ORDER BY row_no",
            [metro_id, indicator_id, year, sex],
        )
        rows = tuple(r[0] for r in cur.fetchall())
        duplicates.append(DuplicateKey(metro_id, indicator_id, year, sex, rows))
    return duplicates


def _propose(cur: Any, *, batch_id: int, user_id: int | None, now: Any) -> int:
    """Step 0: turn staged unpublished rows over published values into proposed changes, and
    take them out of the staging table. Returns how many proposals were written."""
    obs = Observation._meta.db_table
    prop = ProposedValue._meta.db_table
    published, pending = Status.PUBLISHED.value, Decision.PENDING.value
    join = " AND ".join(f"o.{k} = s.{k}" for k in _KEY)
    over_published = f"o.status = '{published}' AND s.status <> '{published}'"
    differs = _differs(_PROPOSED, "o")
    # A waiting proposal is updated from its own note and flags where the file has none.
    cur.execute(
        f"UPDATE {prop} AS p SET "
        + ", ".join(f"{c} = {_new(c, 'p')}" for c in _PROPOSED)
        + ", batch_id = %s, proposed_at = %s, proposed_by_id = %s "
        f"FROM {obs} o JOIN {STAGE} s ON {join} WHERE p.observation_id = o.id "
        f"AND p.decision = '{pending}' AND {over_published} AND ({differs}) "
        f"AND ({_differs(_PROPOSED, 'p')})",
        [batch_id, now, user_id],
    )
    proposed = cur.rowcount
    cur.execute(
        f"INSERT INTO {prop} (observation_id, value, scale, source_id, note, flags, batch_id, "
        "proposed_at, proposed_by_id, decision) "
        f"SELECT o.id, {', '.join(_new(c, 'o') for c in _PROPOSED)}, %s, %s, %s, %s "
        f"FROM {obs} o JOIN {STAGE} s ON {join} WHERE {over_published} AND ({differs}) "
        f"AND NOT EXISTS (SELECT 1 FROM {prop} p WHERE p.observation_id = o.id "
        f"AND p.decision = '{pending}')",
        [batch_id, now, user_id, pending],
    )
    proposed += cur.rowcount
    staged = " AND ".join(f"o.{k} = {STAGE}.{k}" for k in _KEY)
    cur.execute(
        f"DELETE FROM {STAGE} WHERE status <> %s AND EXISTS "
        f"(SELECT 1 FROM {obs} o WHERE {staged} AND o.status = %s)",
        [published, published],
    )
    return proposed


def write_observations(
    rows: Iterable[StagedRow],
    *,
    batch: ImportBatch,
    user_id: int | None = None,
    duplicate_limit: int = 100,
) -> WriteCounts:
    """Write rows in one transaction; raise DuplicateKeys (writing nothing) on a repeated key.
    Unpublished rows over published values become proposed changes (see step 0 above)."""
    obs = Observation._meta.db_table
    rev = ObservationRevision._meta.db_table
    join = " AND ".join(f"o.{k} = s.{k}" for k in _KEY)
    changed = _differs(_COMPARED, "o")
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with transaction.atomic(), connection.cursor() as cur:
        # Once it commits, the shared peer figures of the new data version are built off the
        # request (without a shared cache, nothing to do: each process computes its own).
        transaction.on_commit(figures.after_write)
        cur.execute(f"DROP TABLE IF EXISTS {STAGE}")
        cur.execute(_stage_ddl())
        total, unpublished = _fill_stage(rows)
        if connection.vendor == "postgresql":
            cur.execute(f"ANALYZE {STAGE}")
        duplicates = _find_duplicates(cur, duplicate_limit)
        if duplicates:
            raise DuplicateKeys(duplicates)
        proposed = 0
        if unpublished:
            proposed = _propose(cur, batch_id=batch.pk, user_id=user_id, now=now)
        cur.execute(
            f"INSERT INTO {rev} (observation_id, value, scale, source_id, status, note, flags, "
            "batch_id, written_at, written_by_id, replaced_at, replaced_by_id, "
            "replaced_by_batch_id) "
            "SELECT o.id, o.value, o.scale, o.source_id, o.status, o.note, o.flags, o.batch_id, "
            f"o.updated_at, o.updated_by_id, %s, %s, %s FROM {obs} o JOIN {STAGE} s ON {join} "
            f"WHERE {changed}",
            [now, user_id, batch.pk],
        )
        cur.execute(
            f"UPDATE {obs} AS o SET "
            + ", ".join(f"{c} = {_new(c, 'o')}" for c in _COMPARED)
            + ", batch_id = %s, updated_at = %s, "
            f"updated_by_id = %s FROM {STAGE} s WHERE {join} AND ({changed})",
            [batch.pk, now, user_id],
        )
        updated = cur.rowcount
        cur.execute(
            f"INSERT INTO {obs} (metro_id, indicator_id, year, sex, value, scale, source_id, "
            "status, note, flags, batch_id, updated_at, updated_by_id) "
            "SELECT s.metro_id, s.indicator_id, s.year, s.sex, s.value, s.scale, s.source_id, "
            f"s.status, {_new('note', None)}, {_new('flags', None)}, %s, %s, %s "
            f"FROM {STAGE} s WHERE NOT EXISTS "
            f"(SELECT 1 FROM {obs} o WHERE {join})",
            [batch.pk, now, user_id],
        )
        created = cur.rowcount
        cur.execute(f"DROP TABLE {STAGE}")
    return WriteCounts(rows=total, created=created, updated=updated, proposed=proposed)
