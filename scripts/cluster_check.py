"""Two app hosts behind one proxy, for real (issue 20, item 3): `make cluster-check`.

It starts, on this machine:
- a fresh PostgreSQL database (dropped and made again: `--postgres`, by default
  postgres://postgres@127.0.0.1:5432/metroscope_cluster), migrated, with the open data loaded;
- Redis (`--redis`, by default redis://127.0.0.1:6379/15; that database is emptied first and
  last): Django's cache and the task queue (RQ) of every process;
- the media in an S3 bucket on moto's S3 server (`--media s3`, the default), or in one folder
  both hosts share as a mounted disk would be (`--media folder`);
- host A and host B: two gunicorn processes with the repository's gunicorn.conf.py, each with
  its own METROSCOPE_VAR folder, the same METROSCOPE_SECRET_KEY, and METROSCOPE_PRODUCTION=1
  (plain HTTP on 127.0.0.1: production settings do not force HTTPS, METROSCOPE_HTTPS does);
- one task worker (`metroscope worker`, RQ) with a folder of its own;
- Debian's haproxy in front (round robin, health check on /health/, a failed connection sent
  to the other host).

Then, with one HTTP client keeping its cookies, as a browser would (scripts/cluster_steps.py):
1. health through the proxy is 200, and the proxy sends requests to both hosts;
2. a Secretariat user signs in through A, then posts a form through B (session and CSRF
   token cross hosts; the same post without the token is refused);
3. a value entered and published through A's API shows in B's metro profile (API and page);
4. an import staged on A is confirmed on B (expected to fail until staged imports leave
   host A's var/uploads: that step is marked XFAIL, and does not fail the run);
5. a Board report asked on A runs on the worker, is followed on A's job page, and its PDF is
   downloaded through B;
6. host B is killed, and the proxy still answers every request.

Each check prints PASS, FAIL or XFAIL with what it saw; the exit status is 1 when any check
failed. Every process it started is stopped at the end, and the database dropped unless
--keep (which also keeps the folder with each process's log).

    .venv/bin/python scripts/cluster_check.py
    .venv/bin/python scripts/cluster_check.py --base-port 8140 --media folder --keep
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import requests
from cluster_steps import BUCKET, CHECKS, USERNAME, CheckFailed, Cluster, ExpectedFailure

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
HAPROXY = shutil.which("haproxy") or "/usr/sbin/haproxy"


def say(message: str) -> None:
    print(f"== {message}", flush=True)


# --- the services ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def fresh_database(url: str, keep: bool) -> Iterator[str]:
    """The database `url` names, dropped and made again empty; dropped at the end."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name or not re.fullmatch(r"[A-Za-z0-9_]+", name):
        raise SystemExit(f"--postgres must name a database (letters, digits, _): {url}")
    server = urlunsplit(parts._replace(path="/postgres"))

    def admin(statement: str) -> None:
        with psycopg.connect(server, autocommit=True, connect_timeout=5) as conn:
            conn.execute(statement)

    admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin(f'CREATE DATABASE "{name}"')
    try:
        yield url
    finally:
        if not keep:
            admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def empty_redis(url: str) -> Iterator[str]:
    """Redis's database `url` names, emptied first (figures or queued tasks of an earlier run
    would be taken for this one's: a fresh database can have the same data versions) and last."""
    import redis

    if not re.search(r"/\d+$", url):
        raise SystemExit(f"--redis must name a database number, e.g. redis://host:6379/15: {url}")
    client = redis.Redis.from_url(url)
    client.flushdb()
    try:
        yield url
    finally:
        client.flushdb()
        client.close()


@contextmanager
def s3_server(port: int) -> Iterator[tuple[str, Any]]:
    """moto's S3 server on 127.0.0.1:`port`, with the bucket, and a client on it."""
    import boto3
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # not a line per S3 request
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{server.get_host_and_port()[1]}"
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="eu-west-1",
        aws_access_key_id="cluster",
        aws_secret_access_key="cluster",  # noqa: S106  (moto's server takes any key)
    )
    client.create_bucket(
        Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
    )
    try:
        yield endpoint, client
    finally:
        server.stop()


def metroscope(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [str(BIN / "metroscope"), *args],
        env=env,
        cwd=ROOT,
        text=True,
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"metroscope {' '.join(args)} failed:\n{done.stderr}{done.stdout}")
    return done.stdout


def start(
    cluster: Cluster, name: str, command: list[str], env: dict[str, str]
) -> subprocess.Popen[bytes]:
    """A process in its own process group (stopped with everything it started), its output
    in <folder>/<name>.log."""
    with (cluster.folder / f"{name}.log").open("wb") as output:
        process = subprocess.Popen(  # noqa: S603  (our own commands)
            command,
            env=env,
            cwd=ROOT,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    cluster.processes[name] = process
    return process


def stop(process: subprocess.Popen[bytes], *, kill: bool = False) -> None:
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGKILL if kill else signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def stop_all(cluster: Cluster) -> None:
    for process in reversed(list(cluster.processes.values())):
        stop(process)


def wait_healthy(cluster: Cluster, name: str, base: str, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            if requests.get(f"{base}/health/", timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        process = cluster.processes.get(name)
        if (process and process.poll() is not None) or time.monotonic() > deadline:
            raise SystemExit(
                f"{name} did not become healthy at {base}:\n{cluster.log(name)[-3000:]}"
            )
        time.sleep(0.5)


HAPROXY_CONFIG = """\
global
    maxconn 256

defaults
    mode http
    timeout connect 2s
    timeout client 60s
    timeout server 60s
    # a connection a host refuses (it is down, not yet marked so) goes to the other host
    retries 3
    option redispatch
    option forwardfor

frontend web
    bind 127.0.0.1:{proxy_port}
    default_backend app

backend app
    balance roundrobin
    option httpchk
    http-check send meth GET uri /health/ ver HTTP/1.1 hdr Host 127.0.0.1
    http-check expect status 200
    http-response set-header X-Served-By %[srv_name]
    server a 127.0.0.1:{a_port} check inter 1s fall 2 rise 1
    server b 127.0.0.1:{b_port} check inter 1s fall 2 rise 1
"""


MAKE_USER = """
from django.contrib.auth import get_user_model
from metroscope.members.services import role_grant
get_user_model().objects.create_user(%(name)r, password=%(password)r)
role_grant(username=%(name)r, role="secretariat", member_code="")
"""


# --- putting it together --------------------------------------------------------------------


def ports(args: argparse.Namespace) -> dict[str, int]:
    names = ("proxy", "a", "b", "s3")
    if args.base_port:
        return {name: args.base_port + i for i, name in enumerate(names)}
    return {name: free_port() for name in names}


def environment(args: argparse.Namespace, database: str, port: dict[str, int]) -> dict[str, str]:
    proxy = f"http://127.0.0.1:{port['proxy']}"
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("METROSCOPE_")},
        "PYTHONPATH": str(ROOT / "src"),
        "DATABASE_URL": database,
        "REDIS_URL": args.redis,
        "METROSCOPE_PRODUCTION": "1",
        "METROSCOPE_SECRET_KEY": secrets.token_urlsafe(50),
        "METROSCOPE_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "METROSCOPE_SITE_URL": proxy,
        "METROSCOPE_PROXY_COUNT": "1",
        "METROSCOPE_WEB_WORKERS": "2",
        "METROSCOPE_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "METROSCOPE_LOG_LEVEL": "WARNING",
    }


def run_checks(cluster: Cluster) -> list[tuple[str, str, float, str]]:
    results = []
    for name, check in CHECKS:
        started = time.monotonic()
        try:
            outcome, detail = "PASS", check(cluster)
        except ExpectedFailure as exc:
            outcome, detail = "XFAIL", str(exc)
        except CheckFailed as exc:
            outcome, detail = "FAIL", str(exc)
        except Exception as exc:  # noqa: BLE001  (any error is this check's failure, shown)
            outcome, detail = "FAIL", f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}"
        seconds = time.monotonic() - started
        print(f"{outcome:<5} {name} ({seconds:.1f} s)\n      {detail}", flush=True)
        results.append((outcome, name, seconds, detail))
    return results


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--postgres",
        default=os.environ.get(
            "CLUSTER_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/metroscope_cluster"
        ),
        help="the database to drop, make and use (env CLUSTER_DATABASE_URL)",
    )
    parser.add_argument(
        "--redis",
        default=os.environ.get("CLUSTER_REDIS_URL", "redis://127.0.0.1:6379/15"),
        help="Redis with a database number, emptied first and last (env CLUSTER_REDIS_URL)",
    )
    parser.add_argument("--media", choices=("s3", "folder"), default="s3")
    parser.add_argument(
        "--base-port", type=int, default=0, help="proxy, A, B, S3 on this port and the next 3"
    )
    parser.add_argument("--keep", action="store_true", help="keep the folder and the database")
    return parser.parse_args()


def media(
    stack: ExitStack, cluster: Cluster, args: argparse.Namespace, port: int
) -> dict[str, str]:
    """The media's settings: a bucket on moto's S3 server, or one folder both hosts share."""
    if args.media == "folder":
        shared = cluster.folder / "shared-media"
        say(f"media in one folder both hosts share, {shared}")
        return {"METROSCOPE_MEDIA_ROOT": str(shared)}
    endpoint, cluster.s3 = stack.enter_context(s3_server(port))
    say(f"media in moto's S3 server at {endpoint}, bucket {BUCKET}")
    return {
        "METROSCOPE_S3_BUCKET": BUCKET,
        "METROSCOPE_S3_ENDPOINT_URL": endpoint,
        "METROSCOPE_S3_REGION": "eu-west-1",
        "METROSCOPE_S3_ACCESS_KEY_ID": "cluster",
        "METROSCOPE_S3_SECRET_ACCESS_KEY": "cluster",
    }


def host_env(cluster: Cluster, env: dict[str, str], name: str) -> dict[str, str]:
    """A host's environment: the cluster's, with a var/ folder of its own."""
    (cluster.folder / name).mkdir(exist_ok=True)
    return env | {"METROSCOPE_VAR": str(cluster.folder / name)}


def prepare(cluster: Cluster, env: dict[str, str], timings: dict[str, float]) -> None:
    """Migrate, load the open data, make the Secretariat user the checks sign in as."""
    step = time.monotonic()
    metroscope(env, "migrate", "--noinput", "-v", "0")
    timings["migrate"] = time.monotonic() - step
    step = time.monotonic()
    metroscope(env, "load_open_data", "-v", "0")
    timings["load_open_data"] = time.monotonic() - step
    metroscope(env, "shell", "-c", MAKE_USER % {"name": USERNAME, "password": cluster.password})
    say(
        f"migrated in {timings['migrate']:.0f} s, "
        f"open data loaded in {timings['load_open_data']:.0f} s"
    )


def bring_up(
    cluster: Cluster, env: dict[str, str], port: dict[str, int], timings: dict[str, float]
) -> None:
    """Hosts A and B, the worker and haproxy, each waited for until healthy."""
    step = time.monotonic()
    gunicorn = [
        str(BIN / "gunicorn"),
        "metroscope.wsgi",
        "--config",
        str(ROOT / "gunicorn.conf.py"),
    ]
    for name, key in (("host-a", "a"), ("host-b", "b")):
        bind = {"METROSCOPE_BIND": f"127.0.0.1:{port[key]}"}
        start(cluster, name, gunicorn, host_env(cluster, env, name) | bind)
    start(cluster, "worker", [str(BIN / "metroscope"), "worker"], host_env(cluster, env, "worker"))
    config = cluster.folder / "haproxy.cfg"
    config.write_text(
        HAPROXY_CONFIG.format(proxy_port=port["proxy"], a_port=port["a"], b_port=port["b"])
    )
    start(cluster, "haproxy", [HAPROXY, "-f", str(config), "-db"], env)
    wait_healthy(cluster, "host-a", cluster.a)
    wait_healthy(cluster, "host-b", cluster.b)
    time.sleep(2.5)  # haproxy's first health checks (every second, up after one)
    wait_healthy(cluster, "haproxy", cluster.proxy)
    timings["start the hosts"] = time.monotonic() - step
    say(f"hosts, worker and proxy up in {timings['start the hosts']:.0f} s")


def summary(results: list[tuple[str, str, float, str]], timings: dict[str, float]) -> bool:
    """Print the times and the counts; True when every check ran and none failed."""
    say("summary")
    for name, seconds in timings.items():
        print(f"   {name:<18} {seconds:6.0f} s")
    counts = {o: sum(1 for r in results if r[0] == o) for o in ("PASS", "FAIL", "XFAIL")}
    if counts["XFAIL"]:
        print(f"   {counts['XFAIL']} check(s) failed as expected (XFAIL), as said above")
    print(f"cluster-check: {counts['PASS']} passed, {counts['FAIL']} failed")
    return counts["FAIL"] == 0 and len(results) >= len(CHECKS)


def main() -> int:
    args = arguments()
    if not Path(HAPROXY).exists():
        raise SystemExit("haproxy is missing: install Debian's haproxy (apt-get install haproxy)")
    started = time.monotonic()
    port = ports(args)
    cluster = Cluster(
        proxy=f"http://127.0.0.1:{port['proxy']}",
        a=f"http://127.0.0.1:{port['a']}",
        b=f"http://127.0.0.1:{port['b']}",
        folder=Path(tempfile.mkdtemp(prefix="metroscope-cluster-")),
        password=secrets.token_urlsafe(16),
    )
    timings: dict[str, float] = {}
    results: list[tuple[str, str, float, str]] = []
    try:
        with ExitStack() as stack:
            database = stack.enter_context(fresh_database(args.postgres, args.keep))
            stack.enter_context(empty_redis(args.redis))
            say(f"database {database}, Redis {args.redis}, folder {cluster.folder}")
            env = environment(args, database, port) | media(stack, cluster, args, port["s3"])
            prepare(cluster, host_env(cluster, env, "worker"), timings)
            stack.callback(stop_all, cluster)
            bring_up(cluster, env, port, timings)
            results = run_checks(cluster)
            for name in ("worker", "host-a", "haproxy"):
                if cluster.processes[name].poll() is not None:
                    results.append(("FAIL", f"{name} stayed up", 0.0, cluster.log(name)[-2000:]))
    finally:
        timings["total"] = time.monotonic() - started
        passed = summary(results, timings)
        if passed and not args.keep:
            shutil.rmtree(cluster.folder, ignore_errors=True)
        else:
            print(f"   the processes' logs: {cluster.folder}")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
