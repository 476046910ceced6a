"""Values computed from the database, kept while the database says they are current.

The database keeps a version token (a row that triggers change on every write to the tables a
value reads, or a random version written with the data); a process keeps what it computed, by
key, and computes again once the token differs. Reading the token is one small query per
answer, instead of reading and computing the data itself.

Where the values wait is a `Store`. `LocalStore`, the default, keeps this process's values for
one token at a time; a store over a shared cache (Django's cache framework, Redis) would keep
them by (token, key) for every process instead, with no change to the callers."""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Any, Protocol, TypeVar, cast

from django.db import connection, models

T = TypeVar("T")
MISSING: Any = object()  # what a store gives when it holds nothing for a (token, key)


class Store(Protocol):
    def get(self, token: Hashable, key: Hashable) -> Any:
        """The value kept for `key` under `token`, or MISSING."""

    def put(self, token: Hashable, key: Hashable, value: Any) -> None:
        """Keep a value computed under `token` (a store may refuse a token it knows is old)."""

    def clear(self) -> None:
        """Forget every value."""


class LocalStore:
    """This process's values, for the last token it was asked about: asking with another one
    forgets them all, and a value computed under a token no longer current is not kept.
    With `max_entries`, the oldest value goes first when full. Safe across threads; values
    are computed outside the lock, so two threads missing the same key both compute it."""

    def __init__(self, max_entries: int | None = None) -> None:
        self.max_entries = max_entries
        self._lock = threading.Lock()
        self._token: Hashable = MISSING
        self._values: dict[Hashable, Any] = {}

    def get(self, token: Hashable, key: Hashable) -> Any:
        with self._lock:
            if token != self._token:
                self._values.clear()
                self._token = token
            return self._values.get(key, MISSING)

    def put(self, token: Hashable, key: Hashable, value: Any) -> None:
        with self._lock:
            if token != self._token:
                return
            full = self.max_entries is not None and len(self._values) >= self.max_entries
            if full and key not in self._values:
                del self._values[next(iter(self._values))]
            self._values[key] = value

    def clear(self) -> None:
        with self._lock:
            self._values.clear()
            self._token = MISSING


class VersionedCache:
    """`get(key, compute)` computes once per token and key, and gives what `compute` gives;
    `token` reads the token (e.g. `row_token(SomeVersion)`). Pass `token=` to `get` when one
    answer reads several values, so that the token is read once and every value comes from the
    same version."""

    def __init__(self, token: Callable[[], Hashable], *, store: Store | None = None) -> None:
        self.token = token
        self.store: Store = LocalStore() if store is None else store

    def get(self, key: Hashable, compute: Callable[[], T], *, token: Hashable | None = None) -> T:
        current = self.token() if token is None else token
        found = self.store.get(current, key)
        if found is not MISSING:
            return cast(T, found)
        value = compute()
        self.store.put(current, key, value)
        return value

    def clear(self) -> None:
        """Forget every value (the tests start each case from the database)."""
        self.store.clear()


def row_token(
    model: type[models.Model], *, field: str = "token", pk: Any = 1, default: Any = 0
) -> Callable[[], Any]:
    """A reader of the token kept in one row of `model` (one primary-key lookup, no model
    instance made); `default` while the row does not exist."""
    table, column = model._meta.db_table, _column(model, field)
    key = _column(model, model._meta.pk.name if model._meta.pk else "pk")

    def read() -> Any:
        qn = connection.ops.quote_name
        sql = f"SELECT {qn(column)} FROM {qn(table)} WHERE {qn(key)} = %s"  # noqa: S608 (names)
        with connection.cursor() as cursor:
            cursor.execute(sql, [pk])
            row = cursor.fetchone()
        return default if row is None else row[0]

    return read


def _column(model: type[models.Model], name: str) -> str:
    found = model._meta.get_field(name)
    if not isinstance(found, models.Field) or not found.column:
        raise ValueError(f"{model.__name__}.{name} is not a column")
    return str(found.column)
