"""Helpers for content fields translated with django-modeltranslation."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import get_language


def translated(obj: Any, field: str) -> tuple[str, str]:
    """Return (text, language it is in): the active language, else the first fallback with text."""
    active = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    order = [active, *settings.MODELTRANSLATION_FALLBACK_LANGUAGES]
    for language in order:
        value = getattr(obj, f"{field}_{language}", None)
        if value:
            return str(value), language
    return "", active


def missing_translations(obj: Any, fields: list[str]) -> list[str]:
    """Names like 'name_fr' that are empty while the English text exists."""
    missing = []
    for field in fields:
        if not getattr(obj, f"{field}_en", None):
            continue
        for language, _name in settings.LANGUAGES:
            if not getattr(obj, f"{field}_{language}", None):
                missing.append(f"{field}_{language}")
    return missing
