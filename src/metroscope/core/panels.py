"""Extension points of pages: an app on a higher floor adds a section to a lower floor's
page without that page importing it (e.g. the exchange's suggested solutions on the
Observatory's metro profile). A provider returns rendered HTML, or "" to add nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.safestring import SafeString, mark_safe

Provider = Callable[..., str]
_PANELS: dict[str, list[tuple[int, str, Provider]]] = {}


def register_panel(slot: str, name: str, provider: Provider, *, order: int = 0) -> None:
    """Called from AppConfig.ready(); registering the same name twice replaces it."""
    entries = [e for e in _PANELS.get(slot, []) if e[1] != name]
    entries.append((order, name, provider))
    _PANELS[slot] = sorted(entries, key=lambda e: (e[0], e[1]))


def render_panels(slot: str, **context: Any) -> list[SafeString]:
    """The providers' HTML for this slot, in order, empty ones left out. Providers render
    through Django templates, which escape what they show."""
    rendered = (provider(**context) for _, _, provider in _PANELS.get(slot, []))
    return [mark_safe(html) for html in rendered if html]  # noqa: S308
