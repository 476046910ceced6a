# ruff: noqa: S608 - SQL text is built only from model table names and module constants;
# every value travels as a query parameter.
"""Set-based writing of observations, shared by the open-data load, file imports, forms and API.

Rows go into a temporary staging table (psycopg COPY on PostgreSQL, executemany on SQLite),
then three SQL statements do the work inside the caller's transaction:
1. copy the current state of every observation about to change into the revision table,
2. update the changed observations in place,
3. insert the new ones.
An observation whose value, scale, source, status and note are all equal is not touched, so
importing the same rows twice writes nothing the second time. Duplicate keys within one write
are refused before anything changes.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any, NamedTuple

from django.db import connection, transaction
from django.utils import timezone

from metroscope.observatory.models import ImportBatch, Observation, ObservationRevision


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
    note: str
    flags: str = ""  # comma-separated Flag codes, e.g. "projection,low_coverage"


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

    @property
    def unchanged(self) -> int:
        return self.rows - self.created - self.updated


STAGE = "observatory_stage"
_COLUMNS = ("row_no", *StagedRow._fields[1:])
_KEY = ("metro_id", "indicator_id", "year", "sex")
_COMPARED = ("value", "scale", "source_id", "status", "note", "flags")
CHUNK = 20_000


def _stage_ddl() -> str:
    if connection.vendor == "postgresql":
        return (
            f"CREATE TEMPORARY TABLE {STAGE} (row_no integer, metro_id bigint, "
            "indicator_id bigint, year smallint, sex varchar(6), value double precision, "
            "scale varchar(20), source_id bigint, status varchar(20), note varchar(500), "
            "flags varchar(100)) "
            "ON COMMIT DROP"
        )
    return (
        f"CREATE TEMPORARY TABLE {STAGE} (row_no INTEGER, metro_id INTEGER, indicator_id INTEGER, "
        "year INTEGER, sex TEXT, value REAL, scale TEXT, source_id INTEGER, status TEXT, "
        "note TEXT, flags TEXT)"
    )


def _chunks(rows: Iterable[StagedRow], size: int) -> Iterator[list[StagedRow]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _fill_stage(rows: Iterable[StagedRow]) -> int:
    count = 0
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
        return count
    sql = f"INSERT INTO {STAGE} VALUES ({', '.join('?' * len(_COLUMNS))})"
    cur = raw.cursor()
    try:
        for chunk in _chunks(rows, CHUNK):
            cur.executemany(sql, chunk)
            count += len(chunk)
    finally:
        cur.close()
    return count


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


def write_observations(
    rows: Iterable[StagedRow],
    *,
    batch: ImportBatch,
    user_id: int | None = None,
    duplicate_limit: int = 100,
) -> WriteCounts:
    """Write rows in one transaction; raise DuplicateKeys (writing nothing) on a repeated key."""
    obs = Observation._meta.db_table
    rev = ObservationRevision._meta.db_table
    join = " AND ".join(f"o.{k} = s.{k}" for k in _KEY)
    changed = " OR ".join(f"o.{c} <> s.{c}" for c in _COMPARED)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(f"DROP TABLE IF EXISTS {STAGE}")
        cur.execute(_stage_ddl())
        total = _fill_stage(rows)
        if connection.vendor == "postgresql":
            cur.execute(f"ANALYZE {STAGE}")
        duplicates = _find_duplicates(cur, duplicate_limit)
        if duplicates:
            raise DuplicateKeys(duplicates)
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
            f"UPDATE {obs} AS o SET value = s.value, scale = s.scale, source_id = s.source_id, "
            "status = s.status, note = s.note, flags = s.flags, batch_id = %s, updated_at = %s, "
            f"updated_by_id = %s FROM {STAGE} s WHERE {join} AND ({changed})",
            [batch.pk, now, user_id],
        )
        updated = cur.rowcount
        cur.execute(
            f"INSERT INTO {obs} (metro_id, indicator_id, year, sex, value, scale, source_id, "
            "status, note, flags, batch_id, updated_at, updated_by_id) "
            "SELECT s.metro_id, s.indicator_id, s.year, s.sex, s.value, s.scale, s.source_id, "
            f"s.status, s.note, s.flags, %s, %s, %s FROM {STAGE} s WHERE NOT EXISTS "
            f"(SELECT 1 FROM {obs} o WHERE {join})",
            [batch.pk, now, user_id],
        )
        created = cur.rowcount
        cur.execute(f"DROP TABLE {STAGE}")
    return WriteCounts(rows=total, created=created, updated=updated)
