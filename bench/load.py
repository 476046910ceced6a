"""Load on the stack `make run` starts: 50 concurrent users on public pages and API reads, then
the same users on one static file, in one run (issue 20).

    .venv/bin/python bench/load.py [--database sqlite|postgres] [--users 50] [--seconds 60]
                                   [--static-seconds 30] [--alone 20]
                                   [--source var/metroscope.sqlite3]

The stack is the Procfile's, as `make run` starts it: gunicorn with the repository's
gunicorn.conf.py (METROSCOPE_WEB_* as set, 2 sync workers by default) and the task queue's
worker, on a var/ of its own in a temporary folder, with the static files built as
`make setup` builds them (hashed, gzip and brotli). The database is a copy of the real open
data: the SQLite file of `--source` (by default the checkout's, after `make setup`), copied
with SQLite's backup API; with `--database postgres`, a database `metroscope_load` on
127.0.0.1 made afresh and filled by `metroscope migrate` and `metroscope load_open_data`.

The users are locust's (FastHttpUser), each asking for the next request as soon as it has its
answer (no think time), with `Accept-Encoding: gzip` as a browser sends it. First each page is
asked a few times, uncounted, so that each gunicorn worker has read its figures once; then
each page `--alone` times by one client alone (the single-request figures); then the mix of
pages for `--seconds`; then one static file (the site's CSS) for `--static-seconds`.
Per-address rate limits are off in the stack: 50 users here share one address, 50 readers do
not. Targets: the Observatory's landing under 50 ms and the indicator page under 300 ms at p95
asked alone; under load no error, and throughput of the mix at least a tenth of the static
file's.
Prints the load average and the busiest processes, so that figures from a shared machine can
be read for what they are; writes var/bench/load-<database>.json.
"""

from __future__ import annotations

from gevent import monkey

monkey.patch_all()  # locust's users are greenlets: patch before anything opens a socket

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import shlex  # noqa: E402
import socket  # noqa: E402
import sqlite3  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import urllib.request  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import gevent  # noqa: E402
from common import PAGES  # noqa: E402  (bench/ is the script's folder)
from locust import FastHttpUser, constant, task  # noqa: E402
from locust.env import Environment  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PG_DATABASE = "metroscope_load"
PG_URL = f"postgres://postgres@127.0.0.1:5432/{PG_DATABASE}"
HEADERS = {"Accept-Encoding": "gzip"}
WARM_ROUNDS = 4  # uncounted requests per page before the measured run (2 workers, some luck)


def say(text: str) -> None:
    print(text, flush=True)


def machine() -> dict[str, Any]:
    """The load average and the five busiest processes (other engineers share this machine)."""
    top = subprocess.run(
        ["ps", "-eo", "pcpu,etime,args", "--sort=-pcpu"],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    ).stdout.splitlines()[1:6]
    return {"load": os.getloadavg(), "busiest": [line.strip()[:140] for line in top]}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def prepare(args: argparse.Namespace, var: Path) -> dict[str, str]:
    """The stack's environment, its database filled with the open data."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("METROSCOPE_")}
    env.pop("REDIS_URL", None)
    env.pop("DATABASE_URL", None)
    env |= {
        "METROSCOPE_VAR": str(var),
        "METROSCOPE_BIND": f"127.0.0.1:{args.port}",
        "METROSCOPE_RATE_LIMITS": "0",
        "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT / "src"), env.get("PYTHONPATH")) if p),
    }
    for name in ("METROSCOPE_WEB_WORKERS", "METROSCOPE_WEB_THREADS", "METROSCOPE_WEB_TIMEOUT"):
        if name in os.environ:
            env[name] = os.environ[name]
    metroscope = [str(BIN / "metroscope")]
    if args.database == "sqlite":
        say(f"copying {args.source} (SQLite backup API)")
        with (
            sqlite3.connect(args.source) as src,
            sqlite3.connect(var / "metroscope.sqlite3") as dst,
        ):
            src.backup(dst)
    else:
        import psycopg
        from psycopg import sql

        say(f"making {PG_DATABASE} afresh: migrate, then load the open data")
        with psycopg.connect("host=127.0.0.1 user=postgres dbname=postgres", autocommit=True) as c:
            database = sql.Identifier(PG_DATABASE)
            c.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(database))
            c.execute(sql.SQL("CREATE DATABASE {}").format(database))
        env["DATABASE_URL"] = PG_URL
        subprocess.run([*metroscope, "migrate", "--noinput", "-v", "0"], env=env, check=True)  # noqa: S603
        subprocess.run([*metroscope, "load_open_data"], env=env, check=True)  # noqa: S603
    say("building the static files as `make setup` does")
    subprocess.run(  # noqa: S603
        [*metroscope, "collectstatic", "--noinput", "-v", "0"],
        env=env | {"METROSCOPE_STATIC_MANIFEST": "1"},
        check=True,
    )
    return env


def start(env: dict[str, str], log: Path) -> list[subprocess.Popen[bytes]]:
    """The Procfile's processes, with this interpreter's bin/ for the Procfile's .venv/bin/."""
    processes = []
    for line in (ROOT / "Procfile").read_text().splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        name, command = line.split(":", 1)
        argv = [
            str(BIN / a.removeprefix(".venv/bin/")) if a.startswith(".venv/bin/") else a
            for a in shlex.split(command)
        ]
        out = (log / f"{name.strip()}.log").open("wb")
        processes.append(
            subprocess.Popen(argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603
        )
    return processes


def wait_healthy(base: str, processes: list[subprocess.Popen[bytes]]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in processes):
            raise SystemExit("a process of the stack ended while starting: see its log")
        try:
            with urllib.request.urlopen(f"{base}/health/", timeout=5) as answer:  # noqa: S310
                if answer.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit("the stack did not answer /health/ within 120 s")


def static_url(base: str) -> str:
    """The site's stylesheet as pages name it (hashed)."""
    with urllib.request.urlopen(f"{base}/", timeout=30) as answer:  # noqa: S310
        html = answer.read().decode()
    start = html.index('href="/static/metroscope/app.') + len('href="')
    return html[start : html.index('"', start)]


def one_at_a_time(base: str, rounds: int) -> dict[str, Any]:
    """Each page asked `rounds` times by one client, nothing else running: p50/p95 in ms."""
    found: dict[str, Any] = {"machine": machine()}
    for name, path in PAGES.items():
        times = []
        for _ in range(rounds):
            request = urllib.request.Request(base + path, headers=HEADERS)  # noqa: S310
            started = time.perf_counter()
            with urllib.request.urlopen(request, timeout=60) as answer:  # noqa: S310
                answer.read()
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        found[name] = {
            "p50_ms": times[len(times) // 2],
            "p95_ms": times[round(0.95 * (rounds - 1))],
        }
    return found


class PageReader(FastHttpUser):
    """Asks for every page of the mix in turn, from a page of its own to start with."""

    wait_time = constant(0)
    pages: list[tuple[str, str]] = list(PAGES.items())

    def on_start(self) -> None:
        self.turn = random.randrange(len(self.pages))  # noqa: S311  (spreads the users)

    @task
    def read(self) -> None:
        name, path = self.pages[self.turn % len(self.pages)]
        self.turn += 1
        self.client.get(path, name=name, headers=HEADERS)


class StaticReader(FastHttpUser):
    wait_time = constant(0)
    path = ""

    @task
    def read(self) -> None:
        self.client.get(self.path, name="static file", headers=HEADERS)


def run(user: type[FastHttpUser], base: str, users: int, seconds: float) -> dict[str, Any]:
    env = Environment(user_classes=[user], host=base)
    runner = env.create_local_runner()
    before = machine()
    runner.start(users, spawn_rate=users)
    gevent.sleep(seconds)
    runner.quit()
    drained = time.monotonic()
    with urllib.request.urlopen(f"{base}/health/", timeout=120) as answer:  # noqa: S310
        answer.read()  # answered once the requests cut off at the end are done
    say(f"(the server finished the cut-off requests in {time.monotonic() - drained:.1f} s)")
    stats = env.stats
    rows = {}
    for (name, _method), entry in sorted(stats.entries.items()):
        rows[name] = {
            "requests": entry.num_requests,
            "errors": entry.num_failures,
            "per_second": entry.num_requests / seconds,
            "p50_ms": entry.get_response_time_percentile(0.5),
            "p95_ms": entry.get_response_time_percentile(0.95),
            "kB": entry.avg_content_length / 1000,
        }
    total = stats.total
    errors = [f"{e.name}: {e.error} × {e.occurrences}" for e in stats.errors.values()]
    return {
        "rows": rows,
        "requests": total.num_requests,
        "errors": total.num_failures,
        "error_kinds": errors,
        "per_second": total.num_requests / seconds,
        "p50_ms": total.get_response_time_percentile(0.5),
        "p95_ms": total.get_response_time_percentile(0.95),
        "machine_before": before,
        "machine_after": machine(),
    }


def report(title: str, result: dict[str, Any]) -> None:
    say(f"\n{title}")
    say(f"{'':28} {'requests':>9} {'errors':>7} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'kB':>7}")
    for name, r in result["rows"].items():
        say(
            f"{name:28} {r['requests']:9,} {r['errors']:7} {r['per_second']:8.1f} "
            f"{r['p50_ms']:8.0f} {r['p95_ms']:8.0f} {r['kB']:7.1f}"
        )
    say(
        f"{'all':28} {result['requests']:9,} {result['errors']:7} {result['per_second']:8.1f} "
        f"{result['p50_ms']:8.0f} {result['p95_ms']:8.0f}"
    )
    for kind in result["error_kinds"]:
        say(f"  error: {kind}")
    load = result["machine_before"]["load"], result["machine_after"]["load"]
    say(f"load average before {load[0][0]:.2f}, after {load[1][0]:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--static-seconds", type=float, default=30)
    parser.add_argument("--alone", type=int, default=20, help="requests per page, one at a time")
    parser.add_argument("--port", type=int, default=0, help="default: a free one")
    default_var = Path(os.environ.get("METROSCOPE_VAR", ROOT / "var"))
    parser.add_argument("--source", type=Path, default=default_var / "metroscope.sqlite3")
    args = parser.parse_args()
    args.port = args.port or free_port()
    if args.database == "sqlite" and not args.source.exists():
        raise SystemExit(f"{args.source} does not exist: run `make setup` first (or --source)")
    base = f"http://127.0.0.1:{args.port}"
    results: dict[str, Any] = {"args": {k: str(v) for k, v in vars(args).items()}}
    with tempfile.TemporaryDirectory(prefix="metroscope-load-") as folder:
        var = Path(folder)
        env = prepare(args, var)
        processes = start(env, var)
        try:
            wait_healthy(base, processes)
            say(f"stack up at {base} (logs in {var} while it runs)")
            for _ in range(WARM_ROUNDS):
                for path in PAGES.values():
                    request = urllib.request.Request(base + path, headers=HEADERS)  # noqa: S310
                    with urllib.request.urlopen(request, timeout=60) as answer:  # noqa: S310
                        answer.read()
            results["alone"] = one_at_a_time(base, args.alone)
            StaticReader.path = static_url(base)
            say("busiest processes before the run:")
            for line in machine()["busiest"]:
                say(f"  {line}")
            results["pages"] = run(PageReader, base, args.users, args.seconds)
            results["static"] = run(StaticReader, base, args.users, args.static_seconds)
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
    alone = results["alone"]
    load = alone["machine"]["load"][0]
    say(f"\none request at a time, {args.alone} each (load average {load:.2f})")
    for name in PAGES:
        say(f"{name:28} p50 {alone[name]['p50_ms']:6.0f} ms   p95 {alone[name]['p95_ms']:6.0f} ms")
    report(f"pages and API reads: {args.users} users, {args.seconds:.0f} s", results["pages"])
    report(f"one static file ({StaticReader.path}): {args.users} users", results["static"])
    ratio = results["pages"]["per_second"] / max(results["static"]["per_second"], 1e-9)
    verdict = {
        "Observatory landing alone: p95 < 50 ms": alone["Observatory landing"]["p95_ms"] < 50,
        "indicator page alone: p95 < 300 ms": alone["indicator page"]["p95_ms"] < 300,
        "no error": results["pages"]["errors"] == 0 and results["static"]["errors"] == 0,
        "pages ≥ 1/10 of the static file's throughput": ratio >= 0.1,
    }
    say(f"\nthroughput of the pages ÷ the static file's: 1/{1 / ratio:.1f}" if ratio else "")
    for name, ok in verdict.items():
        say(f"{'ok  ' if ok else 'FAIL'} {name}")
    out = ROOT / "var" / "bench" / f"load-{args.database}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results | {"ratio": ratio, "verdict": verdict}, indent=2))
    say(f"results: {out}")


if __name__ == "__main__":
    main()
