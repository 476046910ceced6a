"""Which peer figures a request reads, and their rebuild off the request.

Without a shared cache (no REDIS_URL) each process keeps its own arrays (`panel`), computed by
the first request that needs them after a start or a write, as before: a task in the worker's
process could warm nothing the web processes read, so none is queued.

With a shared cache (`panel.configure`), the arrays of one data version are built once for
every process and host, by the task `rebuild`, queued when the version changes: after a write
of observations commits (`after_write`, called by `writing.write_observations`), or when a
request finds the version changed by any other writer (the metro table's triggers, the
admin). Until the new version's arrays are complete, requests read those of the newest complete
version, and the pages say since when (`Figures.updating`, `as_of`). Only on a fresh install,
or with the cache emptied, is there nothing complete yet: requests then compute what they
need as without a shared cache (and share it), while the task builds the rest.

The store keeps the newest two complete versions (a process may still be reading the one
before); older ones are dropped by the task, and anything left expires with the store's time to
live (a week), which every build renews.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django_tasks import task

from metroscope.observatory import panel
from metroscope.observatory.models import Indicator, Observation, Sex

log = logging.getLogger(__name__)

Version = tuple[int, int]
CLAIM_SECONDS = 30 * 60  # a build not finished by then (a dead worker) is queued again
RENEW_AFTER = timedelta(days=1)  # complete figures older than this are renewed in the store
KEEP = 2  # complete versions kept in the store


@dataclass(frozen=True)
class Figures:
    """The figures a request reads: those of `version`, built at `as_of` (None: computed as
    read, per process or on a fresh install); `updating` when the data have changed since
    and newer figures are being built."""

    version: Version
    as_of: datetime | None = None
    updating: bool = False


def current() -> Figures:
    """The figures to read now (one small query, and one round trip to the shared cache)."""
    version = panel.data_version()
    shared = panel.shared_store()
    if shared is None:
        return Figures(version)
    done, newest = shared.completion(version)
    if done is not None:
        if timezone.now() - done > RENEW_AFTER:
            _queue(version)
        return Figures(version, done)
    _queue(version)
    if newest is None:
        return Figures(version)
    return Figures(tuple(newest[0]), newest[1], updating=True)  # type: ignore[arg-type]


def version() -> Version:
    """The data version whose figures a request reads (see `current`)."""
    return current().version


def after_write() -> None:
    """Queue the build of the figures of the version a committed write made."""
    if panel.shared_store() is not None:
        _queue(panel.data_version())


def _queue(version: Version) -> None:
    shared = panel.shared_store()
    if shared is not None and shared.claim(version, CLAIM_SECONDS):
        transaction.on_commit(lambda: rebuild.enqueue())


def series_keys() -> list[tuple[str, int, str]]:
    """Every series a page or the API may read: each indicator's total and sexes."""
    keys = []
    for pk, sexes in Indicator.objects.order_by("pk").values_list("pk", "sexes"):
        for sex in Sex.values:
            if sex == Sex.TOTAL or sex in (sexes or []):
                keys.append(panel.series_key(pk, sex))
    return keys


@task()
def rebuild() -> dict[str, Any]:
    """Build the current data version's series and metro references into the shared cache
    (those already there are kept), from one snapshot of the database, then mark the version
    complete: from then on requests read them."""
    shared = panel.shared_store()
    if shared is None:
        return {}  # no shared cache: nothing to build for other processes
    own = not connection.in_atomic_block  # (a test's transaction: its snapshot is taken)
    with transaction.atomic():
        if own:
            _snapshot()
        as_of = timezone.now()
        built = panel.data_version()
        keys: list[Any] = [*series_keys(), panel.REFS_KEY]
        since, changed = _changes(shared, built)
        made = 0
        for key in keys:
            if shared.has(built, key):
                continue
            same = since is not None and (key == panel.REFS_KEY or tuple(key[1:]) not in changed)
            if same and shared.copy(since, built, key):
                continue  # unchanged since a complete version: its arrays
            value = panel.read_refs() if key == panel.REFS_KEY else panel.read_series(*key[1:])
            shared.put(built, key, value)
            made += 1
    now = panel.data_version()
    _, newest = shared.completion(built)
    shared.mark_complete(built, as_of, newest=now == built or newest is None)
    _keep(shared, built, keys)
    log.info("figures of data version %s: %d of %d arrays read", built, made, len(keys))
    if now != built:
        _queue(now)  # written to while this ran: build the newer version too
    return {"version": list(built), "arrays": len(keys), "read": made}


def _changes(shared: Any, built: Version) -> tuple[Version | None, set[tuple[int, str]]]:
    """The newest kept complete version that `built` only added batches to (the metro table
    unchanged), and the (indicator, sex) pairs those batches wrote: every other series is
    the same in both. (None, ∅) when there is none: everything is read again."""
    for entry in shared.kept():
        since = tuple(entry[0])
        if since[1] == built[1] and since[0] < built[0]:
            pairs = (
                Observation.objects.filter(batch_id__gt=since[0], batch_id__lte=built[0])
                .order_by()
                .values_list("indicator_id", "sex")
                .distinct()
            )
            return since, set(pairs)  # type: ignore[return-value]
    return None, set()


def _snapshot() -> None:
    """Every read of the build from one state of the database: PostgreSQL's repeatable read
    (and no JIT, which costs more than it saves on these reads; see panel._read); SQLite's
    read transaction is one snapshot already."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            cursor.execute("SET LOCAL jit = off")


def _keep(shared: Any, built: Version, keys: list[Any]) -> None:
    kept = [entry for entry in shared.kept() if tuple(entry[0]) != built]
    kept.insert(0, (built, keys))
    for old, old_keys in kept[KEEP:]:
        shared.forget(old, old_keys)
    shared.keep(kept[:KEEP])
