"""Fuzz the live API with schemathesis (issue 21, item 3): `make fuzz`.

1. A throwaway database: SQLite in a temporary folder, or, when DATABASE_URL names a
   PostgreSQL server, a new database `<its name>_fuzz` on that server (dropped at the end).
   Nothing the fuzzer writes reaches any other database.
2. `metroscope migrate` and `metroscope load_open_data` (the real open data).
3. The personas: a Secretariat user and an officer of one member, each with an API token.
4. gunicorn on a free port of 127.0.0.1, with rate limits off (the fuzzer is one client
   asking thousands of times; the 429 answer has its own tests).
5. schemathesis against the served /api/v1/openapi.json, once per persona (anonymous, the
   Secretariat's token, the officer's token), with the coverage, fuzzing and stateful phases
   and the checks not_a_server_error, response_schema_conformance and
   status_code_conformance.

Exit status 0 when no run found a failure, 1 otherwise; the time of each step is printed.
Reports (JUnit, and a pytest file reproducing each failure) and the server's log are kept
in the temporary folder when a run fails, or always with --keep.

    .venv/bin/python scripts/fuzz_api.py                      # SQLite, every persona
    .venv/bin/python scripts/fuzz_api.py --personas officer --max-examples 20
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PERSONAS = ("anonymous", "secretariat", "officer")
OFFICER_OF = "barcelona-city"  # a member of the open data
CHECKS = "not_a_server_error,response_schema_conformance,status_code_conformance"
PHASES = "coverage,fuzzing,stateful"

# Run in `metroscope shell`: the personas with their tokens, and real identifiers and values
# for the fuzzer's dictionaries (so that a share of its requests name records that exist and
# pass the rules a schema cannot say, and reach deeper than the first refusal).
PREPARE = """
import json
from django.contrib.auth import get_user_model
from metroscope.accountability.models import Activity
from metroscope.accountability.people.models import ParticipantRole
from metroscope.accountability.risks.models import RiskCategory, RiskStatus
from metroscope.awards.models import Edition
from metroscope.core import tokens
from metroscope.events.models import Event
from metroscope.exchange.models import Collection, Solution
from metroscope.listening.models import RequestCategory
from metroscope.members.models import Gender, Member
from metroscope.members.services import role_grant
from metroscope.observatory.models import Indicator, Metro, Observation
from metroscope.plan.models import Challenge, Theme

made = {}
for name, role, member in (("fuzz-secretariat", "secretariat", ""),
                           ("fuzz-officer", "officer", %(member)r)):
    user, _ = get_user_model().objects.get_or_create(username=name)
    user.set_unusable_password()
    user.save()
    role_grant(username=name, role=role, member_code=member)
    made[name.removeprefix("fuzz-")] = tokens.issue(user, "fuzzing", days=30)[1]

def codes(queryset, field="code", limit=300):
    return list(queryset.order_by(field).values_list(field, flat=True)[:limit])

metros = Metro.objects.filter(memberships__isnull=False).distinct()
years = Observation.objects.values_list("year", flat=True).distinct()
found = {
    "members": codes(Member.objects.all()),
    "metros": codes(metros),
    "indicators": codes(Indicator.objects.all()),
    "solutions": codes(Solution.objects.filter(status="published"), "slug"),
    "collections": codes(Collection.objects.all()),
    "events": codes(Event.objects.all(), "pk"),
    "activities": codes(Activity.objects.all(), "pk"),
    "editions": codes(Edition.objects.all(), "year"),
    "themes": codes(Theme.objects.all()),
    "challenges": codes(Challenge.objects.all()),
    "countries": sorted({m.country.iso3 for m in Member.objects.select_related("country")}),
    "years": sorted(set(years)),
    "languages": ["en", "fr", "es"],
    "genders": list(Gender.values),
    "roles": list(ParticipantRole.values),
    "risk_categories": list(RiskCategory.values),
    "risk_statuses": list(RiskStatus.values),
    "request_categories": list(RequestCategory.values),
}
print(json.dumps({"tokens": made, "dictionaries": {k: v for k, v in found.items() if v}}))
"""

# Parameters and body fields the dictionaries fill half the time (the other half stays the
# fuzzer's own): in any operation that has them…
BINDINGS = {
    "path.event_id": "events",
    "path.activity_id": "activities",
    "path.slug": "solutions",
    "query.indicator": "indicators",
    "query.metro": "metros",
    "query.member": "members",
    "query.country": "countries",
    "query.theme": "themes",
    "query.challenge": "challenges",
    "query.year": "years",
    "body.member": "members",
    "body.members[*]": "members",
    "body.activity_id": "activities",
    "body.indicator": "indicators",
    "body.indicators[*]": "indicators",
    "body.metro": "metros",
    "body.themes[*]": "themes",
    "body.challenges[*]": "challenges",
    "body.collection": "collections",
    "body.country_iso3": "countries",
    "body.edition": "editions",
    "body.language": "languages",
    "body.languages[*]": "languages",
    "body.gender": "genders",
    "body.role_category": "roles",
}
# …and where one name means different things on different paths.
BINDINGS_BY_PATH = {
    "^/api/v1/members/": {"path.code": "members"},
    "^/api/v1/metros/": {"path.code": "metros"},
    "^/api/v1/indicators/": {"path.code": "indicators"},
    "^/api/v1/plan/risks$": {"body.category": "risk_categories", "body.status": "risk_statuses"},
    "^/api/v1/requests$": {"body.category": "request_categories"},
}


def schemathesis_config(dictionaries: dict[str, list[str]]) -> str:
    """schemathesis.toml: the dictionaries and which parameters draw from them."""

    def bindings(named: dict[str, str]) -> list[str]:
        return [
            f'"{key}" = {{ dictionary = "{name}", probability = 0.5 }}'
            for key, name in named.items()
            if name in dictionaries
        ]

    # the failures of the last runs, replayed first by the next (var/ is not in git)
    lines = ["[cache]", f"directory = {json.dumps(str(ROOT / 'var' / 'schemathesis'))}", ""]
    for name, values in dictionaries.items():
        lines += [f"[dictionaries.{name}]", f"values = {json.dumps(values)}", ""]
    lines += ["[parameters]", *bindings(BINDINGS)]
    for regex, named in BINDINGS_BY_PATH.items():
        lines += ["", "[[operations]]", f'include-path-regex = "{regex}"']
        lines += ["[operations.parameters]", *bindings(named)]
    return "\n".join(lines) + "\n"


def say(message: str) -> None:
    print(f"== {message}", flush=True)


def metroscope(env: dict[str, str], *args: str, capture: bool = False) -> str:
    done = subprocess.run(
        [str(BIN / "metroscope"), *args],
        env=env,
        cwd=ROOT,
        check=True,
        text=True,
        stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
    )
    return done.stdout or ""


@contextmanager
def throwaway_database(folder: Path) -> Iterator[str]:
    """The URL of a new, empty database that nothing else uses."""
    given = os.environ.get("DATABASE_URL", "")
    if not given.startswith(("postgres://", "postgresql://")):
        yield f"sqlite:///{folder / 'fuzz.sqlite3'}"
        return
    import psycopg

    parts = urlsplit(given)
    name = f"{parts.path.lstrip('/') or 'metroscope'}_fuzz"
    server = urlunsplit(parts._replace(path="/postgres"))

    def admin(statement: str) -> None:
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(statement)

    admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def server(env: dict[str, str], port: int, log: Path) -> Iterator[str]:
    base = f"http://127.0.0.1:{port}"
    command = [
        str(BIN / "gunicorn"),
        "metroscope.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "2",
        "--timeout",
        "120",
        "--log-level",
        "warning",
        # every request line reaches the API, whose contract is under test (gunicorn answers
        # one past 4094 bytes itself, with a page, before the application sees it)
        "--limit-request-line",
        "0",
    ]
    with log.open("w") as output:
        process = subprocess.Popen(
            command, env=env, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                # our own server's address: no other scheme can reach it
                with urllib.request.urlopen(f"{base}/api/v1/openapi.json", timeout=5):  # noqa: S310
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"the server did not start; see {log}") from None
                time.sleep(0.5)
        yield base
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def fuzz(base: str, persona: str, token: str | None, folder: Path, args: argparse.Namespace) -> int:
    command = [
        str(BIN / "schemathesis"),
        "--config-file",
        str(folder / "schemathesis.toml"),
        "run",
        f"{base}/api/v1/openapi.json",
        "--phases",
        PHASES,
        "--checks",
        CHECKS,
        "--max-examples",
        str(args.max_examples),
        "--workers",
        str(args.workers),
        "--request-timeout",
        "60",
        "--generation-database",
        "none",
        "--report",
        "junit,pytest",
        "--report-dir",
        str(folder / "reports" / persona),
        "--no-color",
    ]
    if args.seed is not None:
        command += ["--seed", str(args.seed)]
    if token:
        command += ["--header", f"Authorization: Bearer {token}"]
    return subprocess.run(command, cwd=ROOT).returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--personas", default=",".join(PERSONAS), help="comma-separated")
    parser.add_argument("--max-examples", type=int, default=25, help="per operation and phase")
    parser.add_argument("--workers", type=int, default=2, help="schemathesis's concurrent requests")
    parser.add_argument("--seed", type=int, help="to repeat a run")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    personas = [p for p in args.personas.split(",") if p]
    unknown = set(personas) - set(PERSONAS)
    if unknown:
        parser.error(f"unknown persona(s) {', '.join(sorted(unknown))}; choose from {PERSONAS}")

    started = time.monotonic()
    folder = Path(tempfile.mkdtemp(prefix="metroscope-fuzz-"))
    timings: dict[str, float] = {}
    results: dict[str, int] = {}
    try:
        with throwaway_database(folder) as database:
            env = {
                **os.environ,
                "DATABASE_URL": database,
                "METROSCOPE_VAR": str(folder),
                "METROSCOPE_SECRET_KEY": secrets.token_urlsafe(50),
                "METROSCOPE_DEBUG": "false",
                "METROSCOPE_RATE_LIMITS": "false",
                "METROSCOPE_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
                "METROSCOPE_LOG_LEVEL": "ERROR",
                "PYTHONPATH": str(ROOT / "src"),
            }
            say(f"throwaway database: {database}")
            step = time.monotonic()
            metroscope(env, "migrate", "--noinput", "-v", "0")
            timings["migrate"] = time.monotonic() - step
            step = time.monotonic()
            metroscope(env, "load_open_data", "-v", "0")
            timings["load_open_data"] = time.monotonic() - step
            made = metroscope(env, "shell", "-c", PREPARE % {"member": OFFICER_OF}, capture=True)
            prepared = json.loads(made.splitlines()[-1])
            tokens: dict[str, str | None] = {"anonymous": None, **prepared["tokens"]}
            config = schemathesis_config(prepared["dictionaries"])
            (folder / "schemathesis.toml").write_text(config, encoding="utf-8")
            say(
                f"migrated in {timings['migrate']:.0f} s, "
                f"open data in {timings['load_open_data']:.0f} s"
            )
            with server(env, free_port(), folder / "server.log") as base:
                for persona in personas:
                    say(f"schemathesis as {persona}")
                    step = time.monotonic()
                    results[persona] = fuzz(base, persona, tokens[persona], folder, args)
                    timings[persona] = time.monotonic() - step
    finally:
        failed = any(results.values()) or len(results) < len(personas)
        say("summary")
        for name, seconds in timings.items():
            outcome = ""
            if name in results:
                outcome = "passed" if results[name] == 0 else f"FAILED (exit {results[name]})"
            print(f"   {name:<16} {seconds:6.0f} s  {outcome}")
        print(f"   {'total':<16} {time.monotonic() - started:6.0f} s")
        if failed or args.keep:
            print(f"   reports and the server's log: {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
