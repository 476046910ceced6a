"""Helpers the database benchmarks share (bench/search.py, bench/accountability.py): a
dedicated database recreated, timing rounds after a warm-up, percentiles."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

PG_ADMIN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"


def recreate_database(database: str, *, sqlite_file: Path, pg_database: str) -> None:
    """An empty database: the SQLite file (and its WAL) removed, or the PostgreSQL database
    dropped and created again on 127.0.0.1."""
    sqlite_file.parent.mkdir(parents=True, exist_ok=True)
    if database == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{sqlite_file}{suffix}").unlink(missing_ok=True)
        return
    import psycopg
    from psycopg import sql

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        name = sql.Identifier(pg_database)
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(name))


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"p50": statistics.median(ordered), "p95": p95, "n": len(ordered)}


def time_rounds(func: Callable[[], Any], rounds: int) -> list[float]:
    """Milliseconds of `rounds` calls, after one call to warm up."""
    func()
    out = []
    for _ in range(rounds):
        started = time.perf_counter()
        func()
        out.append((time.perf_counter() - started) * 1000)
    return out
