"""Helpers the database benchmarks share (bench/search.py, bench/accountability.py): a log line
tagged with the database, a dedicated database recreated with the marker of what was built in
it, timing rounds after a warm-up, percentiles, the verdict printed and the results written."""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

PG_ADMIN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
# The public pages and API reads of the load benchmark (bench/load.py, bench/page_cpu.py), one
# name each; the mix asks for each as often as the others.
PAGES = {
    "home": "/",
    "member directory": "/members/",
    "Observatory landing": "/observatory/",
    "indicator page": "/observatory/indicators/population_urban_centre/",
    "metro profile page": "/observatory/metros/barcelona/",
    "metro profile API": "/api/v1/metros/barcelona/profile",
    "benchmarks API": "/api/v1/benchmarks?indicator=population_urban_centre&year=2020",
    "similar metros API": "/api/v1/metros/barcelona/similar",
    "Exchange search": "/exchange/search/?q=mobility",
    "home (fr)": "/fr/",
    "Observatory landing (fr)": "/fr/observatory/",
    "indicator page (es)": "/es/observatory/indicators/population_urban_centre/",
    "member directory (es)": "/es/members/",
}
_tag = ""


def tag(database: str) -> None:
    """Prefix this process's log lines with its database (each database runs in a process)."""
    global _tag
    _tag = f"[{database}] "


def say(text: str) -> None:
    print(f"{_tag}{text}", flush=True)


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


def recreate(database: str, *, marker: Path, sqlite_file: Path, pg_database: str) -> None:
    """`recreate_database`, the marker of the set built there removed first (so an interrupted
    build is never reused)."""
    marker.unlink(missing_ok=True)
    recreate_database(database, sqlite_file=sqlite_file, pg_database=pg_database)


def finish(path: Path, verdict: dict[str, bool], payload: dict[str, Any]) -> None:
    """Print each floor's verdict and write the results (with the verdict) as JSON."""
    print("\n" + "\n".join(f"{'ok  ' if ok else 'FAIL'} {name}" for name, ok in verdict.items()))
    path.write_text(json.dumps(payload | {"verdict": verdict}, indent=2))


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
