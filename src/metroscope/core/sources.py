"""Extension points of figures: an app on a higher floor adds rows to a lower floor's counts
without that floor importing it (e.g. the attendance of events to the plan's participants).
The slot's owner documents the shape of its rows; a provider returns a list of them. The
twin of core.panels, for data instead of HTML."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Provider = Callable[..., list[Any]]
_SOURCES: dict[str, list[tuple[int, str, Provider]]] = {}


def register_source(slot: str, name: str, provider: Provider, *, order: int = 0) -> None:
    """Called from AppConfig.ready(); registering the same name twice replaces it."""
    entries = [e for e in _SOURCES.get(slot, []) if e[1] != name]
    entries.append((order, name, provider))
    _SOURCES[slot] = sorted(entries, key=lambda e: (e[0], e[1]))


def collect(slot: str, **context: Any) -> list[tuple[str, list[Any]]]:
    """(provider's name, its rows) for every provider of the slot, in order."""
    return [(name, provider(**context)) for _, name, provider in _SOURCES.get(slot, [])]
