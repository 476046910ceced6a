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

Then, with one HTTP client keeping its cookies, as a browser would:
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
import csv
import io
import json
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
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import requests

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
HAPROXY = shutil.which("haproxy") or "/usr/sbin/haproxy"
TIMEOUT = 60  # seconds for one HTTP request
BUCKET = "metroscope-cluster"
METRO, INDICATOR, SOURCE = "barcelona", "population_urban_centre", "JRC_GHS_UCDB2015_R2019A_V1_2"
REPORT_YEAR = 2022  # a year with a work plan in the open data
USERNAME = "cluster-secretariat"
# Values this check writes into its throwaway database are not real: their note says so.
SYNTHETIC_NOTE = "cluster check: a synthetic value, not data"


class CheckFailed(Exception):
    """A check saw something other than what a working cluster shows."""


class ExpectedFailure(Exception):
    """A check failed the way a known, not yet fixed, limitation makes it fail."""


@dataclass
class Cluster:
    proxy: str
    a: str
    b: str
    folder: Path
    password: str
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    s3: Any = None  # a boto3 client on the bucket, with --media s3
    http: requests.Session = field(default_factory=requests.Session)

    def log(self, name: str) -> str:
        path = self.folder / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""


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


def port_open(base: str) -> bool:
    parts = urlsplit(base)
    try:
        with socket.create_connection((parts.hostname, parts.port), timeout=1):
            return True
    except OSError:
        return False


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


# --- the checks -----------------------------------------------------------------------------


def csrf_from(page: requests.Response) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    if not found:
        raise CheckFailed(f"no CSRF token in the form at {page.url} ({page.status_code})")
    return found.group(1)


def expect(condition: bool, message: str) -> None:
    if not condition:
        raise CheckFailed(message)


def check_health_through_the_proxy(cluster: Cluster) -> str:
    served = []
    for _ in range(4):
        response = requests.get(f"{cluster.proxy}/health/", timeout=TIMEOUT)
        body = response.json()
        expect(response.status_code == 200, f"/health/ answered {response.status_code}: {body}")
        expect(body["checks"]["cache"]["backend"] == "RedisCache", f"cache: {body['checks']}")
        expect(body["checks"]["queue"]["backend"] == "RQBackend", f"queue: {body['checks']}")
        served.append(response.headers.get("X-Served-By", "?"))
    expect(set(served) == {"a", "b"}, f"round robin should reach both hosts, served by {served}")
    return f"200 with Redis cache and RQ queue; served by {', '.join(served)}"


def sign_in(cluster: Cluster, base: str) -> None:
    page = cluster.http.get(f"{base}/accounts/login/", timeout=TIMEOUT)
    response = cluster.http.post(
        f"{base}/accounts/login/",
        data={
            "csrfmiddlewaretoken": csrf_from(page),
            "username": USERNAME,
            "password": cluster.password,
        },
        allow_redirects=False,
        timeout=TIMEOUT,
    )
    expect(response.status_code == 302, f"signing in on {base} answered {response.status_code}")


def check_session_and_csrf_cross_hosts(cluster: Cluster) -> str:
    sign_in(cluster, cluster.a)
    form_url = f"{cluster.b}/observatory/groups/new/"
    page = cluster.http.get(form_url, allow_redirects=False, timeout=TIMEOUT)
    expect(page.status_code == 200, f"B does not know the session made on A: {page.status_code}")
    fields = {
        "name": "Cluster check peers",
        "visibility": "private",
        "metros": "barcelona\nparis\nseoul",
        "description": "",
    }
    refused = cluster.http.post(form_url, data=fields, allow_redirects=False, timeout=TIMEOUT)
    expect(refused.status_code == 403, f"B took a post without a CSRF token: {refused.status_code}")
    saved = cluster.http.post(
        form_url,
        data=fields | {"csrfmiddlewaretoken": csrf_from(page)},
        allow_redirects=False,
        timeout=TIMEOUT,
    )
    expect(
        saved.status_code == 302, f"B refused the form made for A's session: {saved.status_code}"
    )
    group = saved.headers["Location"]
    back = cluster.http.get(f"{cluster.a}{group}", timeout=TIMEOUT)
    expect(
        back.status_code == 200 and "Cluster check peers" in back.text,
        f"A does not show the private group saved through B ({back.status_code})",
    )
    return f"signed in on A, saved a private peer group on B ({group}), read it on A"


def profile_row(cluster: Cluster, base: str) -> dict[str, Any]:
    response = requests.get(f"{base}/api/v1/metros/{METRO}/profile", timeout=TIMEOUT)
    expect(response.status_code == 200, f"{base}'s profile answered {response.status_code}")
    for row in response.json()["indicators"]:
        if row["indicator"] == INDICATOR:
            return dict(row)
    raise CheckFailed(f"{INDICATOR} is not in {METRO}'s profile on {base}")


def api_post(cluster: Cluster, base: str, path: str, body: Any) -> dict[str, Any]:
    response = cluster.http.post(
        f"{base}/api/v1/{path}",
        data=json.dumps(body),
        headers={
            "Content-Type": "application/json",
            "X-CSRFToken": cluster.http.cookies.get("csrftoken", ""),
        },
        timeout=TIMEOUT,
    )
    expect(
        response.status_code == 200,
        f"POST {path} on {base}: {response.status_code} {response.text[:300]}",
    )
    return dict(response.json())


def check_a_value_changed_on_a_shows_on_b(cluster: Cluster) -> str:
    before = profile_row(cluster, cluster.b)
    year = before["year"] + 5
    value = round(before["value"] * 1.01)
    written = api_post(
        cluster,
        cluster.a,
        "observations",
        [
            {
                "metro": METRO,
                "indicator": INDICATOR,
                "year": year,
                "value": value,
                "source": SOURCE,
                "note": SYNTHETIC_NOTE,
            }
        ],
    )
    expect(written["created"] == 1, f"A did not create the value: {written}")
    listed = cluster.http.get(
        f"{cluster.a}/api/v1/observations",
        params={
            "metro": METRO,
            "indicator": INDICATOR,
            "year_from": year,
            "year_to": year,
            "status": "provisional",
        },
        timeout=TIMEOUT,
    ).json()["items"]
    expect(len(listed) == 1, f"A lists {len(listed)} provisional values for {year}")
    reviewed = api_post(
        cluster, cluster.a, "observations/review", {"ids": [listed[0]["id"]], "status": "published"}
    )
    expect(reviewed["changed"] == 1, f"A did not publish the value: {reviewed}")
    published = time.monotonic()
    while True:
        row = profile_row(cluster, cluster.b)
        if row["year"] == year and row["value"] == value:
            break
        if time.monotonic() - published > 60:
            raise CheckFailed(
                f"B's profile still shows {row['year']}: {row['value']} a minute after A "
                f"published {year}: {value}"
            )
        time.sleep(1)
    waited = time.monotonic() - published
    page = requests.get(f"{cluster.b}/observatory/metros/{METRO}/", timeout=TIMEOUT)
    expect(page.status_code == 200, f"B's metro page answered {page.status_code}")
    expect(str(year) in page.text, f"B's metro page does not mention {year}")
    return (
        f"{INDICATOR} of {METRO}: {before['year']} {before['value']:,.0f} → published on A "
        f"{year} {value:,.0f}; B's profile showed it after {waited:.1f} s, and its page too"
    )


def stage_import(cluster: Cluster, base: str, rows: list[dict[str, Any]]) -> requests.Response:
    """Upload a tidy CSV on `base`'s import page; the answer is the preview with its confirm
    form (today: the dry run inside the request; the file kept in that host's var/uploads)."""
    page = cluster.http.get(f"{base}/observatory/import/", timeout=TIMEOUT)
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=["metro", "indicator", "year", "value", "note"])
    writer.writeheader()
    writer.writerows(rows)
    preview = cluster.http.post(
        f"{base}/observatory/import/",
        data={"csrfmiddlewaretoken": csrf_from(page), "source": SOURCE, "status": "published"},
        files={"file": ("cluster-check.csv", text.getvalue().encode(), "text/csv")},
        timeout=TIMEOUT,
    )
    expect(preview.status_code == 200, f"the upload on {base} answered {preview.status_code}")
    expect('name="confirm"' in preview.text, f"no confirm form in {base}'s preview")
    return preview


def confirm_import(cluster: Cluster, base: str, preview: requests.Response) -> requests.Response:
    """Post the preview's confirm form to `base` (another host than the one that staged it)."""
    return cluster.http.post(
        f"{base}/observatory/import/",
        data={"csrfmiddlewaretoken": csrf_from(preview), "confirm": "1"},
        timeout=TIMEOUT,
    )


def published_values(base: str, year: int) -> list[dict[str, Any]]:
    response = requests.get(
        f"{base}/api/v1/observations",
        params={"metro": METRO, "indicator": INDICATOR, "year_from": year, "year_to": year},
        timeout=TIMEOUT,
    )
    expect(response.status_code == 200, f"{base}'s observations answered {response.status_code}")
    return list(response.json()["items"])


def check_an_import_staged_on_a_is_confirmed_on_b(cluster: Cluster) -> str:
    year = profile_row(cluster, cluster.a)["year"] + 1
    value = round(profile_row(cluster, cluster.a)["value"] * 1.02)
    rows = [{"metro": METRO, "indicator": INDICATOR, "year": year, "value": value}]
    rows[0]["note"] = SYNTHETIC_NOTE
    preview = stage_import(cluster, cluster.a, rows)
    done = confirm_import(cluster, cluster.b, preview)
    found = published_values(cluster.a, year)
    if found and found[0]["value"] == value:
        return f"staged on A, confirmed on B: {METRO} {year} {value:,} published"
    if "The uploaded file has expired" in done.text:
        raise ExpectedFailure(
            "B answered 'The uploaded file has expired': the staged file lives in host A's "
            "var/uploads. Expected until staged imports live in the database or the shared "
            "storage (the import page's move onto the queue)."
        )
    raise CheckFailed(f"B's confirmation answered {done.status_code}, and {year} is not there")


def check_a_board_report_runs_on_the_worker(cluster: Cluster) -> str:
    asked = cluster.http.get(
        f"{cluster.a}/plan/report/board-report.pdf",
        params={"year": REPORT_YEAR},
        allow_redirects=False,
        timeout=TIMEOUT,
    )
    expect(asked.status_code == 302, f"asking for the report on A answered {asked.status_code}")
    job_path = asked.headers["Location"]
    found = re.fullmatch(r"/jobs/([0-9a-f-]{36})/", job_path)
    expect(found is not None, f"the report should go to its job page, not {job_path}")
    job_id = found.group(1) if found else ""
    started = time.monotonic()
    while True:
        status = cluster.http.get(
            f"{cluster.a}{job_path}", headers={"HX-Request": "true"}, timeout=TIMEOUT
        )
        expect(status.status_code == 200, f"A's job page answered {status.status_code}")
        if f'href="/jobs/{job_id}/file/"' in status.text:
            break
        if "job-error" in status.text:
            raise CheckFailed(f"the report failed: {re.sub(r'<[^>]+>', ' ', status.text)[:500]}")
        if time.monotonic() - started > 180:
            raise CheckFailed("the report was not ready after 3 minutes")
        time.sleep(1)
    built = time.monotonic() - started
    expect(
        f"job {job_id} started" in cluster.log("worker"),
        "the worker's log does not say it ran the job",
    )
    for host in ("host-a", "host-b"):
        expect(f"job {job_id} started" not in cluster.log(host), f"{host} ran the job itself")
    pdf = cluster.http.get(f"{cluster.b}/jobs/{job_id}/file/", timeout=TIMEOUT)
    expect(pdf.status_code == 200, f"B's download answered {pdf.status_code}")
    expect(pdf.headers.get("Content-Type") == "application/pdf", "B's download is not a PDF")
    expect(pdf.content.startswith(b"%PDF"), "B's download does not start like a PDF")
    where = "the shared media folder"
    if cluster.s3 is not None:
        keys = [o["Key"] for o in cluster.s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])]
        expect(
            any(k.startswith("jobs/") and k.endswith(".pdf") for k in keys),
            f"the PDF is not in the bucket: {keys}",
        )
        where = f"the bucket ({len(keys)} object(s))"
    return (
        f"job {job_id}: built by the worker in {built:.0f} s (followed on A), "
        f"{len(pdf.content):,} bytes of PDF downloaded through B from {where}"
    )


def check_the_proxy_answers_with_one_host_down(cluster: Cluster) -> str:
    stop(cluster.processes["host-b"], kill=True)
    # The master is gone; its workers (SIGKILLed with it) may hold the socket a moment longer.
    deadline = time.monotonic() + 10
    while port_open(cluster.b):
        expect(time.monotonic() < deadline, "B still accepts connections 10 s after SIGKILL")
        time.sleep(0.1)
    served = []
    for _ in range(10):
        response = requests.get(f"{cluster.proxy}/health/", timeout=TIMEOUT)
        expect(
            response.status_code == 200, f"with B down, the proxy answered {response.status_code}"
        )
        served.append(response.headers.get("X-Served-By", "?"))
    home = requests.get(f"{cluster.proxy}/", timeout=TIMEOUT)
    expect(home.status_code == 200, f"with B down, the home page answered {home.status_code}")
    expect(set(served) == {"a"}, f"with B down, answers came from {served}")
    return (
        "B killed (SIGKILL): 10 health checks and the home page through the proxy, all 200 from A"
    )


CHECKS: list[tuple[str, Callable[[Cluster], str]]] = [
    ("health through the proxy, both hosts in turn", check_health_through_the_proxy),
    ("sign in on A, post a form on B (session, CSRF)", check_session_and_csrf_cross_hosts),
    ("a value published on A shows on B", check_a_value_changed_on_a_shows_on_b),
    ("an import staged on A, confirmed on B", check_an_import_staged_on_a_is_confirmed_on_b),
    ("a Board report: worker, job page, PDF through B", check_a_board_report_runs_on_the_worker),
    ("one host killed, the proxy still answers", check_the_proxy_answers_with_one_host_down),
]


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


def main() -> int:
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
    args = parser.parse_args()
    if not Path(HAPROXY).exists():
        raise SystemExit("haproxy is missing: install Debian's haproxy (apt-get install haproxy)")

    started = time.monotonic()
    folder = Path(tempfile.mkdtemp(prefix="metroscope-cluster-"))
    port = ports(args)
    timings: dict[str, float] = {}
    results: list[tuple[str, str, float, str]] = []
    cluster = Cluster(
        proxy=f"http://127.0.0.1:{port['proxy']}",
        a=f"http://127.0.0.1:{port['a']}",
        b=f"http://127.0.0.1:{port['b']}",
        folder=folder,
        password=secrets.token_urlsafe(16),
    )
    try:
        with ExitStack() as stack:
            database = stack.enter_context(fresh_database(args.postgres, args.keep))
            stack.enter_context(empty_redis(args.redis))
            env = environment(args, database, port)
            if args.media == "s3":
                endpoint, cluster.s3 = stack.enter_context(s3_server(port["s3"]))
                env |= {
                    "METROSCOPE_S3_BUCKET": BUCKET,
                    "METROSCOPE_S3_ENDPOINT_URL": endpoint,
                    "METROSCOPE_S3_REGION": "eu-west-1",
                    "METROSCOPE_S3_ACCESS_KEY_ID": "cluster",
                    "METROSCOPE_S3_SECRET_ACCESS_KEY": "cluster",
                }
                media = f"moto's S3 server at {endpoint}, bucket {BUCKET}"
            else:
                env["METROSCOPE_MEDIA_ROOT"] = str(folder / "shared-media")
                media = f"one folder both hosts share, {folder / 'shared-media'}"
            say(f"database {database}, Redis {args.redis}, media in {media}")
            say(f"folder {folder}")

            def host_env(name: str) -> dict[str, str]:
                (folder / name).mkdir()
                return env | {"METROSCOPE_VAR": str(folder / name)}

            step = time.monotonic()
            worker_env = host_env("worker")
            metroscope(worker_env, "migrate", "--noinput", "-v", "0")
            timings["migrate"] = time.monotonic() - step
            step = time.monotonic()
            metroscope(worker_env, "load_open_data", "-v", "0")
            timings["load_open_data"] = time.monotonic() - step
            metroscope(
                worker_env,
                "shell",
                "-c",
                MAKE_USER % {"name": USERNAME, "password": cluster.password},
            )
            say(
                f"migrated in {timings['migrate']:.0f} s, "
                f"open data loaded in {timings['load_open_data']:.0f} s"
            )

            step = time.monotonic()
            stack.callback(stop_all, cluster)
            for name, key in (("host-a", "a"), ("host-b", "b")):
                start(
                    cluster,
                    name,
                    [
                        str(BIN / "gunicorn"),
                        "metroscope.wsgi",
                        "--config",
                        str(ROOT / "gunicorn.conf.py"),
                    ],
                    host_env(name) | {"METROSCOPE_BIND": f"127.0.0.1:{port[key]}"},
                )
            start(cluster, "worker", [str(BIN / "metroscope"), "worker"], worker_env)
            config = folder / "haproxy.cfg"
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

            results = run_checks(cluster)
            for name in ("worker", "host-a", "haproxy"):
                if cluster.processes[name].poll() is not None:
                    results.append(("FAIL", f"{name} stayed up", 0.0, cluster.log(name)[-2000:]))
    finally:
        failed = [r for r in results if r[0] == "FAIL"]
        say("summary")
        for name, seconds in timings.items():
            print(f"   {name:<18} {seconds:6.0f} s")
        counts = {o: sum(1 for r in results if r[0] == o) for o in ("PASS", "FAIL", "XFAIL")}
        print(f"   {'total':<18} {time.monotonic() - started:6.0f} s")
        if counts["XFAIL"]:
            print(f"   {counts['XFAIL']} check(s) failed as expected (XFAIL), as said above")
        print(f"cluster-check: {counts['PASS']} passed, {counts['FAIL']} failed")
        if failed or args.keep or len(results) < len(CHECKS):
            print(f"   the processes' logs: {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    return 1 if failed or len(results) < len(CHECKS) else 0


if __name__ == "__main__":
    sys.exit(main())
