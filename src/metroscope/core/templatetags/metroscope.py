"""Template helpers: translated content with a visible English fallback, language links, long
dates as each language writes them, and whether the user may use the back office."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import translate_url
from django.utils.dateformat import format as date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from metroscope.core import access
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


@register.filter(expects_localtime=True)
def long_date(value: Any) -> str:
    """A day written out in the active language: 16 December 2026, 16 décembre 2026,
    16 de diciembre de 2026 (the format is translated like any string); "" for no date."""
    if not value:
        return ""
    # Translators: a date format of Django's `date` filter (j: day, F: month's name, Y: year).
    return date_format(value, pgettext("long date format", "j F Y"))


@register.filter
def can_use_back_office(user: Any) -> bool:
    return access.can_use_back_office(user)
