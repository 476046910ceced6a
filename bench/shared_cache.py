"""The first metro profile after a restart or a write, on a SYNTHETIC scale set (random values,
not real data): the shared cache with the last complete figures against each process computing
its own (the behaviour without REDIS_URL), both measured in the same run.

    PYTHONPATH=src .venv/bin/python bench/shared_cache.py [--rows 2000000] [--database sqlite]
        [--restarts 8] [--writes 5]

`--rows 15600000` is the full scale (13,000 metros × 40 indicators × 10 years × 3 sexes).

1. The synthetic set of `bench/observatory.py` (its CSV generator and catalogue: metros
   `synthetic-metro-…` named "SYNTHETIC metro …", indicators `synthetic_indicator_01…40`, the
   source "Synthetic benchmark data — not real"), imported once with `observation_import` into
   a database of this benchmark's own (SQLite var/bench/shared-cache.sqlite3, PostgreSQL
   `metroscope_hcache` on 127.0.0.1), kept while its marker says the same rows.
2. Each way, in processes of its own (Django's settings are per process):
   - **today**: no REDIS_URL. Each new process (a restart) loads `metroscope.wsgi`, as a
     gunicorn worker does before it serves, and asks for one metro's page
     (`/observatory/metros/<code>/`, through Django's test client, in process), timed from the
     request to its whole body: it computes the arrays it needs. Again with the process's
     code warm (it answered /about/ first), to separate the figures from Python's first
     imports. Then one process writes a
     value (`write_observations`, an import batch of one published value) and asks again, a
     number of times: each first request after a write computes them again.
   - **shared**: REDIS_URL on Redis db 13 (127.0.0.1:6379), with `metroscope worker` (RQ) in
     its own process. The worker builds the figures once (timed); then the same restarts and
     writes. After each write, the request reads the last complete figures (the page says
     "being updated") while the worker builds the new ones; the time until they are complete
     and the first request that reads them are printed too.
3. Prints p50/p95 per way and the floor (issue 20: < 2 s at p95 with the shared cache), and
   writes var/bench/shared-cache-results-<database>.json. The machine is shared: the load
   average is printed at the start and the end.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import common

import observatory as synthetic  # bench/observatory.py: the synthetic set's generator

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
BENCH_DIR = ROOT / "var" / "bench"
RESULTS = BENCH_DIR / "shared-cache-results-{database}.json"
SQLITE_FILE = BENCH_DIR / "shared-cache.sqlite3"
PG_DATABASE = "metroscope_hcache"
DATABASE_URLS = {
    "sqlite": f"sqlite:///{SQLITE_FILE}",
    "postgres": f"postgres://postgres@127.0.0.1:5432/{PG_DATABASE}",
}
REDIS_URL = "redis://127.0.0.1:6379/13"
FLOOR_MS = 2000.0
BUILD_WAIT_SECONDS = 1800


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)]


def environment(database: str, way: str) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("REDIS_URL", None)
    env.pop("METROSCOPE_TASKS", None)
    env |= {
        "DATABASE_URL": DATABASE_URLS[database],
        "DJANGO_SETTINGS_MODULE": "metroscope.settings",
        "PYTHONPATH": str(ROOT / "src"),
        "METROSCOPE_RATE_LIMITS": "0",
        "METROSCOPE_LOG_LEVEL": "ERROR",
        "METROSCOPE_APP_LOG_LEVEL": "WARNING",
    }
    if way == "shared":
        env["REDIS_URL"] = REDIS_URL
    return env


def child(database: str, way: str, role: str, *extra: str) -> dict[str, Any]:
    """Run one role of this script in a new process; its last output line is its JSON."""
    command = [sys.executable, __file__, "--child", role, "--way", way, "--database", database]
    done = subprocess.run(  # noqa: S603 (this interpreter, this script)
        [*command, *extra],
        env=environment(database, way),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"{role} ({way}) failed")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


# --- in the child processes ---------------------------------------------------------------------


def _setup() -> None:
    import django

    django.setup()


def _page(code: str) -> tuple[float, str]:
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    started = time.perf_counter()
    response = client.get(f"/observatory/metros/{code}/")
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, (code, response.status_code)
    return elapsed, response.content.decode()


def _codes() -> list[str]:
    from metroscope.observatory.models import Metro

    return list(Metro.objects.filter(synthetic=True).values_list("code", flat=True))


def role_prepare(rows: int) -> dict[str, Any]:
    """Migrate, make the synthetic catalogue and import the synthetic file."""
    _setup()
    from django.core.management import call_command

    from metroscope.observatory.imports import observation_import

    metros = math.ceil(rows / synthetic.ROWS_PER_METRO)
    path = synthetic.synthetic_csv(metros)
    call_command("migrate", verbosity=0, interactive=False)
    synthetic._create_catalogue(metros)
    started = time.perf_counter()
    result = observation_import(user=None, path=path, max_bytes=path.stat().st_size + 1)
    return {"rows": result.rows, "import_s": time.perf_counter() - started}


def role_build() -> dict[str, Any]:
    """What the worker does when the figures are missing: build them (timed here)."""
    _setup()
    from metroscope.observatory import figures, panel

    started = time.perf_counter()
    figures.rebuild.call()
    return {"build_s": time.perf_counter() - started, "version": list(panel.data_version())}


def role_restart(seed: int, warm: bool) -> dict[str, Any]:
    """A new process, started as a gunicorn worker starts (`metroscope.wsgi` loaded): its
    first metro page; with `warm`, after the process has answered
    another page (/about/, which reads no figures) and loaded the metro page's template, so
    the time is the figures' and the page's, not Python's first imports."""
    started = time.perf_counter()
    import metroscope.wsgi  # noqa: F401  (what a gunicorn worker loads before it serves)

    setup_ms = (time.perf_counter() - started) * 1000
    if warm:
        from django.template.loader import get_template
        from django.test import Client

        assert Client(HTTP_HOST="127.0.0.1").get("/about/").status_code == 200
        get_template("observatory/metro.html")
    code = random.Random(seed).choice(_codes())
    elapsed, body = _page(code)
    return {"ms": elapsed, "setup_ms": setup_ms, "note": "being updated" in body}


def _write_one(rng: random.Random, codes: list[str]) -> None:
    """One published value changed, the way every writer writes (an import batch)."""
    from metroscope.observatory.models import BatchKind, ImportBatch, Indicator, Metro, Source
    from metroscope.observatory.writing import StagedRow, write_observations

    metro = Metro.objects.get(code=rng.choice(codes))
    indicator = Indicator.objects.filter(code__startswith="synthetic_indicator_").order_by("?")[0]
    source = Source.objects.get(code=synthetic.SOURCE_CODE)
    batch = ImportBatch.objects.create(kind=BatchKind.FORM, status="published")
    value = float(rng.randrange(1_000, 5_000_000)) if indicator.unit == "persons" else rng.random()
    row = StagedRow(
        1, metro.pk, indicator.pk, 2023, "total", value, "metro", source.pk, "published", ""
    )
    write_observations([row], batch=batch)


def role_writes(way: str, count: int, seed: int) -> dict[str, Any]:
    """One long-lived process: warm, then `count` times write a value and ask for a page."""
    _setup()
    from metroscope.observatory import figures

    rng = random.Random(seed)
    codes = _codes()
    _page(rng.choice(codes))  # warm: this process has its figures
    after_write, built, after_build, notes = [], [], [], 0
    for _ in range(count):
        _write_one(rng, codes)
        written = time.perf_counter()
        elapsed, body = _page(rng.choice(codes))
        after_write.append(elapsed)
        notes += "being updated" in body
        if way == "shared":
            while (seen := figures.current()).updating or seen.as_of is None:
                if time.perf_counter() - written > BUILD_WAIT_SECONDS:
                    raise SystemExit("the worker did not build the figures in time")
                time.sleep(0.2)
            built.append(time.perf_counter() - written)
            after_build.append(_page(rng.choice(codes))[0])
    return {
        "after_write_ms": after_write,
        "notes": notes,
        "build_s": built,
        "after_build_ms": after_build,
    }


# --- the parent ----------------------------------------------------------------------------------


def prepare(database: str, rows: int) -> int:
    marker = BENCH_DIR / f"shared-cache-{database}.json"
    metros = math.ceil(rows / synthetic.ROWS_PER_METRO)
    wanted = {
        "synthetic": True,
        "metros": metros,
        "rows": metros * synthetic.ROWS_PER_METRO,
        "generator": synthetic.GENERATOR_VERSION,
    }
    if marker.exists() and json.loads(marker.read_text()) == wanted:
        common.say(f"synthetic database with {wanted['rows']:,} values is there")
        return int(wanted["rows"])
    common.recreate(database, marker=marker, sqlite_file=SQLITE_FILE, pg_database=PG_DATABASE)
    common.say(f"importing {wanted['rows']:,} SYNTHETIC values into {database} …")
    done = child(database, "today", "prepare", "--rows", str(rows))
    common.say(f"imported in {done['import_s']:,.0f} s")
    marker.write_text(json.dumps(wanted, indent=2) + "\n")
    return int(wanted["rows"])


def flush_redis() -> None:
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()  # db 13: this benchmark's own


def measure(database: str, way: str, args: argparse.Namespace) -> dict[str, Any]:
    common.say(f"{way}: {args.restarts} restarts, {args.writes} writes")
    result: dict[str, Any] = {}
    worker = None
    log = (BENCH_DIR / "shared-cache-worker.log").open("w")
    if way == "shared":
        flush_redis()
        result["first_build_s"] = child(database, way, "build")["build_s"]
        common.say(f"  the worker's first build: {result['first_build_s']:,.1f} s")
        worker = subprocess.Popen(  # noqa: S603 (this interpreter, this repository)
            [sys.executable, "-m", "metroscope.cli", "worker"],
            env=environment(database, way),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        for warm in ("", "--warm"):
            name = "restart_warm_ms" if warm else "restart_cold_ms"
            flags = ["--seed", "0", *([warm] if warm else [])]
            result[name] = []
            for n in range(args.restarts):
                flags[1] = str(n)
                result[name].append(child(database, way, "restart", *flags)["ms"])
            common.say(f"  {name}: {', '.join(f'{r:,.0f}' for r in result[name])}")
        result |= child(database, way, "writes", "--count", str(args.writes), "--seed", "11")
        common.say(
            f"  after a write: {', '.join(f'{r:,.0f}' for r in result['after_write_ms'])} ms"
        )
        if result["build_s"]:
            common.say(f"  built after: {', '.join(f'{r:,.1f}' for r in result['build_s'])} s")
    finally:
        if worker is not None:
            worker.terminate()  # RQ's warm shutdown: it may finish a build first
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
        log.close()
    return result


def line(name: str, samples: list[float], floor: float | None = None) -> str:
    verdict = "" if floor is None else ("  ok" if p95(samples) < floor else "  FAIL")
    return (
        f"{name:<52} p50 {statistics.median(samples):9,.0f} ms   p95 {p95(samples):9,.0f} ms"
        f"{verdict}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--database", choices=sorted(DATABASE_URLS), default="sqlite")
    parser.add_argument("--restarts", type=int, default=8)
    parser.add_argument("--writes", type=int, default=5)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--way", default="today", help=argparse.SUPPRESS)
    parser.add_argument("--seed", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--count", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--warm", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        os.environ["DATABASE_URL"] = DATABASE_URLS[args.database]
        roles = {
            "prepare": lambda: role_prepare(args.rows),
            "build": role_build,
            "restart": lambda: role_restart(args.seed, args.warm),
            "writes": lambda: role_writes(args.way, args.count, args.seed),
        }
        print(json.dumps(roles[args.child]()))  # noqa: T201
        return

    common.tag(args.database)
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    load_start = os.getloadavg()
    common.say("load average (1, 5, 15 min) at start: " + ", ".join(f"{x:.2f}" for x in load_start))
    rows = prepare(args.database, args.rows)
    common.say(f"SYNTHETIC data: {rows:,} values")
    results = {way: measure(args.database, way, args) for way in ("today", "shared")}
    load_end = os.getloadavg()
    today, shared = results["today"], results["shared"]
    print()  # noqa: T201
    for text in (
        line("today: first page of a new process", today["restart_cold_ms"]),
        line("today: same, the process's code warm", today["restart_warm_ms"]),
        line("today: first page after a write", today["after_write_ms"]),
        line("shared: first page of a new process", shared["restart_cold_ms"], FLOOR_MS),
        line("shared: same, the process's code warm", shared["restart_warm_ms"], FLOOR_MS),
        line(
            "shared: first page after a write (last complete)", shared["after_write_ms"], FLOOR_MS
        ),
        line("shared: first page once the new figures are built", shared["after_build_ms"]),
    ):
        print(text)  # noqa: T201
    build = statistics.median(shared["build_s"])
    print(  # noqa: T201
        f"shared: the worker's build after a write: p50 {build:,.1f} s"
        f" (first build {shared['first_build_s']:,.1f} s); the page said 'being updated' "
        f"{shared['notes']} of {len(shared['after_write_ms'])} times"
    )
    common.say("load average (1, 5, 15 min) at end: " + ", ".join(f"{x:.2f}" for x in load_end))
    verdict = {
        "shared: after a restart p95 < 2 s": p95(shared["restart_cold_ms"]) < FLOOR_MS,
        "shared: after a restart, code warm, p95 < 2 s": p95(shared["restart_warm_ms"]) < FLOOR_MS,
        "shared: after a write p95 < 2 s": p95(shared["after_write_ms"]) < FLOOR_MS,
    }
    common.finish(
        Path(str(RESULTS).format(database=args.database)),
        verdict,
        {
            "synthetic": True,
            "database": args.database,
            "rows": rows,
            "load_average": {"start": load_start, "end": load_end},
            "results": results,
        },
    )


if __name__ == "__main__":
    main()
