"""Counts the Observatory's public pages make over every published value — the catalogue's
coverage of each indicator, an indicator's sexes, scales and coverage — kept between requests
while the data stay the same.

They are keyed like the peer arrays, by `panel.data_version()`: the newest import batch, which
every write of values goes through (imports, forms, the API, review, the open-data load), and
the token the database changes on every write to the metro table. Which metros are members' own
places lives in another table (`observatory_metromember`) that changes neither, so a figure
over member metros takes their current ids (`selectors.member_metro_ids`, one small query) as
part of its key, and a figure that leaves projections out takes the year. A value edited in the
back office bypasses the batch and is unseen here until the next batch, as in the peer arrays
(docs/architecture.md, "Caches")."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar

from metroscope.core.versioned_cache import LocalStore, VersionedCache
from metroscope.observatory import panel

T = TypeVar("T")
MAX_ENTRIES = 1024  # figures kept per process (a few per indicator, sex and scale)

_figures = VersionedCache(panel.data_version, store=LocalStore(max_entries=MAX_ENTRIES))


def figure(key: Hashable, compute: Callable[[], T], *, version: Hashable | None = None) -> T:
    """`compute()`, computed once per data version and `key` in this process; pass `version`
    (from `panel.data_version`) when `compute` reads the peer arrays of that version."""
    return _figures.get(key, compute, token=version)


def clear() -> None:
    """Forget every figure (the tests start each case from the database)."""
    _figures.clear()
