"""Template helpers: translated content with a visible English fallback, language links."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import translate_url
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from metroscope.core.i18n import translated

register = template.Library()


@register.simple_tag
def tr(obj: Any, field: str) -> SafeString:
    """The field in the active language, or the English text marked as a fallback."""
    text, language = translated(obj, field)
    if language == get_language() or not text:
        return format_html("{}", text)
    return format_html(
        '<span lang="{}" class="fallback">{}</span> '
        '<abbr class="badge fallback-badge" title="{}">{}</abbr>',
        language,
        text,
        _("Not yet translated: shown in English"),
        language.upper(),
    )


@register.simple_tag(takes_context=True)
def url_in_language(context: dict[str, Any], language: str) -> str:
    request = context["request"]
    return translate_url(request.get_full_path(), language)
