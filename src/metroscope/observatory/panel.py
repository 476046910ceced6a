"""Published values as columnar arrays, cached, for peer comparisons.

Benchmarks, profiles and "metros like mine" compare one metro with thousands; reading those
values row by row for every request would be slow at 13,000 metros × 40 indicators. The
values of one indicator and sex are read once into numpy arrays (metro ids, years, values,
sorted by year then metro) and kept until the data change. Every write of observations goes
through an ImportBatch, so the newest batch id (and a token the database changes on every
write to the metro table, for deletions and renames) tells when a cached array is stale.

Without a shared cache each process keeps its own arrays. With one (`configure`, from
settings.METROSCOPE_FIGURES_CACHE: Redis with REDIS_URL), the arrays are kept there by data
version for every process and host, with each process's own copy in front; `figures` says
which version a request reads and builds a new version's arrays off the request.
"""

from __future__ import annotations

import struct
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db import connection, connections, transaction

from metroscope.core.versioned_cache import (
    LayeredStore,
    LocalStore,
    SharedStore,
    VersionedCache,
)
from metroscope.observatory.models import (
    ImportBatch,
    Metro,
    MetroVersion,
    Observation,
    Scale,
    Status,
)

IntArray = np.ndarray[Any, np.dtype[np.int64]]
FloatArray = np.ndarray[Any, np.dtype[np.float64]]
ScaleArray = np.ndarray[Any, np.dtype[np.int8]]
# A value's scale as a small integer: its position here.
SCALES: tuple[str, ...] = tuple(Scale.values)


_MAGIC = b"MSS1"
_WIRE = struct.Struct("<4sQQB")  # magic, values, year runs, bytes per metro id


@dataclass(frozen=True)
class Series:
    """All published values of one indicator and sex, sorted by (year, metro), with the
    scale each value describes (codes into SCALES)."""

    metros: IntArray
    years: IntArray
    values: FloatArray
    scales: ScaleArray = field(default_factory=lambda: np.zeros(0, np.int8))
    _memo: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)

    def __reduce__(self) -> tuple[Any, tuple[bytes]]:
        # Pickled (by a shared cache) as raw array bytes, without the per-process memos.
        return (Series.from_bytes, (self.to_bytes(),))

    def to_bytes(self) -> bytes:
        """The arrays as one compact block: the years as runs (the rows are sorted by year),
        metro ids as 32-bit integers when they fit, values and scales as they are."""
        years, counts = np.unique(self.years, return_counts=True)
        wide = bool(self.metros.size) and int(self.metros.max()) >= 2**31
        head = _WIRE.pack(_MAGIC, self.values.size, years.size, 8 if wide else 4)
        return b"".join(
            [
                head,
                years.astype("<i8").tobytes(),
                counts.astype("<i8").tobytes(),
                self.metros.astype("<i8" if wide else "<i4").tobytes(),
                self.values.astype("<f8").tobytes(),
                self.scales.astype("i1").tobytes(),
            ]
        )

    @classmethod
    def from_bytes(cls, data: bytes) -> Series:
        magic, size, runs, width = _WIRE.unpack_from(data)
        if magic != _MAGIC:
            raise ValueError("not a Series block")
        at = _WIRE.size
        years = np.frombuffer(data, "<i8", runs, at)
        counts = np.frombuffer(data, "<i8", runs, at + 8 * runs)
        at += 16 * runs
        metros = np.frombuffer(data, f"<i{width}", size, at).astype(np.int64)
        at += width * size
        values = np.frombuffer(data, "<f8", size, at)  # read-only: nobody writes cached arrays
        scales = np.frombuffer(data, "i1", size, at + 8 * size)
        return cls(metros, np.repeat(years, counts), values, scales)

    def of_scale(self, scale: str) -> Series:
        """Only the values of one scale: peers are compared like against like (a metro's
        value with other metros', never with a national proxy or a core city's)."""
        key = ("scale", scale)
        if key not in self._memo:
            keep = self.scales == SCALES.index(scale)
            self._memo[key] = Series(
                self.metros[keep], self.years[keep], self.values[keep], self.scales[keep]
            )
        result: Series = self._memo[key]
        return result

    def scales_present(self) -> list[str]:
        """The scales this series' values describe, in SCALES order."""
        return [SCALES[int(code)] for code in np.unique(self.scales)]

    def year_counts(self) -> dict[int, int]:
        """Year -> how many values that year has (one per metro)."""
        key = ("counts",)
        if key not in self._memo:
            found, counts = np.unique(self.years, return_counts=True)
            self._memo[key] = dict(zip(found.tolist(), counts.tolist(), strict=True))
        result: dict[int, int] = self._memo[key]
        return result

    def sorted_year(self, year: int) -> FloatArray:
        """One year's values in ascending order (for ranks and medians among all metros)."""
        key = ("sorted", year)
        if key not in self._memo:
            self._memo[key] = np.sort(self.year(year)[1])
        result: FloatArray = self._memo[key]
        return result

    def latest_cached(
        self, first_year: int, last_year: int
    ) -> tuple[IntArray, FloatArray, IntArray]:
        key = ("latest", first_year, last_year)
        if key not in self._memo:
            self._memo[key] = self.latest(first_year, last_year)
        result: tuple[IntArray, FloatArray, IntArray] = self._memo[key]
        return result

    def year(self, year: int) -> tuple[IntArray, FloatArray]:
        """Metro ids (sorted) and values of one year."""
        lo, hi = np.searchsorted(self.years, [year, year + 1])
        return self.metros[lo:hi], self.values[lo:hi]

    def latest(self, first_year: int, last_year: int) -> tuple[IntArray, FloatArray, IntArray]:
        """For each metro, its newest value within [first_year, last_year]."""
        lo, hi = np.searchsorted(self.years, [first_year, last_year + 1])
        metros, values, years = self.metros[lo:hi], self.values[lo:hi], self.years[lo:hi]
        # Rows are sorted by year: the last occurrence of each metro is its newest value.
        order = np.lexsort((years, metros))
        metros, values, years = metros[order], values[order], years[order]
        last = np.r_[metros[1:] != metros[:-1], True] if metros.size else np.zeros(0, bool)
        return metros[last], values[last], years[last]


def data_version() -> tuple[int, int]:
    """(newest import batch, the metro table's token), in one round trip of two index
    lookups: asked on every request. The token changes with every write to the metro table
    (database triggers, see MetroVersion)."""
    qn = connection.ops.quote_name
    batches, metros = qn(ImportBatch._meta.db_table), qn(MetroVersion._meta.db_table)
    sql = (  # (quoted table names only)
        f"SELECT (SELECT MAX(id) FROM {batches}), (SELECT token FROM {metros} WHERE id = 1)"  # noqa: S608
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        newest, token = cursor.fetchone()
    return int(newest or 0), int(token or 0)


_series = VersionedCache(data_version)


def series(indicator_id: int, sex: str = "total", version: tuple[int, int] | None = None) -> Series:
    """One indicator's published values; pass `version` (from figures.version) when reading
    several series for one answer, so the freshness check runs once."""
    return _series.get(
        series_key(indicator_id, sex), lambda: read_series(indicator_id, sex), token=version
    )


def series_key(indicator_id: int, sex: str) -> tuple[str, int, str]:
    return ("series", indicator_id, sex)


def read_series(indicator_id: int, sex: str) -> Series:
    """One indicator's published values from the database (no cache)."""
    metros, years, values, scales = _read(indicator_id, sex)
    return Series(metros=metros, years=years, values=values, scales=scales)


def _read(indicator_id: int, sex: str) -> tuple[IntArray, IntArray, FloatArray, ScaleArray]:
    """The published (metro id, year, value, scale) of one indicator and sex, sorted by
    (year, metro).

    One query through a plain cursor for the four columns, fetched whole, each column turned
    into an array directly (no ORM rows, no float detour for the ids), and no ORDER BY: numpy
    sorts 130,000 pairs in milliseconds, and the key (metro, indicator, year, sex) makes
    (year, metro) unique within a series, so the order is the one ORDER BY year, metro_id gave.
    On PostgreSQL, outside a caller's transaction, the query runs in a transaction of its own
    with JIT off: the planner's cost estimate for the bitmap scan asks for JIT, and compiling
    costs more than it saves (about 30 ms a query, more on a new connection). Inside a
    caller's transaction SET LOCAL would outlive the query, so the setting is left alone."""
    query = Observation.objects.filter(
        indicator_id=indicator_id, sex=sex, status=Status.PUBLISHED
    ).order_by()
    sql, params = query.values_list("metro_id", "year", "value", "scale").query.sql_with_params()
    connection = connections[query.db]
    own_transaction = connection.vendor == "postgresql" and not connection.in_atomic_block
    scope = transaction.atomic(using=query.db) if own_transaction else nullcontext()
    with scope, connection.cursor() as cursor:
        if own_transaction:
            cursor.execute("SET LOCAL jit = off")
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    count = len(rows)
    metros = np.fromiter((row[0] for row in rows), np.int64, count)
    years = np.fromiter((row[1] for row in rows), np.int64, count)
    values = np.fromiter((row[2] for row in rows), np.float64, count)
    codes = {scale: i for i, scale in enumerate(SCALES)}
    scales = np.fromiter((codes[row[3]] for row in rows), np.int8, count)
    order = np.lexsort((metros, years))
    return metros[order], years[order], values[order], scales[order]


MetroRefs = dict[int, tuple[str, str, str]]
_refs = VersionedCache(data_version)


def metro_refs(version: tuple[int, int] | None = None) -> MetroRefs:
    """Metro id -> (code, name, country ISO3) for every metro, cached like the series."""
    return _refs.get(REFS_KEY, read_refs, token=version)


REFS_KEY = "refs"


def read_refs() -> MetroRefs:
    return {
        pk: (code, name, iso3)
        for pk, code, name, iso3 in Metro.objects.values_list(
            "pk", "code", "name", "country_iso3"
        ).iterator(chunk_size=10000)
    }


DERIVED_LIMIT = 32
_derived = VersionedCache(data_version, store=LocalStore(max_entries=DERIVED_LIMIT))


def derived(key: Any, version: tuple[int, int], build: Any) -> Any:
    """A value computed from the series (e.g. the z-scored matrix of a set of indicators),
    kept while the data version stays the same; at most DERIVED_LIMIT of them."""
    return _derived.get(key, build, token=version)


# A data version's arrays in a shared cache live a week unless a build renews them (figures).
SHARED_TIMEOUT = 7 * 24 * 3600
_shared: SharedStore | None = None


def configure(alias: str | None) -> None:
    """Keep the series and metro references in Django's cache `alias`, shared by every
    process and host, each process keeping its own copy of the version it reads; with None,
    in each process only. Called once at start (ObservatoryConfig.ready) and by tests."""
    global _shared
    _shared = SharedStore(alias, namespace="panel", timeout=SHARED_TIMEOUT) if alias else None
    for cache in (_series, _refs):
        cache.store = LocalStore() if _shared is None else LayeredStore(LocalStore(), _shared)


def shared_store() -> SharedStore | None:
    return _shared


def clear() -> None:
    for cache in (_series, _refs, _derived):
        cache.clear()
