"""A versioned cache computes a value once per token and key, again when the token changes,
never keeps a value computed under a token gone stale, holds across threads, and takes a
shared store with no change to its callers."""

from __future__ import annotations

import hashlib
import threading
from collections import Counter
from collections.abc import Hashable
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.core.cache.backends.locmem import LocMemCache

from metroscope.core.versioned_cache import MISSING, LocalStore, VersionedCache, row_token


class Source:
    """A token the test moves by hand, and a count of what was computed under which."""

    def __init__(self) -> None:
        self.token = 1
        self.computed: Counter[tuple[Any, Hashable]] = Counter()

    def compute(self, key: Hashable) -> Any:
        token = self.token
        self.computed[(token, key)] += 1
        return (token, key)


@pytest.fixture
def source() -> Source:
    return Source()


@pytest.fixture
def cache(source) -> VersionedCache:
    return VersionedCache(lambda: source.token)


def test_the_same_token_computes_once(cache, source):
    for _ in range(3):
        assert cache.get("a", lambda: source.compute("a")) == (1, "a")
    assert source.computed == {(1, "a"): 1}


def test_each_key_is_computed_once(cache, source):
    assert cache.get("a", lambda: source.compute("a")) == (1, "a")
    assert cache.get("b", lambda: source.compute("b")) == (1, "b")
    assert cache.get("a", lambda: source.compute("a")) == (1, "a")
    assert source.computed == {(1, "a"): 1, (1, "b"): 1}


def test_a_new_token_computes_again(cache, source):
    cache.get("a", lambda: source.compute("a"))
    source.token = 2
    assert cache.get("a", lambda: source.compute("a")) == (2, "a")
    assert cache.get("a", lambda: source.compute("a")) == (2, "a")
    assert source.computed == {(1, "a"): 1, (2, "a"): 1}


def test_a_token_that_comes_back_computes_again(cache, source):
    """Tokens are not ordered (random values): only the last one asked about is current."""
    cache.get("a", lambda: source.compute("a"))
    source.token = 2
    cache.get("a", lambda: source.compute("a"))
    source.token = 1
    cache.get("a", lambda: source.compute("a"))
    assert source.computed[(1, "a")] == 2


def test_a_given_token_is_not_read_again():
    reads = []
    cache = VersionedCache(lambda: reads.append(1) or 7)
    assert cache.get("a", lambda: "seven", token=7) == "seven"
    assert cache.get("a", lambda: "other", token=7) == "seven"
    assert reads == []
    assert cache.get("a", lambda: "other") == "seven"
    assert reads == [1]


def test_clear_computes_again(cache, source):
    cache.get("a", lambda: source.compute("a"))
    cache.clear()
    cache.get("a", lambda: source.compute("a"))
    assert source.computed == {(1, "a"): 2}


def test_a_full_store_lets_the_oldest_value_go(source):
    cache = VersionedCache(lambda: source.token, store=LocalStore(max_entries=2))
    for key in ("a", "b", "a", "c", "b", "a"):
        cache.get(key, lambda key=key: source.compute(key))
    # a and b kept; c pushes a out; b still there; a computed again (pushing b out)
    assert source.computed == {(1, "a"): 2, (1, "b"): 1, (1, "c"): 1}


def test_a_value_computed_under_a_stale_token_is_returned_but_not_kept(cache, source):
    """A slow computation that began before a write gives its caller what it read, but the
    cache does not keep it for the requests that come after the write."""
    started, release = threading.Event(), threading.Event()
    results: list[Any] = []

    def slow() -> Any:
        value = source.compute("a")
        started.set()
        release.wait(5)
        return value

    reader = threading.Thread(target=lambda: results.append(cache.get("a", slow)))
    reader.start()
    started.wait(5)
    source.token = 2
    assert cache.get("a", lambda: source.compute("a")) == (2, "a")
    release.set()
    reader.join(5)
    assert results == [(1, "a")]
    assert cache.get("a", lambda: source.compute("a")) == (2, "a")
    assert source.computed == {(1, "a"): 1, (2, "a"): 1}


def test_threads_only_ever_get_values_of_their_own_token():
    cache = VersionedCache(lambda: 0, store=LocalStore(max_entries=8))
    wrong: list[Any] = []

    def work(seed: int) -> None:
        for i in range(2000):
            token, key = (seed + i) % 3, i % 11
            value = cache.get(key, lambda token=token, key=key: (token, key), token=token)
            if value != (token, key):
                wrong.append((token, key, value))

    threads = [threading.Thread(target=work, args=(seed,)) for seed in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert wrong == []


class SharedStore:
    """A store over Django's cache framework, keyed by (token, key): what every process would
    share through Redis. Here two caches over one store stand for two processes."""

    def __init__(self) -> None:
        self.backend = LocMemCache("versioned-cache-test", {})

    @staticmethod
    def _name(token: Hashable, key: Hashable) -> str:
        return hashlib.sha256(repr((token, key)).encode()).hexdigest()

    def get(self, token: Hashable, key: Hashable) -> Any:
        return self.backend.get(self._name(token, key), MISSING)

    def put(self, token: Hashable, key: Hashable, value: Any) -> None:
        self.backend.set(self._name(token, key), value)

    def clear(self) -> None:
        self.backend.clear()


def test_a_shared_store_serves_every_process_without_changing_the_callers(source):
    store = SharedStore()
    first = VersionedCache(lambda: source.token, store=store)
    second = VersionedCache(lambda: source.token, store=store)
    assert first.get("a", lambda: source.compute("a")) == (1, "a")
    assert second.get("a", lambda: source.compute("a")) == (1, "a")
    source.token = 2
    assert second.get("a", lambda: source.compute("a")) == (2, "a")
    assert first.get("a", lambda: source.compute("a")) == (2, "a")
    assert source.computed == {(1, "a"): 1, (2, "a"): 1}


@pytest.mark.django_db
def test_a_row_token_is_read_from_its_row_with_a_default_before_it_exists(
    django_assert_num_queries,
):
    token = row_token(Group, field="name", pk=987_654, default="")
    with django_assert_num_queries(1):
        assert token() == ""
    Group.objects.create(pk=987_654, name="abc")
    assert token() == "abc"
    Group.objects.filter(pk=987_654).update(name="def")
    assert token() == "def"
