"""Observatory import/export benchmark on a SYNTHETIC scale set (random values, not real data).

    .venv/bin/python bench/observatory.py [--rows N] [--database sqlite|postgres|both]

The default is the full scale set: 13,000 metros × 40 indicators × 10 years × 3 sexes = 15.6
million values (about 1.3 GB of CSV and, per database, a long run: progress is printed).
`--rows 2000000` uses fewer metros for a quicker run.

1. Writes the synthetic tidy CSV (metro, indicator, year, value, sex, source) into var/bench/,
   seeded so every run reads the same file (kept and reused while its size and seed match).
   Metros are `synthetic-metro-00001`…, named "SYNTHETIC metro …" with `synthetic=True`;
   indicators `synthetic_indicator_01`…`40`; the source `synthetic-benchmark` says "not real".
2. For each database, in its own process (Django settings are per process), on a dedicated
   database recreated at the start (SQLite var/bench/observatory-bench.sqlite3, PostgreSQL
   `metroscope_bench` on 127.0.0.1): migrate, create the synthetic catalogue, then measure on an
   empty observation table each time
   - the per-row ORM baseline: `update_or_create` per row after resolving ids (on a sample, one
     transaction around it all, which favours the baseline),
   - Django `bulk_create` of Observation objects, no checks (all rows unless `--bulk-rows`),
   - ours: `observation_import` (parse, resolve, check, stage, upsert), with the time of each
     SQL statement it runs, and reading / checking alone for the breakdown,
   - the same file again: it must write nothing, in less than a third of the first import
     (by default the import may prove the file unchanged from its hash), then again with
     `full=True`, which reads and checks every row: the cost of a file that did change,
   - the streaming CSV export of every value, each way in a subprocess of its own whose peak
     RSS is the memory figure: `core.exports.csv_stream` over `selectors.observation_rows`
     (a `values_list(...).iterator(chunk_size=...)` query), and `downloads.csv_chunks`, what
     the CSV download view streams.
3. Prints a table against the floors and writes var/bench/observatory-results.json.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import fcntl
import inspect
import json
import os
import platform
import random
import resource
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
RESULTS = BENCH_DIR / "observatory-results.json"
SQLITE_FILE = BENCH_DIR / "observatory-bench.sqlite3"
SQLITE_EMPTY = BENCH_DIR / "observatory-bench-empty.sqlite3"
PG_ADMIN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
PG_DATABASE = "metroscope_bench"
DATABASE_URLS = {
    "sqlite": f"sqlite:///{SQLITE_FILE}",
    "postgres": f"postgres://postgres@127.0.0.1:5432/{PG_DATABASE}",
}

FULL_METROS = 13_000
INDICATORS = 40
YEARS = range(2014, 2024)
SEXES = ("total", "female", "male")
ROWS_PER_METRO = INDICATORS * len(YEARS) * len(SEXES)
SEED = 20261126
GENERATOR_VERSION = 1
SOURCE_CODE = "synthetic-benchmark"
SOURCE_TITLE = "Synthetic benchmark data — not real"
COUNTRY = ("ZZZ", "Synthetic (not a country)")

PER_ROW_SAMPLE = 20_000
BULK_CHUNK = 5_000
EXPORT_CHUNK = 5_000
HEARTBEAT_SECONDS = 30.0

FLOORS = {
    "per_row_ratio": 10.0,
    "rows_per_s": {"sqlite": 20_000, "postgres": 50_000},
    "reimport_ratio": 1 / 3,
    "export_rows_per_s": 200_000,
    "export_peak_rss_mb": 200,
}

TAG = ""


def say(text: str) -> None:
    print(f"{TAG}{text}", flush=True)


# --- the synthetic scale set -------------------------------------------------------------------


def metro_code(number: int) -> str:
    return f"synthetic-metro-{number:05d}"


def indicator_code(number: int) -> str:
    return f"synthetic_indicator_{number:02d}"


def indicator_unit(number: int) -> str:
    return "persons" if number % 2 else "percent"


def synthetic_csv(metros: int) -> Path:
    """The synthetic file for this many metros, written unless an identical one is there."""
    path = BENCH_DIR / f"synthetic-observations-{metros}-metros.csv"
    about = path.with_suffix(".json")
    wanted = {
        "synthetic": True,
        "note": f"{SOURCE_TITLE}: random values made by bench/observatory.py",
        "metros": metros,
        "rows": metros * ROWS_PER_METRO,
        "seed": SEED,
        "generator": GENERATOR_VERSION,
    }
    if path.exists() and about.exists() and json.loads(about.read_text()) == wanted:
        say(f"synthetic file {path.relative_to(ROOT)} is there ({path.stat().st_size:,} bytes)")
        return path
    about.unlink(missing_ok=True)
    partial = path.with_suffix(f".partial-{os.getpid()}")
    with phase(f"writing the synthetic file ({metros * ROWS_PER_METRO:,} rows)", partial):
        _write_synthetic(partial, metros)
    partial.replace(path)
    about.write_text(json.dumps(wanted, indent=2) + "\n")
    return path


def _write_synthetic(path: Path, metros: int) -> None:
    rng = random.Random(SEED)
    indicators = [(indicator_code(n), indicator_unit(n)) for n in range(1, INDICATORS + 1)]
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write("metro,indicator,year,value,sex,source\n")
        for number in range(1, metros + 1):
            metro = metro_code(number)
            lines: list[str] = []
            for code, unit in indicators:
                for year in YEARS:
                    if unit == "persons":
                        female, male = (
                            rng.randrange(1_000, 5_000_000),
                            rng.randrange(1_000, 5_000_000),
                        )
                        values = [str(female + male), str(female), str(male)]
                    else:
                        values = [f"{rng.random() * 100:.2f}" for _ in SEXES]
                    lines.extend(
                        f"{metro},{code},{year},{value},{sex},{SOURCE_CODE}\n"
                        for sex, value in zip(SEXES, values, strict=True)
                    )
            fh.write("".join(lines))


def read_rows(path: Path) -> Iterator[list[str]]:
    """The synthetic file's data rows, for the baselines (which skip every check)."""
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        next(reader)
        yield from reader


# --- timing and progress -----------------------------------------------------------------------


@dataclass
class Timing:
    seconds: float = 0.0  # wall clock: what the figures use
    cpu: float = 0.0  # this process
    db_cpu: float = 0.0  # the PostgreSQL backend serving it (same machine), 0 on SQLite

    def as_dict(self) -> dict[str, float]:
        return {"seconds": self.seconds, "cpu_s": self.cpu, "db_cpu_s": self.db_cpu}


def _no_db_cpu() -> float:
    return 0.0


# The machine is shared: CPU seconds next to wall seconds tell contention from slowness.
DB_CPU: Callable[[], float] = _no_db_cpu


def _postgres_backend_cpu() -> float:
    from django.db import connection

    if connection.vendor != "postgresql" or connection.connection is None:
        return 0.0
    pid = connection.connection.info.backend_pid
    try:
        stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(stat[11]) + int(stat[12])) / os.sysconf("SC_CLK_TCK")


def _file_position(path: Path | None) -> str:
    """How far this process has read `path` (Linux /proc), for the progress lines."""
    if path is None:
        return ""
    try:
        size = path.stat().st_size
        positions = []
        for fd in os.listdir("/proc/self/fd"):
            with contextlib.suppress(OSError):
                if os.readlink(f"/proc/self/fd/{fd}") == str(path):
                    info = Path(f"/proc/self/fdinfo/{fd}").read_text()
                    positions.append(int(info.split("pos:")[1].split()[0]))
    except OSError:
        return ""
    if positions and size:
        return f", file at {max(positions) / size:.0%}"
    return f", file at {size / 1e6:,.0f} MB" if size else ""


@contextlib.contextmanager
def phase(label: str, watch: Path | None = None) -> Iterator[Timing]:
    """Print the phase, a heartbeat while it runs, and its duration at the end."""
    say(f"{label} …")
    timing = Timing()
    stop = threading.Event()
    start, cpu, db_cpu = time.perf_counter(), time.process_time(), DB_CPU()

    def heartbeat() -> None:
        while not stop.wait(HEARTBEAT_SECONDS):
            say(f"  … {time.perf_counter() - start:,.0f} s{_file_position(watch)}")

    thread = threading.Thread(target=heartbeat, daemon=True)
    thread.start()
    try:
        yield timing
    finally:
        stop.set()
        thread.join()
        timing.seconds = time.perf_counter() - start
        timing.cpu = time.process_time() - cpu
        timing.db_cpu = DB_CPU() - db_cpu
        server = f", postgres {timing.db_cpu:,.1f} s" if timing.db_cpu else ""
        say(f"{label}: {timing.seconds:,.1f} s (cpu: python {timing.cpu:,.1f} s{server})")


def rate(rows: int, seconds: float) -> float:
    return rows / seconds if seconds > 0 else float("inf")


# --- one database, in its own process ------------------------------------------------------------


def run_worker(database: str, path: Path, options: argparse.Namespace) -> dict[str, Any]:
    global TAG
    TAG = f"[{database}] "
    load_before = os.getloadavg()
    _create_database(database)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from metroscope.observatory.imports import observation_import

    global DB_CPU
    DB_CPU = _postgres_backend_cpu

    with phase("migrate"):
        call_command("migrate", verbosity=0, interactive=False)
    metros = int(json.loads(path.with_suffix(".json").read_text())["metros"])
    with phase(f"synthetic catalogue: {metros:,} metros, {INDICATORS} indicators, 1 source"):
        _create_catalogue(metros)
    empty = _EmptyTable(database)
    rows = metros * ROWS_PER_METRO
    result: dict[str, Any] = {
        "database": database,
        "vendor": connection.vendor,
        "server": _server_version(),
        "rows": rows,
        "load_average_at_start": load_before,
    }
    sample = min(rows, options.per_row_sample)
    result["per_row"] = _per_row_baseline(path, sample)
    empty.restore()
    result["bulk_create"] = _bulk_create_baseline(path, min(rows, options.bulk_rows or rows))
    empty.restore()
    if not options.no_breakdown:
        result["reading"] = _reading_breakdown(path)
    result["import"] = _timed_import(path, "first import", expect_created=rows)
    result["reimport"] = _timed_import(path, "re-import of the same file", expect_created=0)
    if "full" in inspect.signature(observation_import).parameters:
        # The default re-import may prove the file unchanged by its hash without reading it;
        # full=True re-reads and re-checks every row, the work a changed file costs.
        label = "re-import with full=True (every row read and checked again)"
        result["reimport_full"] = _timed_import(path, label, expect_created=0, full=True)
    result["export"] = _export_in_subprocess(rows, "csv_stream")
    result["export_view"] = _export_in_subprocess(rows, "view")
    if options.profile:
        empty.restore()
        result["profile"] = _profile_import(path, database)
    result["load_average_at_end"] = os.getloadavg()
    return result


def _create_database(database: str) -> None:
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    if database == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{SQLITE_FILE}{suffix}").unlink(missing_ok=True)
        return
    import psycopg
    from psycopg import sql

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        name = sql.Identifier(PG_DATABASE)
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(name))
    say(f"database {PG_DATABASE} recreated")


def _server_version() -> str:
    from django.db import connection

    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SHOW server_version")
        else:
            cur.execute("SELECT sqlite_version()")
        return str(cur.fetchone()[0])


def _create_catalogue(metros: int) -> None:
    from metroscope.core.text import fold
    from metroscope.observatory.models import (
        UNIT_RANGES,
        AreaKind,
        Direction,
        Indicator,
        IndicatorTheme,
        Metro,
        Source,
    )

    Source.objects.create(
        code=SOURCE_CODE,
        title=SOURCE_TITLE,
        publisher="bench/observatory.py",
        note="Random values made by a benchmark script. Not real data.",
    )
    indicators = []
    for number in range(1, INDICATORS + 1):
        name = f"SYNTHETIC indicator {number:02d} (not real)"
        unit = indicator_unit(number)
        low, high = UNIT_RANGES[unit]
        indicators.append(
            Indicator(
                code=indicator_code(number),
                name=name,
                name_en=name,
                theme=IndicatorTheme.CONTEXT_GOVERNANCE,
                unit=unit,
                decimals=0 if unit == "persons" else 2,
                direction=Direction.NEUTRAL,
                sexes=list(SEXES),
                min_value=low,
                max_value=high,
                order=1000 + number,
            )
        )
    Indicator.objects.bulk_create(indicators)
    places = []
    for number in range(1, metros + 1):
        name = f"SYNTHETIC metro {number:05d}"
        places.append(
            Metro(
                code=metro_code(number),
                name=name,
                folded=fold(name),
                country_iso3=COUNTRY[0],
                country_name=COUNTRY[1],
                kind=AreaKind.METROPOLITAN_AREA,
                wup_match="",
                synthetic=True,
            )
        )
    Metro.objects.bulk_create(places, batch_size=2000)


class _EmptyTable:
    """Puts the database back to its state before any observation was written."""

    def __init__(self, database: str) -> None:
        from django.db import connection

        self.database = database
        if database == "sqlite":
            with connection.cursor() as cur:
                cur.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            connection.close()
            shutil.copyfile(SQLITE_FILE, SQLITE_EMPTY)

    def restore(self) -> None:
        from django.db import connection

        if self.database == "sqlite":
            # Copying the file back is faster than deleting millions of rows, and leaves
            # no free pages behind to flatter the next measurement.
            connection.close()
            for suffix in ("-wal", "-shm"):
                Path(f"{SQLITE_FILE}{suffix}").unlink(missing_ok=True)
            shutil.copyfile(SQLITE_EMPTY, SQLITE_FILE)
            return
        with connection.cursor() as cur:
            cur.execute(
                "TRUNCATE observatory_observationrevision, observatory_observation, "
                "observatory_importbatch RESTART IDENTITY CASCADE"
            )


def _catalogue_ids() -> tuple[dict[str, int], dict[str, int], dict[str, int]]:
    from metroscope.observatory.models import Indicator, Metro, Source

    return (
        dict(Metro.objects.values_list("code", "pk")),
        dict(Indicator.objects.values_list("code", "pk")),
        dict(Source.objects.values_list("code", "pk")),
    )


def _baseline_batch(name: str) -> Any:
    from metroscope.observatory.models import BatchKind, ImportBatch, Status

    return ImportBatch.objects.create(kind=BatchKind.FILE, filename=name, status=Status.PUBLISHED)


def _per_row_baseline(path: Path, sample: int) -> dict[str, Any]:
    from django.db import transaction
    from django.utils import timezone

    from metroscope.observatory.models import Observation, Scale, Status

    metros, indicators, sources = _catalogue_ids()
    batch = _baseline_batch("per-row baseline")
    now = timezone.now()
    label = f"per-row baseline: update_or_create × {sample:,} rows"
    with phase(label) as timing, transaction.atomic():
        for metro, indicator, year, value, sex, source in islice(read_rows(path), sample):
            Observation.objects.update_or_create(
                metro_id=metros[metro],
                indicator_id=indicators[indicator],
                year=int(year),
                sex=sex,
                defaults={
                    "value": float(value),
                    "scale": Scale.METRO,
                    "source_id": sources[source],
                    "status": Status.PUBLISHED,
                    "batch": batch,
                    "updated_at": now,
                },
            )
    assert Observation.objects.count() == sample
    return {"rows": sample, **timing.as_dict(), "rows_per_s": rate(sample, timing.seconds)}


def _bulk_create_baseline(path: Path, rows: int) -> dict[str, Any]:
    from django.db import transaction
    from django.utils import timezone

    from metroscope.observatory.models import Observation, Scale, Status

    metros, indicators, sources = _catalogue_ids()
    batch = _baseline_batch("bulk_create baseline")
    now = timezone.now()
    label = f"bulk_create baseline: {rows:,} rows in chunks of {BULK_CHUNK:,}"
    with phase(label, path) as timing, transaction.atomic():
        chunk: list[Observation] = []
        for metro, indicator, year, value, sex, source in islice(read_rows(path), rows):
            chunk.append(
                Observation(
                    metro_id=metros[metro],
                    indicator_id=indicators[indicator],
                    year=int(year),
                    sex=sex,
                    value=float(value),
                    scale=Scale.METRO,
                    source_id=sources[source],
                    status=Status.PUBLISHED,
                    batch=batch,
                    updated_at=now,
                )
            )
            if len(chunk) == BULK_CHUNK:
                Observation.objects.bulk_create(chunk)
                chunk = []
        Observation.objects.bulk_create(chunk)
    assert Observation.objects.count() == rows
    return {"rows": rows, **timing.as_dict(), "rows_per_s": rate(rows, timing.seconds)}


def _reading_breakdown(path: Path) -> dict[str, Any]:
    """Reading alone, then reading + resolving + checking (what the import streams into the
    staging table), to split the import's streaming phase. Diagnostic: uses the checker
    observation_import uses internally."""
    from metroscope.observatory.imports import _Checker, file_sha256
    from metroscope.observatory.models import Status
    from metroscope.observatory.parsing import detect_encoding, open_observations

    limit = path.stat().st_size + 1
    with phase("breakdown: SHA-256 of the file", path) as sha:
        file_sha256(path)
    with phase("breakdown: encoding scan", path) as encoding:
        detect_encoding(path)
    with phase("breakdown: parse only (open_observations, includes the encoding scan)", path) as p:
        rows = sum(1 for _ in open_observations(path, max_bytes=limit).records)
    with phase("breakdown: parse + resolve + check (no writing)", path) as checked:
        checker = _Checker(status=Status.PUBLISHED, default_source=None, allowed_metros=None)
        staged = sum(1 for _ in checker.stage(open_observations(path, max_bytes=limit).records))
    assert rows == staged, (rows, staged, checker.problems[:3])
    return {
        "sha256_s": sha.seconds,
        "encoding_scan_s": encoding.seconds,
        "parse_s": p.seconds,
        "parse_cpu_s": p.cpu,
        "parse_check_s": checked.seconds,
        "parse_check_cpu_s": checked.cpu,
        "parse_rows_per_s": rate(rows, p.seconds),
        "parse_check_rows_per_s": rate(rows, checked.seconds),
    }


class _SqlTimes:
    """Records when each SQL statement run through Django's cursors starts and ends."""

    def __init__(self) -> None:
        self.events: list[tuple[str, float, float]] = []

    def __call__(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.events.append((sql, start, time.perf_counter()))


_STATEMENTS = (
    ("CREATE TEMPORARY TABLE", "create staging table"),
    ("ANALYZE", "analyze staging table"),
    ("SELECT metro_id, indicator_id, year, sex, COUNT(*)", "duplicate check"),
    ("INSERT INTO observatory_observationrevision", "revisions (insert … select)"),
    ("UPDATE observatory_observation", "update changed"),
    ("INSERT INTO observatory_observation ", "insert new"),
    ("DROP TABLE observatory_stage", "drop staging table"),
)


def _phases(events: list[tuple[str, float, float]], start: float, end: float) -> dict[str, float]:
    """Split an import into: before staging, streaming (parse + check + fill the staging table),
    each set-based statement, and the rest (batch row, commit)."""
    found: dict[str, tuple[float, float]] = {}
    for sql, began, ended in events:
        for prefix, label in _STATEMENTS:
            if sql.lstrip().startswith(prefix) and label not in found:
                found[label] = (began, ended)
    if "create staging table" not in found:
        return {}
    created = found["create staging table"][1]
    after = [began for sql, began, _ in events if began > created]
    phases = {
        "before staging (hash, encoding scan, resolvers)": found["create staging table"][0] - start,
        "stream: parse + check + fill staging": (after[0] if after else end) - created,
    }
    for label, (began, ended) in found.items():
        if label != "create staging table":
            phases[label] = ended - began
    last = max(ended for _, _, ended in events)
    phases["after (batch row, commit)"] = end - last
    return phases


def _timed_import(path: Path, label: str, *, expect_created: int, **options: Any) -> dict[str, Any]:
    from django.db import connection

    from metroscope.observatory.imports import observation_import
    from metroscope.observatory.models import Observation, ObservationRevision

    before = Observation.objects.count()
    times = _SqlTimes()
    with phase(f"{label}: observation_import", path) as timing, connection.execute_wrapper(times):
        start = time.perf_counter()
        result = observation_import(
            user=None, path=path, max_bytes=path.stat().st_size + 1, **options
        )
        end = time.perf_counter()
    phases = _phases(times.events, start, end)
    for name, seconds in phases.items():
        say(f"    {name}: {seconds:,.1f} s")
    assert result.created == expect_created, result
    if expect_created == 0:
        assert result.updated == 0, result
        assert Observation.objects.count() == before
        assert not ObservationRevision.objects.exists()
    else:
        assert Observation.objects.count() == before + expect_created
    return {
        "rows": result.rows,
        **timing.as_dict(),
        "rows_per_s": rate(result.rows, timing.seconds),
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "shortcut": getattr(result, "shortcut", False),
        "phases": phases,
    }


def _export_in_subprocess(rows: int, way: str) -> dict[str, Any]:
    out = BENCH_DIR / f"observatory-export-{os.getpid()}.json"
    command = [sys.executable, __file__, "--export-worker", way, "--result", str(out)]
    with phase(f"export ({EXPORT_WAYS[way]}) of {rows:,} rows, in a subprocess"):
        subprocess.run(command, check=True, env=os.environ.copy())  # noqa: S603
    result: dict[str, Any] = json.loads(out.read_text())
    out.unlink()
    assert result["rows"] == rows, result
    say(
        f"    export: {result['rows_per_s']:,.0f} rows/s, {result['bytes'] / 1e6:,.0f} MB, "
        f"peak RSS {result['peak_rss_mb']:,.0f} MB (after set-up {result['rss_before_mb']:,.0f} MB)"
    )
    return result


def _profile_import(path: Path, database: str) -> dict[str, str]:
    """Profile one more first import (pyinstrument; not part of the measured figures)."""
    from pyinstrument import Profiler

    from metroscope.observatory.imports import observation_import

    profiler = Profiler(interval=0.005)
    with phase("profiling a first import with pyinstrument", path):
        profiler.start()
        observation_import(user=None, path=path, max_bytes=path.stat().st_size + 1)
        profiler.stop()
    text = BENCH_DIR / f"observatory-profile-{database}.txt"
    html = text.with_suffix(".html")
    text.write_text(profiler.output_text(unicode=True, show_all=False))
    html.write_text(profiler.output_html())
    say(f"profile written to {text.relative_to(ROOT)} and {html.name}")
    return {"text": str(text), "html": str(html)}


# --- export, in its own process ------------------------------------------------------------------


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


EXPORT_WAYS = {
    "csv_stream": "core.exports.csv_stream over selectors.observation_rows",
    "view": "downloads.csv_chunks, the CSV download view",
}


def export_chunks(way: str) -> Iterator[bytes]:
    """Every value as CSV, the way the Observatory's downloads stream them (no filters)."""
    from metroscope.core.exports import csv_stream
    from metroscope.observatory import downloads, selectors

    everything = selectors.ObservationFilters()
    if way == "view":
        return downloads.csv_chunks(everything)
    return csv_stream(downloads.FIELDS, selectors.observation_rows(everything, EXPORT_CHUNK))


def run_export_worker(way: str) -> dict[str, Any]:
    import django

    django.setup()
    from django.db import connection

    global DB_CPU, TAG
    DB_CPU = _postgres_backend_cpu
    TAG = f"[{connection.vendor} export] "
    chunks = export_chunks(way)  # imports what the export needs (pyarrow, openpyxl…) first
    rss_before = _rss_mb()
    size = lines = 0
    with phase(f"export worker: {EXPORT_WAYS[way]}") as timing:
        for chunk in chunks:
            size += len(chunk)
            lines += chunk.count(b"\n")
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes on Linux
    return {
        "rows": lines - 1,
        **timing.as_dict(),
        "rows_per_s": rate(lines - 1, timing.seconds),
        "bytes": size,
        "chunk_size": EXPORT_CHUNK,
        "rss_before_mb": rss_before,
        "peak_rss_mb": peak_kb / 1024,
    }


# --- the parent: file, one process per database, table ----------------------------------------


def _run_database(database: str, path: Path, args: argparse.Namespace) -> dict[str, Any]:
    out = BENCH_DIR / f"observatory-{database}-partial.json"
    out.unlink(missing_ok=True)
    env = os.environ | {
        "DATABASE_URL": DATABASE_URLS[database],
        "DJANGO_SETTINGS_MODULE": "metroscope.settings",
        "METROSCOPE_CONN_MAX_AGE": "0",
    }
    command = [sys.executable, __file__, "--worker", database, "--csv", str(path)]
    command += ["--result", str(out), "--per-row-sample", str(args.per_row_sample)]
    command += ["--bulk-rows", str(args.bulk_rows or 0)]
    command += ["--no-breakdown"] * args.no_breakdown + ["--profile"] * args.profile
    started = time.perf_counter()
    subprocess.run(command, check=True, env=env)  # noqa: S603
    result: dict[str, Any] = json.loads(out.read_text())
    out.unlink()
    result["wall_s"] = time.perf_counter() - started
    return result


def _verdicts(database: str, r: dict[str, Any]) -> dict[str, bool]:
    ours = r["import"]["rows_per_s"]
    return {
        "ours_vs_per_row": ours / r["per_row"]["rows_per_s"] >= FLOORS["per_row_ratio"],
        "rows_per_s": ours >= FLOORS["rows_per_s"][database],  # type: ignore[index]
        "reimport_writes_nothing": r["reimport"]["created"] == r["reimport"]["updated"] == 0,
        "reimport_ratio": r["reimport"]["seconds"] / r["import"]["seconds"]
        < FLOORS["reimport_ratio"],  # type: ignore[operator]
        **(
            {
                "reimport_full_writes_nothing": full["created"] == full["updated"] == 0,
                "reimport_full_ratio": full["seconds"] / r["import"]["seconds"]
                < FLOORS["reimport_ratio"],  # type: ignore[operator]
            }
            if (full := r.get("reimport_full"))
            else {}
        ),
        **{
            f"{way}_{test}": ok
            for way in ("export", "export_view")
            for test, ok in (
                ("rows_per_s", r[way]["rows_per_s"] >= FLOORS["export_rows_per_s"]),
                ("peak_rss", r[way]["peak_rss_mb"] < FLOORS["export_peak_rss_mb"]),
            )
        },
    }


Cell = Callable[[dict[str, Any]], str]


def _ratio(part: str, whole: str) -> Cell:
    return lambda r: f"{r[part]['seconds'] / r[whole]['seconds']:.2f}" if part in r else "-"


def _rows_per_s(part: str) -> Cell:
    return lambda r: f"{r[part]['rows_per_s']:,.0f}" if part in r else "-"


def _peak_rss(part: str) -> Cell:
    return lambda r: f"{r[part]['peak_rss_mb']:,.0f}"


def _writes(part: str) -> Cell:
    return lambda r: f"{r[part]['created']} / {r[part]['updated']}" if part in r else "-"


_TABLE: list[tuple[str, Cell, str, str]] = [
    # label, cell, verdict key (marks the cell ok / FAIL), floor
    ("rows in the synthetic file", lambda r: f"{r['rows']:,}", "", ""),
    ("import_observations rows/s", _rows_per_s("import"), "rows_per_s", "≥ 20,000 / ≥ 50,000"),
    ("  first import, seconds", lambda r: f"{r['import']['seconds']:,.1f}", "", ""),
    (
        "  CPU seconds: python + postgres",
        lambda r: f"{r['import']['cpu_s']:,.1f} + {r['import']['db_cpu_s']:,.1f}",
        "",
        "(wall above CPU: waiting)",
    ),
    ("per-row update_or_create rows/s", _rows_per_s("per_row"), "", "on a sample"),
    (
        "  ours / per-row",
        lambda r: f"{r['import']['rows_per_s'] / r['per_row']['rows_per_s']:,.1f}×",
        "ours_vs_per_row",
        "≥ 10×",
    ),
    ("bulk_create rows/s (no checks)", _rows_per_s("bulk_create"), "", ""),
    (
        "  ours / bulk_create",
        lambda r: f"{r['import']['rows_per_s'] / r['bulk_create']['rows_per_s']:.2f}×",
        "",
        "",
    ),
    ("re-import: created / updated", _writes("reimport"), "reimport_writes_nothing", "0 / 0"),
    ("  took the unchanged-file shortcut", lambda r: str(r["reimport"]["shortcut"]), "", ""),
    ("  re-import / first import", _ratio("reimport", "import"), "reimport_ratio", "< 0.33"),
    (
        "re-import full=True: created / updated",
        _writes("reimport_full"),
        "reimport_full_writes_nothing",
        "0 / 0",
    ),
    (
        "  full re-import / first import",
        _ratio("reimport_full", "import"),
        "reimport_full_ratio",
        "< 0.33",
    ),
    ("export: csv_stream rows/s", _rows_per_s("export"), "export_rows_per_s", "≥ 200,000"),
    ("  peak RSS, MB", _peak_rss("export"), "export_peak_rss", "< 200"),
    ("export: CSV view rows/s", _rows_per_s("export_view"), "export_view_rows_per_s", "≥ 200,000"),
    ("  peak RSS, MB", _peak_rss("export_view"), "export_view_peak_rss", "< 200"),
]


def _table(results: dict[str, dict[str, Any]]) -> list[str]:
    verdicts = {d: _verdicts(d, r) for d, r in results.items()}
    header = f"{'':<40}" + "".join(f"{d:>20}" for d in results) + "   floor"
    lines = [header, "-" * (len(header) + 30)]
    for label, cell, key, floor in _TABLE:
        cells = ""
        for database, result in results.items():
            text = cell(result)
            if key in verdicts[database]:
                text += " ok" if verdicts[database][key] else " FAIL"
            cells += f"{text:>20}"
        lines.append(f"{label:<40}{cells}   {floor}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--rows",
        type=int,
        default=FULL_METROS * ROWS_PER_METRO,
        help="about this many rows (whole metros of 1,200 rows); default the full 15.6 million",
    )
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--per-row-sample", type=int, default=PER_ROW_SAMPLE)
    parser.add_argument("--bulk-rows", type=int, default=0, help="bulk_create sample (0: all)")
    parser.add_argument("--no-breakdown", action="store_true", help="skip the reading breakdown")
    parser.add_argument("--profile", action="store_true", help="also profile (pyinstrument)")
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--worker", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    parser.add_argument("--export-worker", choices=list(EXPORT_WAYS), help=argparse.SUPPRESS)
    parser.add_argument("--csv", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.export_worker:
        args.result.write_text(json.dumps(run_export_worker(args.export_worker)))
        return
    if args.worker:
        args.result.write_text(json.dumps(run_worker(args.worker, args.csv, args), indent=2))
        return
    with _one_run_at_a_time():
        run_all(args)


@contextlib.contextmanager
def _one_run_at_a_time() -> Iterator[None]:
    """Runs share the benchmark databases and files, so a second run refuses to start."""
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    with (BENCH_DIR / "observatory.lock").open("w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise SystemExit("another bench/observatory.py run is in progress") from None
        yield


def run_all(args: argparse.Namespace) -> None:
    metros = max(1, round(args.rows / ROWS_PER_METRO))
    say(
        f"Observatory benchmark on SYNTHETIC data (not real): {metros:,} metros × {INDICATORS} "
        f"indicators × {len(YEARS)} years × {len(SEXES)} sexes = {metros * ROWS_PER_METRO:,} rows"
    )
    path = synthetic_csv(metros)
    databases = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    results = {database: _run_database(database, path, args) for database in databases}
    lines = _table(results)
    print("\n".join(["", f"SYNTHETIC data, {path.name}, {os.cpu_count()} CPUs", *lines]))
    report = {
        "synthetic": True,
        "note": "Random values made by bench/observatory.py; not real data.",
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "file": str(path),
        "file_bytes": path.stat().st_size,
        "metros": metros,
        "rows": metros * ROWS_PER_METRO,
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "floors": FLOORS,
        "databases": results,
        "verdicts": {d: _verdicts(d, r) for d, r in results.items()},
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2) + "\n")
    print(f"\nresults written to {args.output}")


if __name__ == "__main__":
    main()
