"""Values computed from the database, kept while the database says they are current.

The database keeps a version token (a row that triggers change on every write to the tables a
value reads, or a random version written with the data); a process keeps what it computed, by
key, and computes again once the token differs. Reading the token is one small query per
answer, instead of reading and computing the data itself.

Where the values wait is a `Store`. `LocalStore`, the default, keeps this process's values for
one token at a time. `SharedStore` keeps them in one of Django's caches (Redis with `REDIS_URL`)
by (token, key), for every process and host, and records which tokens' values are complete, so
that readers may keep reading the newest complete values while newer ones are being built.
`LayeredStore` puts a `LocalStore` in front of a `SharedStore`, so a process does not fetch and
decode the same values on every request. The callers do not change with the store."""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Iterable
from datetime import datetime
from typing import Any, Protocol, TypeVar, cast

from django.core.cache import BaseCache, caches
from django.core.cache.backends.redis import RedisCache
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


class SharedStore:
    """Values kept in Django's cache `alias` (give it to nothing else: `clear` empties what it
    holds), by (token, key), for `timeout` seconds, for every process and host that uses the
    same cache. Tokens and keys must have the same `repr` in every process (ints, strings and
    tuples of them). Values go through the cache's serializer (pickle): a value with large
    arrays gives itself a compact `__reduce__` (`observatory.panel.Series` does).

    Beside the values, the store records which tokens' values are complete (`mark_complete`,
    by the one builder that filled them all) and the newest complete token, so readers can
    go on reading it while a newer token's values are being built; `claim` lets one process
    start that build and the others not."""

    def __init__(self, alias: str, *, namespace: str, timeout: int) -> None:
        self.alias = alias
        self.namespace = namespace
        self.timeout = timeout

    @property
    def cache(self) -> BaseCache:
        return caches[self.alias]  # looked up on each use: tests swap the settings

    def _key(self, *parts: Hashable) -> str:
        return ":".join([self.namespace, *(repr(p).replace(" ", "") for p in parts)])

    def get(self, token: Hashable, key: Hashable) -> Any:
        return self.cache.get(self._key("v", token, key), MISSING)

    def put(self, token: Hashable, key: Hashable, value: Any) -> None:
        self.cache.set(self._key("v", token, key), value, self.timeout)

    def has(self, token: Hashable, key: Hashable) -> bool:
        """Whether a value is kept, its time to live renewed (without reading it)."""
        return bool(self.cache.touch(self._key("v", token, key), self.timeout))

    def copy(self, source: Hashable, token: Hashable, key: Hashable) -> bool:
        """Keep under `token` the value `key` has under `source` (False: it has none). Redis
        copies it on the server (COPY), without fetching or decoding it."""
        cache = self.cache
        old, new = self._key("v", source, key), self._key("v", token, key)
        if isinstance(cache, RedisCache):
            client = cache._cache.get_client(None, write=True)  # type: ignore[attr-defined]
            made, found = cache.make_key(new), cache.make_key(old)
            if not client.copy(found, made, replace=True):
                return False
            client.expire(made, self.timeout)
            return True
        value = cache.get(old, MISSING)
        if value is MISSING:
            return False
        cache.set(new, value, self.timeout)
        return True

    def forget(self, token: Hashable, keys: Iterable[Hashable]) -> None:
        """Drop the values of a token nobody reads any more, and its mark."""
        names = [self._key("v", token, key) for key in keys]
        self.cache.delete_many([*names, self._key("complete", token)])

    def completion(self, token: Hashable) -> tuple[datetime | None, tuple[Any, datetime] | None]:
        """When `token`'s values were completed (None: not, or not yet), and the newest
        complete (token, when), in one round trip."""
        mine, newest = self._key("complete", token), self._key("newest")
        found = self.cache.get_many([mine, newest])
        return found.get(mine), found.get(newest)

    def mark_complete(self, token: Hashable, when: datetime, *, newest: bool) -> None:
        """Every value of `token` is in the store as of `when`; with `newest`, readers of
        an incomplete token read this one's."""
        self.cache.set(self._key("complete", token), when, self.timeout)
        if newest:
            self.cache.set(self._key("newest"), (token, when), self.timeout)

    def claim(self, token: Hashable, seconds: int) -> bool:
        """True for the first caller in `seconds` to ask about `token` (who then builds its
        values), False for the others."""
        return bool(self.cache.add(self._key("claim", token), 1, seconds))

    def kept(self) -> list[Any]:
        """What the builder noted with `keep` (e.g. the complete tokens and their keys)."""
        found = self.cache.get(self._key("kept"), [])
        return list(found)

    def keep(self, entries: list[Any]) -> None:
        self.cache.set(self._key("kept"), entries, self.timeout)

    def clear(self) -> None:
        """Forget every value and mark of this namespace (Redis: only this namespace's keys;
        another cache: everything in the alias)."""
        cache = self.cache
        if not isinstance(cache, RedisCache):
            cache.clear()
            return
        client = cache._cache.get_client(None, write=True)  # type: ignore[attr-defined]
        names = list(client.scan_iter(match=cache.make_key(f"{self.namespace}:*"), count=1000))
        for start in range(0, len(names), 1000):
            client.delete(*names[start : start + 1000])


class LayeredStore:
    """A process's `LocalStore` in front of a `SharedStore`: a value found in the shared
    store is kept in the process for its token, so it is fetched and decoded once."""

    def __init__(self, local: LocalStore, shared: SharedStore) -> None:
        self.local = local
        self.shared = shared

    def get(self, token: Hashable, key: Hashable) -> Any:
        found = self.local.get(token, key)
        if found is MISSING:
            found = self.shared.get(token, key)
            if found is not MISSING:
                self.local.put(token, key, found)
        return found

    def put(self, token: Hashable, key: Hashable, value: Any) -> None:
        self.local.put(token, key, value)
        self.shared.put(token, key, value)

    def clear(self) -> None:
        self.local.clear()
        self.shared.clear()


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
