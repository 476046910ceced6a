"""Peer figures in a shared cache: arrays survive the trip, a write queues their rebuild off
the request, requests read the last complete figures (and the page says so) until the new ones
are built, and Redis itself holds them."""

from __future__ import annotations

import pickle
from datetime import timedelta

import numpy as np
import pytest
from django.conf import settings
from django.test import override_settings
from django_tasks import default_task_backend

from metroscope.core.versioned_cache import LayeredStore, SharedStore
from metroscope.observatory import figures, panel
from metroscope.observatory.models import BatchKind, ImportBatch, Metro, Observation, Status
from metroscope.observatory.writing import StagedRow, write_observations
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

REDIS_TEST_URL = "redis://127.0.0.1:6379/13"
LOCAL_CACHES = settings.CACHES | {
    "figures_test": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "figures-test",
    }
}


@pytest.fixture(autouse=True)
def fresh_panel():
    panel.clear()
    yield
    panel.configure(settings.METROSCOPE_FIGURES_CACHE or None)
    panel.clear()


@pytest.fixture
def shared():
    """A shared store (a local-memory cache standing in for Redis: one process sees what the
    others would), and a queue that keeps tasks instead of running them."""
    with override_settings(
        CACHES=LOCAL_CACHES,
        TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}},
    ):
        panel.configure("figures_test")
        panel.clear()
        default_task_backend.clear()
        yield panel.shared_store()


def queued() -> list[str]:
    return [r.task.name for r in default_task_backend.results]


def publish(metro: Metro, indicator_id: int, year: int, value: float) -> None:
    """A published value written as every writer writes (an import batch), committed."""
    source_id = Observation.objects.values_list("source_id", flat=True).first()
    batch = ImportBatch.objects.create(kind=BatchKind.FORM, status=Status.PUBLISHED)
    row = StagedRow(
        1, metro.pk, indicator_id, year, "total", value, "metro", source_id, "published", ""
    )
    write_observations([row], batch=batch)


def sample() -> tuple[Metro, int]:
    obs = Observation.objects.filter(status=Status.PUBLISHED, sex="total", scale="metro").first()
    assert obs is not None
    return obs.metro, obs.indicator_id


def test_a_series_survives_the_trip_through_a_shared_cache_as_compact_bytes():
    rng = np.random.default_rng(3)
    years = np.sort(rng.integers(2000, 2024, 5000))
    for biggest in (90_000, 2**40):  # ids that fit in 32 bits, and ids that do not
        original = panel.Series(
            metros=rng.integers(1, biggest, 5000),
            years=years,
            values=rng.random(5000) * 1e6,
            scales=rng.integers(0, 4, 5000).astype(np.int8),
        )
        original.year_counts()  # a memo, which stays in its process
        copy = pickle.loads(pickle.dumps(original, pickle.HIGHEST_PROTOCOL))  # noqa: S301
        for name in ("metros", "years", "values", "scales"):
            assert np.array_equal(getattr(copy, name), getattr(original, name)), name
            assert getattr(copy, name).dtype == getattr(original, name).dtype, name
        assert copy._memo == {}
        width = 4 if biggest < 2**31 else 8
        assert len(pickle.dumps(original)) < 5000 * (width + 8 + 1) + 24 * 16 + 200


def test_the_shared_store_gives_back_what_it_was_given(shared):
    empty = panel.Series(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0))
    shared.put((1, 2), ("series", 5, "total"), empty)
    found = shared.get((1, 2), ("series", 5, "total"))
    assert found.values.size == 0
    assert shared.has((1, 2), ("series", 5, "total"))
    assert not shared.has((1, 3), ("series", 5, "total"))  # another version: nothing


def test_without_a_shared_cache_requests_compute_as_before_and_nothing_is_queued():
    assert panel.shared_store() is None
    metro, indicator_id = sample()
    seen = figures.current()
    assert seen == figures.Figures(panel.data_version())  # no date, nothing being updated
    publish(metro, indicator_id, 2031, 1.0)
    assert figures.current().version == panel.data_version() != seen.version


def test_a_write_queues_the_rebuild_once_it_commits(shared, django_capture_on_commit_callbacks):
    metro, indicator_id = sample()
    with django_capture_on_commit_callbacks(execute=True):
        publish(metro, indicator_id, 2031, 1.0)
        assert queued() == []  # not before the write commits
    assert queued() == ["rebuild"]
    figures.current()  # the same new version: claimed already, not queued twice
    assert queued() == ["rebuild"]


def test_requests_read_the_last_complete_figures_while_the_new_ones_are_built(
    shared, django_capture_on_commit_callbacks
):
    metro, indicator_id = sample()
    figures.rebuild.call()  # the worker built the figures of today's data
    before = figures.current()
    assert before.as_of is not None
    assert not before.updating
    page = client_for(None).get(f"/observatory/metros/{metro.code}/", HTTP_HOST="127.0.0.1")
    assert "being updated" not in page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        publish(metro, indicator_id, 2031, 123.0)
    assert queued() == ["rebuild"]
    stale = figures.current()
    assert stale.version == before.version != panel.data_version()
    assert stale.updating
    assert stale.as_of == before.as_of
    old = panel.series(indicator_id, "total", stale.version)
    assert 2031 not in old.years.tolist()  # the old figures, not recomputed in the request
    page = client_for(None).get(f"/observatory/metros/{metro.code}/", HTTP_HOST="127.0.0.1")
    assert page.status_code == 200
    assert "Figures as of" in page.content.decode()
    assert "being updated" in page.content.decode()
    french = client_for(None).get(f"/fr/observatory/metros/{metro.code}/", HTTP_HOST="127.0.0.1")
    assert "mise à jour en cours" in french.content.decode()

    figures.rebuild.call()  # the worker's turn
    fresh = figures.current()
    assert fresh.version == panel.data_version()
    assert not fresh.updating
    new = panel.series(indicator_id, "total", fresh.version)
    assert 2031 in new.years.tolist()
    page = client_for(None).get(f"/observatory/metros/{metro.code}/", HTTP_HOST="127.0.0.1")
    assert "being updated" not in page.content.decode()


def test_after_a_write_only_the_series_it_changed_are_read_again(shared):
    metro, indicator_id = sample()
    first = figures.rebuild.call()
    assert first["read"] == first["arrays"]  # nothing to start from: everything read
    publish(metro, indicator_id, 2031, 7.0)
    second = figures.rebuild.call()
    assert second["read"] == 1  # the one series the batch wrote; the others carried over
    version = panel.data_version()
    for key in figures.series_keys():
        kept = shared.get(version, key)
        fresh = panel.read_series(*key[1:])
        assert np.array_equal(kept.metros, fresh.metros), key
        assert np.array_equal(kept.values, fresh.values), key
    Metro.objects.filter(pk=metro.pk).update(name="Renamed")  # the metro table: all again
    third = figures.rebuild.call()
    assert third["read"] == third["arrays"]


def test_a_fresh_install_computes_in_the_request_and_shares_what_it_computed(
    shared, django_capture_on_commit_callbacks
):
    metro, indicator_id = sample()
    with django_capture_on_commit_callbacks(execute=True):
        seen = figures.current()
    assert seen == figures.Figures(panel.data_version())  # nothing complete: today's way
    assert queued() == ["rebuild"]
    computed = panel.series(indicator_id, "total", seen.version)
    assert shared.has(seen.version, panel.series_key(indicator_id, "total"))
    assert metro.pk in computed.metros


def test_old_versions_leave_the_store_and_old_complete_figures_are_renewed(
    shared, django_capture_on_commit_callbacks
):
    metro, indicator_id = sample()
    figures.rebuild.call()
    first = panel.data_version()
    key = panel.series_key(indicator_id, "total")
    for year in (2031, 2032):
        publish(metro, indicator_id, year, 1.0)
        figures.rebuild.call()
    assert len(shared.kept()) == figures.KEEP
    assert not shared.has(first, key)  # two versions later, gone
    assert shared.has(panel.data_version(), key)
    default_task_backend.clear()
    done, _ = shared.completion(panel.data_version())
    shared.mark_complete(panel.data_version(), done - timedelta(days=2), newest=True)
    with django_capture_on_commit_callbacks(execute=True):
        assert not figures.current().updating
    assert queued() == ["rebuild"]  # renewed in the store before it expires


def _redis_or_skip() -> None:
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError as exc:
        pytest.skip(f"Redis is not reachable at {REDIS_TEST_URL}: {exc}")


def test_redis_holds_the_figures_one_process_builds_and_another_reads(
    django_assert_num_queries,
):
    _redis_or_skip()
    caches = settings.CACHES | {
        "figures_redis": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_TEST_URL,
            "KEY_PREFIX": "figures-test",
        }
    }
    with override_settings(CACHES=caches):
        panel.configure("figures_redis")
        panel.clear()
        try:
            metro, indicator_id = sample()
            figures.rebuild.call()  # the worker
            version = panel.data_version()
            expected = panel.read_series(indicator_id, "total")
            panel.configure("figures_redis")  # a new process: nothing of its own yet
            with django_assert_num_queries(1):  # the data version; the arrays come from Redis
                seen = figures.current()
                found = panel.series(indicator_id, "total", seen.version)
                refs = panel.metro_refs(seen.version)
            assert seen.version == version
            assert not seen.updating
            assert np.array_equal(found.metros, expected.metros)
            assert np.array_equal(found.values, expected.values)
            assert refs[metro.pk][0] == metro.code
            assert isinstance(panel._series.store, LayeredStore)
            publish(metro, indicator_id, 2031, 5.0)
            assert figures.rebuild.call()["read"] == 1  # the others copied inside Redis
            for key in figures.series_keys()[:6]:
                kept = panel.shared_store().get(panel.data_version(), key)
                assert np.array_equal(kept.values, panel.read_series(*key[1:]).values), key
        finally:
            panel.clear()  # only this namespace's keys leave db 13


def test_clearing_a_redis_store_leaves_other_keys_alone():
    _redis_or_skip()
    import redis

    client = redis.Redis.from_url(REDIS_TEST_URL)
    client.set("not-figures", b"1")
    caches = settings.CACHES | {
        "figures_redis": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_TEST_URL,
        }
    }
    with override_settings(CACHES=caches):
        store = SharedStore("figures_redis", namespace="clear-test", timeout=60)
        store.put(1, "a", {"kept": True})
        assert store.get(1, "a") == {"kept": True}
        store.clear()
        assert not store.has(1, "a")
    assert client.get("not-figures") == b"1"
    client.delete("not-figures")
