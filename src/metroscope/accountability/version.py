"""The version of the plan's data, and the figures each process keeps while it holds.

Database triggers (installed by migration plan 0005 with `install_triggers`) give the one row of
`plan_ledgerversion` a new random token on every write to a table of the plan app — work plans,
activities and their links, results, budgets, expenses, funding, fees, trips, people, risks,
policies and the framework — whatever writes it: a service, the admin, a loader, a bulk insert,
a cascade, raw SQL. The dashboards' figures over hundreds of thousands of rows are computed once
per token and process (`cached`), so a page reads the token (one primary-key lookup) and finds
its figures computed; the first request after a write recomputes them. PostgreSQL fires once
per statement (TRUNCATE included); SQLite has row triggers only.

Only figures computed from the plan's own tables may be cached here: rows of other apps
(members' names and regions, the Exchange's solutions, events' attendees) do not change the
token, so callers read them fresh or make them part of the key.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from django.db import connection, models

from metroscope.core.versioned_cache import LocalStore, VersionedCache, row_token

T = TypeVar("T")
MAX_ENTRIES = 256  # figures kept per process; the oldest go first

TABLE = "plan_ledgerversion"
UPSERT = (  # constant SQL: the table's name and the database's random function
    f"INSERT INTO {TABLE} (id, token) VALUES (1, {{random}}) "  # noqa: S608
    "ON CONFLICT (id) DO UPDATE SET token = excluded.token"
)
SQLITE_EVENTS = ("INSERT", "UPDATE", "DELETE")
POSTGRES_FUNCTION = f"""
CREATE OR REPLACE FUNCTION plan_ledger_touched() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {UPSERT.format(random="(random() * 9e18)::bigint")};
    RETURN NULL;
END $$;
"""


class LedgerVersion(models.Model):
    """One row whose token the database changes on every write to the plan's tables."""

    token = models.BigIntegerField(default=0)

    class Meta:
        db_table = TABLE

    def __str__(self) -> str:
        return str(self.token)


def _sqlite_trigger(table: str, event: str) -> str:
    return f"plan_ledger_{table}_{event.lower()}"


def install_triggers(schema_editor: Any, tables: list[str]) -> None:
    """Make every write to these tables change the token (for migrations: a new table of the
    plan app gets its triggers in the migration that creates it)."""
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_FUNCTION)
    for table in tables:
        if vendor == "postgresql":
            schema_editor.execute(
                f"CREATE TRIGGER plan_ledger_touched AFTER INSERT OR UPDATE OR DELETE OR "
                f"TRUNCATE ON {table} FOR EACH STATEMENT EXECUTE FUNCTION plan_ledger_touched()"
            )
        elif vendor == "sqlite":
            for event in SQLITE_EVENTS:
                schema_editor.execute(
                    f"CREATE TRIGGER {_sqlite_trigger(table, event)} AFTER {event} ON {table} "
                    f"BEGIN {UPSERT.format(random='random()')}; END"
                )


def drop_triggers(schema_editor: Any, tables: list[str]) -> None:
    vendor = schema_editor.connection.vendor
    for table in tables:
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS plan_ledger_touched ON {table}")
        elif vendor == "sqlite":
            for event in SQLITE_EVENTS:
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {_sqlite_trigger(table, event)}")


def tables_with_triggers() -> set[str]:
    """The tables whose writes change the token, as the database says (for the tests)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE t.tgname = 'plan_ledger_touched'"
            )
            return {row[0] for row in cursor.fetchall()}
        cursor.execute("SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger'")
        found: dict[str, int] = {}
        for table, name in cursor.fetchall():
            if any(name == _sqlite_trigger(table, e) for e in SQLITE_EVENTS):
                found[table] = found.get(table, 0) + 1
        return {t for t, n in found.items() if n == len(SQLITE_EVENTS)}


current = row_token(LedgerVersion)  # the token now (one primary-key lookup); 0 before any write
_figures = VersionedCache(current, store=LocalStore(max_entries=MAX_ENTRIES))


def cached(name: str, key: Hashable, compute: Callable[[], T], *, token: int | None = None) -> T:
    """`compute()` once per token, process and (name, key); pass `token` (from `current`) when
    one answer reads several figures, so the token is read once."""
    return _figures.get((name, key), compute, token=token)


def clear() -> None:
    """Forget every figure (the tests start each case from the database)."""
    _figures.clear()
