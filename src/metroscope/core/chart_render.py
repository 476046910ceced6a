"""Vega-Lite specs drawn as SVG on the server (vl-convert), for PDFs: the same spec dicts the
pages embed, with the site's static data files inlined and every remote fetch refused."""

from __future__ import annotations

import copy
import json
from typing import Any

import vl_convert
from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage

# d3-format locales for the numbers vl-convert writes on axes and labels.
FORMAT_LOCALES = {"en": "en-US", "fr": "fr-FR", "es": "es-ES"}


class RemoteDataRefused(ValueError):
    """A chart asked for data that is not one of the site's static files."""


def _static_json(url: str) -> Any:
    name = url.removeprefix(settings.STATIC_URL).lstrip("/")
    if not url.startswith(settings.STATIC_URL) or ".." in name:
        raise RemoteDataRefused(f"chart data {url!r} is not a static file of the site")
    found = finders.find(name)
    if found:
        with open(found, encoding="utf-8") as handle:
            return json.load(handle)
    if staticfiles_storage.exists(name):
        with staticfiles_storage.open(name) as handle:
            return json.load(handle)
    raise RemoteDataRefused(f"chart data {url!r}: no such static file")


def _inline(node: Any, width: int) -> Any:
    """Replace static `data.url`s with their values and container widths with `width`."""
    if isinstance(node, list):
        return [_inline(item, width) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _inline(value, width) for key, value in node.items()}
    data = out.get("data")
    if isinstance(data, dict) and "url" in data:
        data = dict(data)
        data["values"] = _static_json(str(data.pop("url")))
        out["data"] = data
    if out.get("width") == "container":
        out["width"] = width
    return out


def to_svg(spec: dict[str, Any], *, language: str = "en", width: int = 600) -> str:
    """The chart as an SVG document; data only from the spec or the site's static files."""
    prepared = _inline(copy.deepcopy(spec), width)
    return str(
        vl_convert.vegalite_to_svg(
            prepared,
            allowed_base_urls=[],
            format_locale=FORMAT_LOCALES.get(language[:2], "en-US"),  # type: ignore[arg-type]
        )
    )
