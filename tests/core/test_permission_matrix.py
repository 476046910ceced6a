"""Every URL and every API operation, requested as every persona: the permission matrix of
tests/core/permission_matrix.py holds the answer each one must get, and this module

1. lists every URL pattern of the root resolver (through includes and i18n_patterns) and every
   operation of the API's OpenAPI schema, and fails when one has no row in the matrix, or a
   row names one that is gone, or a row's path does not reach the view it is named for;
2. requests every row as each of the seven personas in one world (personas and objects made
   once for the module, each test rolled back), and fails when an answer differs from the
   matrix, when a page or an API answer shows a persona another's private data (the markers
   of LEAKS), or when a refused write changed anything in the database.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import re
from collections import defaultdict
from collections.abc import Iterator, Mapping
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.client import ClientHandler
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404

from metroscope.api import api
from tests.core import permission_matrix as matrix
from tests.core.files import PDF
from tests.core.permission_world import MARKERS, PERSONAS, World, build_world

# --- what the site serves ------------------------------------------------------------------------


def _walk(
    patterns: list[Any], route: str = "", namespace: str = ""
) -> Iterator[tuple[str, str, str]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, route + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            full = route + str(pattern.pattern)
            if pattern.name:
                yield (
                    (f"{namespace}:{pattern.name}" if namespace else pattern.name),
                    full,
                    namespace,
                )
            else:
                yield full, full, namespace  # an unnamed pattern is known by its route


def url_patterns() -> dict[str, str]:
    """Every pattern of the root resolver: its name (namespaced) or, unnamed, its route;
    those of the namespaces the matrix skips (SKIPPED_NAMESPACES) left out."""
    return {
        name: route
        for name, route, namespace in _walk(get_resolver().url_patterns)
        if name in matrix.PAGES or namespace not in matrix.SKIPPED_NAMESPACES
    }


def api_operations() -> set[str]:
    """`METHOD /path` of every operation in the API's OpenAPI schema."""
    schema = api.get_openapi_schema()
    return {f"{method.upper()} {path}" for path, ops in schema["paths"].items() for method in ops}


def _schema_path(route: str) -> str:
    """api/v1/members/<code> → /api/v1/members/{code}"""
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)


def _base(key: str) -> str:
    return key.split("#", 1)[0]


PAGE_ROWS = {**matrix.PAGES, **matrix.API_PAGES}
ALL_ROWS = {**PAGE_ROWS, **matrix.OPERATIONS}


# --- the matrix covers the site ------------------------------------------------------------------


def test_every_url_pattern_has_a_row():
    operation_paths = {op.split(" ", 1)[1] for op in api_operations()}
    covered = {_base(key) for key in PAGE_ROWS}
    missing = []
    for name, route in url_patterns().items():
        if name in covered:
            continue
        if name.startswith("api-v1:") and _schema_path(route) in operation_paths:
            continue  # an operation's URL: its rows are in OPERATIONS
        missing.append(f"{name}  ({route})")
    assert not missing, (
        "URL patterns without a row in tests/core/permission_matrix.py (say who may open "
        "each one):\n  " + "\n  ".join(sorted(missing))
    )


def test_every_api_operation_has_a_row():
    covered = {_base(key) for key in matrix.OPERATIONS}
    missing = sorted(api_operations() - covered)
    assert not missing, (
        "API operations without a row in tests/core/permission_matrix.py OPERATIONS (say who "
        "may call each one):\n  " + "\n  ".join(missing)
    )


def test_every_row_names_a_pattern_or_an_operation_that_exists():
    patterns, operations = url_patterns(), api_operations()
    gone = [key for key in PAGE_ROWS if _base(key) not in patterns]
    gone += [key for key in matrix.OPERATIONS if _base(key) not in operations]
    assert not gone, "Rows for URL patterns or API operations that no longer exist:\n  " + (
        "\n  ".join(sorted(gone))
    )


def test_every_namespace_skipped_has_a_reason_and_patterns():
    namespaces = {namespace for _name, _route, namespace in _walk(get_resolver().url_patterns)}
    for namespace, reason in matrix.SKIPPED_NAMESPACES.items():
        assert reason.strip()
        assert namespace in namespaces, f"no URL pattern is in the namespace {namespace!r}"


def _fill_path(path: str, values: Mapping[str, Any]) -> str:
    return path.format(**values)


# The rows' paths reach the view they are named for (checked with placeholders filled by
# made-up values of the right shape, so no database is needed).
_SHAPES = defaultdict(lambda: "1", {
    "member_a": "barcelona-city", "member_b": "seoul", "metro_a": "barcelona",
    "metro_b": "seoul", "indicator": "population_urban_agglomeration",
    "peer_group": "abc123", "published_solution": "a-solution", "draft_a": "a-draft",
    "invitation": "token", "uidb64": "MQ", "reset_token": "abc-def", "source": "S",
    "job_a": "4f2b3a1c-0d6e-4f1a-9b8c-7d6e5f4a3b2c",
    "import_a": "4f2b3a1c-0d6e-4f1a-9b8c-7d6e5f4a3b2d",
})  # fmt: skip


class _Shapes(dict):
    def __missing__(self, key: str) -> str:
        return _SHAPES[key]


def test_each_rows_path_reaches_its_own_pattern():
    wrong = []
    for key, row in ALL_ROWS.items():
        path = (row.write.path if row.write and row.write.path else row.path).split("?")[0]
        try:
            found = resolve(path.format_map(_Shapes()))
        except Resolver404:
            wrong.append(f"{key}: {path} resolves to nothing")
            continue
        if key in matrix.OPERATIONS:
            expected = _base(key).split(" ", 1)[1]
            if _schema_path(found.route) != expected:
                wrong.append(f"{key}: {path} reaches {found.route}")
        elif found.view_name != _base(key) and found.route != _base(key).replace("^", ""):
            # (a route's "^" is dropped when Django joins an included pattern's route)
            wrong.append(f"{key}: {path} reaches {found.view_name or found.route}")
    assert not wrong, "\n".join(wrong)


def test_the_matrix_is_written_for_seven_personas_with_reasons_where_needed():
    assert len(PERSONAS) == 7
    for key, row in ALL_ROWS.items():
        for expect in (row.get, row.write.expect if row.write else None):
            assert expect is None or len(expect) == len(PERSONAS), key
        assert row.get is not None or row.write is not None, key
        if "#" in key:
            assert row.why, f"{key}: a second case of a pattern says why it is there"


# --- the world, made once for this module --------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[World]:
    """The personas and their objects, made once; every test runs in a savepoint inside this
    module's transaction, which is rolled back at the end (pytest-django allows it)."""
    media = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("matrix-media"))
    media.enable()
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            made = build_world()
            made.objects["watched_tables"] = _watched(made)
            made.values["sessions"] = {
                persona: _session_of(user) for persona, user in made.users.items() if user
            }
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            media.disable()
            raise
    yield made
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)
    media.disable()


def _session_of(user: Any) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


_HANDLER: list[ClientHandler] = []


def client_as(world: World, persona: str) -> Client:
    """A client with the persona's session and no other cookie. Its request handler is
    shared: a new one loads the middleware again, WhiteNoise's scan of the static files
    with it (most of a request's time)."""
    client = Client()
    if not _HANDLER:
        _HANDLER.append(client.handler)
    client.handler = _HANDLER[0]
    session = world.values["sessions"].get(persona)
    if session:
        client.cookies[settings.SESSION_COOKIE_NAME] = session
    return client


# --- requesting ----------------------------------------------------------------------------------

_WHOLE = re.compile(r"^\{(\w+)\}$")


def _filled(value: Any, values: Mapping[str, Any]) -> Any:
    """Placeholders in a body filled from the world; "{name}" alone keeps the value's type."""
    if callable(value):
        return _filled(value(values), values)
    if isinstance(value, str):
        whole = _WHOLE.match(value)
        return values[whole.group(1)] if whole else value.format(**values)
    if isinstance(value, Mapping):
        return {k: _filled(v, values) for k, v in value.items()}
    if isinstance(value, list):
        return [_filled(v, values) for v in value]
    return value


def _uploads(files: Mapping[str, tuple[str, bytes, str]]) -> dict[str, Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return {
        name: SimpleUploadedFile(filename, content or PDF, content_type=kind)
        for name, (filename, content, kind) in files.items()
    }


def _send(client: Client, method: str, path: str, write: matrix.Write | None, values) -> Any:
    if write is None:
        return client.get(path)
    if write.json is not None:
        return client.generic(
            method.upper(),
            path,
            json.dumps(_filled(write.json, values)),
            content_type="application/json",
        )
    data = dict(_filled(write.data or {}, values))
    if write.files:
        data |= _uploads(write.files)
    if method == "post":
        return client.post(path, data)
    return client.generic(method.upper(), path)


def _outcome(response: Any) -> str:
    status = response.status_code
    location = response.get("Location", "") if 300 <= status < 400 else ""
    if status == 302 and "/login/" in location:
        return matrix.LOGIN
    return str(status)


def _wanted(expect: matrix.Outcome) -> str:
    return str(expect).split()[0]


def _refused(expect: matrix.Outcome) -> bool:
    """A refusal or bad input: the database must not change."""
    if isinstance(expect, int):
        return expect >= 400
    return expect == matrix.LOGIN or expect.endswith("refused")


def _text(response: Any) -> str:
    kind = response.get("Content-Type", "")
    if getattr(response, "streaming", False):
        body = b"".join(response.streaming_content)
    else:
        body = response.content
    if not any(t in kind for t in ("text", "json", "xml", "csv")):
        return ""
    return body.decode("utf-8", "replace").lower()


# Where each marker was shown to someone in its circle: a marker nobody is ever shown would
# prove nothing by not leaking (test_every_marker_is_shown_to_its_circle).
SIGHTINGS: dict[str, set[str]] = defaultdict(set)
CHECKED: set[str] = set()


def _leaks(persona: str, text: str, shown: tuple[str, ...], key: str) -> list[str]:
    found = []
    for who, allowed in matrix.LEAKS.items():
        if MARKERS[who] not in text:
            continue
        if persona in allowed:
            SIGHTINGS[who].add(key)
        elif who not in shown:
            found.append(who)
    return found


# --- the database must not change on a refusal ---------------------------------------------------

_IGNORED_TABLES = ("django_session", "axes_")


@functools.cache
def _tables() -> tuple[tuple[str, str], ...]:
    """(table, what to read of it): the largest integer key, or for a table keyed by UUIDs
    (jobs, queued tasks), whose largest key says nothing of an insert, its row count."""
    quote = connection.ops.quote_name
    tables = set()
    for model in apps.get_models(include_auto_created=True):
        table = model._meta.db_table
        if model._meta.managed and not table.startswith(_IGNORED_TABLES):
            pk = model._meta.pk
            integer = pk.get_internal_type() in ("AutoField", "BigAutoField", "SmallAutoField")
            tables.add((table, f"MAX({quote(pk.column)})" if integer else "COUNT(*)"))
    return tuple(sorted(tables))


def _watched(world: World) -> list[tuple[str, str, list[Any]]]:
    """(table, key column, keys) of the world's objects, grouped by table."""
    keys: dict[tuple[str, str], list[Any]] = defaultdict(list)
    for obj in world.objects["watched"]:
        keys[(obj._meta.db_table, obj._meta.pk.column)].append(obj.pk)
    return [(table, pk, sorted(found)) for (table, pk), found in sorted(keys.items())]


def _fingerprint(world: World) -> dict[str, Any]:
    """The largest key of every table (an insert anywhere shows, and in the history tables an
    update or delete of any audited model) and every column of the world's objects (an update
    made without history, a delete). Raw SQL: it runs hundreds of times."""
    quote = connection.ops.quote_name
    union = " UNION ALL ".join(
        # Table and column names come from Django's model registry, never from a request.
        f"SELECT '{table}', {read} FROM {quote(table)}"  # noqa: S608
        for table, read in _tables()
    )
    with connection.cursor() as cursor:
        cursor.execute(union)
        found: dict[str, Any] = dict(cursor.fetchall())
        for table, pk, keys in world.objects["watched_tables"]:
            marks = ", ".join(["%s"] * len(keys))
            cursor.execute(
                f"SELECT * FROM {quote(table)} WHERE {quote(pk)} IN ({marks})"  # noqa: S608
                f" ORDER BY {quote(pk)}",
                keys,
            )
            found[f"{table} rows"] = cursor.fetchall()
    return found


def _changes(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    return sorted(key for key in before.keys() | after.keys() if before.get(key) != after.get(key))


# --- the test ------------------------------------------------------------------------------------


def _check_row(world: World, key: str, row: matrix.Row) -> list[str]:
    problems: list[str] = []
    values = world.values
    if row.get is not None:
        path = _fill_path(row.path, values)
        for persona, expect in zip(PERSONAS, row.get, strict=True):
            with transaction.atomic():
                try:
                    response = client_as(world, persona).get(path)
                    got, text = _outcome(response), _text(response)
                except Exception as exc:  # noqa: BLE001 - a crash is one more wrong answer
                    got, text = f"500 ({type(exc).__name__}: {exc})", ""
                transaction.set_rollback(True)
            if got != _wanted(expect):
                problems.append(f"GET {path} as {persona}: expected {expect}, got {got}")
            if got == "200":
                for who in _leaks(persona, text, row.shows, key):
                    problems.append(f"GET {path} as {persona}: shows {who}'s private data")
    write = row.write
    if write is not None:
        path = _fill_path(write.path or row.path, values)
        # Every request runs in a savepoint rolled back after it: the database is the same
        # before each persona's attempt.
        baseline = _fingerprint(world) if any(map(_refused, write.expect)) else None
        for persona, expect in zip(PERSONAS, write.expect, strict=True):
            with transaction.atomic():
                before = baseline if _refused(expect) else None
                try:
                    response = _send(client_as(world, persona), write.method, path, write, values)
                    got = _outcome(response)
                except Exception as exc:  # noqa: BLE001 - a crash is one more wrong answer
                    got = f"500 ({type(exc).__name__}: {exc})"
                if got != _wanted(expect):
                    problems.append(
                        f"{write.method.upper()} {path} as {persona}: expected {expect}, got {got}"
                    )
                if before is not None and not got.startswith("500"):
                    changed = _changes(before, _fingerprint(world))
                    if changed:
                        problems.append(
                            f"{write.method.upper()} {path} as {persona} was refused but "
                            f"changed {', '.join(changed)}"
                        )
                transaction.set_rollback(True)
    return problems


@pytest.mark.django_db
@pytest.mark.parametrize("key", list(ALL_ROWS))
def test_each_persona_gets_what_the_matrix_says(world, key):
    problems = _check_row(world, key, ALL_ROWS[key])
    CHECKED.add(key)
    reason = f" ({ALL_ROWS[key].why})" if ALL_ROWS[key].why else ""
    assert not problems, f"{key}{reason}:\n  " + "\n  ".join(problems)


@pytest.mark.django_db
def test_every_marker_is_shown_to_its_circle(world):
    """Runs after the rows (pytest keeps the module's order): each marker was seen by someone
    allowed to see it, so its absence elsewhere means something. Under pytest-xdist the rows
    are spread over processes: this one reads the pages it did not check until every marker
    has been seen (their answers were checked where they ran)."""
    for key, row in ALL_ROWS.items():
        if not set(matrix.LEAKS) - set(SIGHTINGS):
            break
        if key not in CHECKED and row.get is not None:
            _check_row(world, key, dataclasses.replace(row, write=None))
    unseen = sorted(set(matrix.LEAKS) - set(SIGHTINGS))
    assert not unseen, f"markers no page or answer showed even to their circle: {unseen}"
