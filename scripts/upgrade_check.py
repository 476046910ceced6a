"""Upgrade check: a database built by an older Metroscope migrates in place with no row lost.

1. Extracts the base commit (`--base`, by default the last commit before issue 16 moved
   accountability out of the plan app) with `git archive` into a temporary folder.
2. With that code: `migrate`, `load_open_data`, `load_sample_accounts` into a fresh database
   (SQLite in a temporary folder, or a new PostgreSQL database next to `--postgres`).
3. Records every table's row count and a checksum of its rows (sorted, so order is irrelevant).
4. With this checkout's code: `migrate`.
5. Records again, on the columns each table had before (columns a migration adds are listed
   with their number of distinct values; a dropped column is a difference), and compares.
   Every table must be identical, but for two expected changes that are listed, not hidden:
   the new rows of `django_migrations`, `django_content_type` rows whose `app_label` moved
   (same ids, same model names), and `auth_permission` rows of new models — and nothing else
   in those three tables.

Exit status 0 when there are no other differences, 1 otherwise. Usage:
    .venv/bin/python scripts/upgrade_check.py                   # SQLite
    .venv/bin/python scripts/upgrade_check.py --postgres postgres://postgres@127.0.0.1:5432/x
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# The last commit whose layout had accountability inside the plan app (issue 16's starting point).
BASE = "6caa60c"
EXPECTED_TABLES = {"django_migrations", "django_content_type", "auth_permission"}
# Issue 18 replaced the home-made search index with the databases' own engines: the old index
# (entries, terms table, FTS5 shadow tables, version state) is dropped and the new one is
# built from the published solutions. Derived data only; listed, and the new index must hold
# exactly the published solutions.
OLD_INDEX = ("exchange_solutionsearchentry", "core_searchstate")
NEW_INDEX = "exchange_solutiontext"


def run(code: Path, env: dict[str, str], *args: str) -> None:
    command = [sys.executable, "-c", "from metroscope.cli import main; main()", *args]
    print(f"[{code.name}] metroscope {' '.join(args)}", flush=True)
    subprocess.run(command, cwd=code, env={**env, "PYTHONPATH": str(code / "src")}, check=True)


def extract(base: str, into: Path) -> Path:
    into.mkdir(parents=True)
    known = ["git", "-C", str(ROOT), "cat-file", "-e", f"{base}^{{commit}}"]
    if subprocess.run(known, capture_output=True).returncode != 0:
        # a shallow clone lacks the base commit: fetch the history it was cloned from
        subprocess.run(["git", "-C", str(ROOT), "fetch", "--quiet", "--unshallow"], check=False)
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", base],
        check=True,
        capture_output=True,
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def _connect(url: str | None, sqlite_path: Path) -> Any:
    if url:
        import psycopg

        return psycopg.connect(url)
    import sqlite3

    return sqlite3.connect(sqlite_path)


def _tables(conn: Any, postgres: bool) -> list[str]:
    if postgres:
        sql = "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
    else:
        sql = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    return sorted(row[0] for row in conn.execute(sql).fetchall())


def _columns(conn: Any, table: str) -> list[str]:
    cursor = conn.execute(f'SELECT * FROM "{table}" LIMIT 0')  # noqa: S608 - catalogue names
    return [d[0] for d in cursor.description]


def _rows(conn: Any, table: str, columns: list[str]) -> Iterator[tuple[Any, ...]]:
    names = ", ".join(f'"{c}"' for c in columns)
    cursor = conn.execute(f'SELECT {names} FROM "{table}"')  # noqa: S608 - catalogue names
    while batch := cursor.fetchmany(5000):
        yield from batch


def snapshot(
    url: str | None, sqlite_path: Path, columns: dict[str, list[str]] | None = None
) -> tuple[dict[str, tuple[int, str, list[Any]]], dict[str, list[str]]]:
    """Table → (row count, checksum of the sorted rows, the rows themselves for the two
    expected tables), and each table's columns.

    Given the columns of an earlier snapshot, a table is read on those columns only, so that
    a column a migration adds (with its default) is reported, not counted as a change; a
    column it drops is a difference.
    """
    postgres = bool(url)
    conn = _connect(url, sqlite_path)
    result: dict[str, tuple[int, str, list[Any]]] = {}
    found: dict[str, list[str]] = {}
    try:
        for table in _tables(conn, postgres):
            found[table] = _columns(conn, table)
            wanted = found[table]
            if columns is not None and table in columns:
                added = [c for c in wanted if c not in columns[table]]
                for column in added:
                    values = {row[0] for row in _rows(conn, table, [column])}
                    print(f"  {table}: + column {column} ({len(values)} distinct value(s))")
                wanted = [c for c in columns[table] if c in wanted]
            digests = sorted(
                hashlib.sha256(repr(row).encode()).digest() for row in _rows(conn, table, wanted)
            )
            checksum = hashlib.sha256(b"".join(digests)).hexdigest()
            keep = list(_rows(conn, table, wanted)) if table in EXPECTED_TABLES else []
            result[table] = (len(digests), checksum, keep)
        published = "SELECT COUNT(*) FROM exchange_solution WHERE status = 'published'"
        result["_published_solutions"] = (conn.execute(published).fetchone()[0], "", [])
    finally:
        conn.close()
    return result, found


def dropped_columns(before: dict[str, list[str]], after: dict[str, list[str]]) -> list[str]:
    return [
        f"{table}: column {column} dropped"
        for table, columns in sorted(before.items())
        if table in after
        for column in columns
        if column not in after[table]
    ]


def compare(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    for table in sorted(set(before) | set(after)):
        if table not in after:
            if table.startswith(OLD_INDEX):
                print(f"  {table}: dropped as expected, old search index ({before[table][0]} rows)")
            else:
                problems.append(f"{table}: dropped ({before[table][0]} rows)")
            continue
        if table not in before:
            if table.startswith(NEW_INDEX):
                print(f"  {table}: new search index, {after[table][0]} rows")
            elif after[table][0]:
                problems.append(f"{table}: new table with {after[table][0]} rows")
            else:
                print(f"  {table}: new, empty")
            continue
        if table in EXPECTED_TABLES:
            continue
        (count_b, sum_b, _), (count_a, sum_a, _) = before[table], after[table]
        if (count_b, sum_b) != (count_a, sum_a):
            problems.append(f"{table}: {count_b} rows → {count_a} rows, checksum changed")
    problems += _compare_migrations(before, after) + _compare_content_types(before, after)
    return problems + _compare_permissions(before, after) + _compare_index(after)


def _compare_index(after: dict[str, Any]) -> list[str]:
    """The new search index holds one entry per published solution, no more, no less."""
    if NEW_INDEX not in after or "exchange_solution" not in after:
        return []
    published = after.get("_published_solutions", (None,))[0]
    entries = after[NEW_INDEX][0]
    print(f"  {NEW_INDEX}: {entries} entries for {published} published solutions")
    if entries == published:
        return []
    return [f"{NEW_INDEX}: {entries} entries, {published} published"]


def _compare_permissions(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """Every permission kept as it was (same id, content type and codename); a new model's
    permissions are listed, not counted as a difference."""
    if "auth_permission" not in before:
        return []
    old, new = set(before["auth_permission"][2]), set(after["auth_permission"][2])
    for row in sorted(new - old, key=repr):
        print(f"  auth_permission: + {row}")
    return [f"auth_permission: {row} changed or removed" for row in sorted(old - new, key=repr)]


def _compare_migrations(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    old = {(app, name) for _, app, name, _ in before["django_migrations"][2]}
    new = {(app, name) for _, app, name, _ in after["django_migrations"][2]}
    for app, name in sorted(new - old):
        print(f"  django_migrations: + {app}.{name}")
    return [f"django_migrations: {app}.{name} no longer recorded" for app, name in old - new]


def _compare_content_types(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    old = {row[0]: (row[1], row[2]) for row in before["django_content_type"][2]}
    new = {row[0]: (row[1], row[2]) for row in after["django_content_type"][2]}
    problems = []
    moved = 0
    for pk, (app, model) in old.items():
        if pk not in new:
            problems.append(f"django_content_type: {app}.{model} (id {pk}) removed")
        elif new[pk][1] != model:
            problems.append(f"django_content_type: id {pk} {app}.{model} became {new[pk]}")
        elif new[pk][0] != app:
            moved += 1
            print(f"  django_content_type: id {pk} {app}.{model} → {new[pk][0]}.{model}")
    print(f"  django_content_type: {moved} relabelled, same ids and models")
    for pk in sorted(set(new) - set(old)):
        print(f"  django_content_type: + {new[pk][0]}.{new[pk][1]} (id {pk})")
    return problems


def _postgres_database(url: str, name: str) -> str:
    import psycopg

    base, _, _ = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{base}/{name}"


def _drop_postgres_database(url: str) -> None:
    import psycopg

    base, _, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def check(base: str, postgres: str | None, work: Path) -> list[str]:
    old_code = extract(base, work / "old")
    var = work / "var"
    var.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update({"METROSCOPE_VAR": str(var), "DJANGO_SETTINGS_MODULE": "metroscope.settings"})
    url = None
    if postgres:
        url = _postgres_database(postgres, f"metroscope_upgrade_{os.getpid()}")
        env["DATABASE_URL"] = url
    sqlite_path = var / "metroscope.sqlite3"
    try:
        for args in (("migrate", "-v", "0"), ("load_open_data",), ("load_sample_accounts",)):
            run(old_code, {**env, "METROSCOPE_HOME": str(old_code)}, *args)
        before, columns = snapshot(url, sqlite_path)
        print(f"before: {len(before)} tables, {sum(v[0] for v in before.values())} rows")
        run(ROOT, {**env, "METROSCOPE_HOME": str(ROOT)}, "migrate", "-v", "1")
        after, new_columns = snapshot(url, sqlite_path, columns)
        print(f"after: {len(after)} tables, {sum(v[0] for v in after.values())} rows")
        return compare(before, after) + dropped_columns(columns, new_columns)
    finally:
        if url:
            _drop_postgres_database(url)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", default=BASE, help="the commit to upgrade from")
    parser.add_argument("--postgres", help="a PostgreSQL URL; a scratch database is made beside it")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="metroscope-upgrade-") as tmp:
        problems = check(options.base, options.postgres, Path(tmp))
    database = "PostgreSQL" if options.postgres else "SQLite"
    if problems:
        print(f"upgrade from {options.base} on {database}: {len(problems)} difference(s)")
        for problem in problems:
            print(f"  {problem}")
        return 1
    print(f"upgrade from {options.base} on {database}: 0 differences")
    return 0


if __name__ == "__main__":
    sys.exit(main())
