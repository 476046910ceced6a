"""Template helpers: translated content with a visible English fallback, long dates as each
language writes them, whether the user may use the back office, the box a wide table scrolls
in, and the chart scripts a page loads only when it draws a chart."""

from __future__ import annotations

import re
from typing import Any

from django import template
from django.urls import reverse
from django.utils.dateformat import format as date_format
from django.utils.html import format_html, json_script, strip_tags
from django.utils.safestring import SafeString
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from metroscope.core import access, countries
from metroscope.core.chart_locale import vega_locale
from metroscope.core.downloads import TABLE_FORMATS
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


@register.filter(expects_localtime=True)
def long_date(value: Any) -> str:
    """A day written out in the active language: 16 December 2026, 16 décembre 2026,
    16 de diciembre de 2026 (the format is translated like any string); "" for no date."""
    if not value:
        return ""
    # Translators: a date format of Django's `date` filter (j: day, F: month's name, Y: year).
    return date_format(value, pgettext("long date format", "j F Y"))


@register.filter(expects_localtime=True)
def month_year(value: Any) -> str:
    """A month written out in the active language: August 2018, août 2018, agosto de 2018;
    "" for no date."""
    if not value:
        return ""
    # Translators: a date format of Django's `date` filter (F: month's name, Y: year).
    return date_format(value, pgettext("month and year format", "F Y"))


# Set on the request by every chart a page draws (components/chart.html), read by
# components/chart_scripts.html, which the page's `scripts` block includes after its content.
CHARTS_DRAWN = "_metroscope_charts_drawn"


@register.simple_tag(takes_context=True)
def chart_drawn(context: template.Context) -> str:
    """Notes that this page draws a chart (components/chart.html), so that its scripts load."""
    request = context.get("request")
    if request is not None:
        setattr(request, CHARTS_DRAWN, True)
    return ""


@register.simple_tag(takes_context=True)
def charts_drawn(context: template.Context) -> bool:
    """Whether the page drew a chart above: Vega, Vega-Lite and vega-embed (about 280 kB
    gzipped) load only then. Without a request to tell, they load."""
    request = context.get("request")
    return request is None or getattr(request, CHARTS_DRAWN, False)


@register.simple_tag
def chart_locale() -> SafeString:
    """The reader's number and date conventions for the charts (read by charts.js)."""
    language = (get_language() or "en").split("-")[0]
    return json_script(vega_locale(language), "chart-locale")


@register.inclusion_tag("components/downloads.html")
def download_links(url_name: str, query: str = "", label: str = "") -> dict[str, Any]:
    """Buttons for a page table's downloads (core.downloads.TABLE_FORMATS), keeping the
    page's filters (`query`, already URL-encoded)."""
    suffix = f"?{query}" if query else ""
    links = [
        (str(name), reverse(url_name, args=[fmt]) + suffix, fmt)
        for fmt, name in TABLE_FORMATS.items()
    ]
    return {"links": links, "label": label}


@register.filter
def country_name(iso3: str, fallback: str = "") -> str:
    """The country's name in the active language (CLDR's), else `fallback`, else the code."""
    return countries.country_name(iso3 or "", fallback=fallback or "")


@register.filter
def can_use_back_office(user: Any) -> bool:
    return access.can_use_back_office(user)


_CAPTION = re.compile(r"<caption\b[^>]*>(.*?)</caption>", re.DOTALL | re.IGNORECASE)


class ScrollBoxNode(template.Node):
    def __init__(self, nodelist: template.NodeList, label: Any) -> None:
        self.nodelist = nodelist
        self.label = label

    def render(self, context: template.Context) -> str:
        inner = self.nodelist.render(context)
        if not inner.strip():
            return inner
        label = self.label.resolve(context) if self.label is not None else ""
        if not label:
            caption = _CAPTION.search(inner)
            label = " ".join(strip_tags(caption.group(1)).split()) if caption else ""
        return format_html(
            '<div class="table-box" role="region" tabindex="0" aria-label="{}">{}</div>',
            # Translators: the name of the box a table without a caption scrolls in.
            label or pgettext("scrolling box", "Table"),
            SafeString(inner),
        )


@register.tag
def scrollbox(parser: template.base.Parser, token: template.base.Token) -> ScrollBoxNode:
    """`{% scrollbox [label] %}<table>…</table>{% endscrollbox %}`: a wide table scrolls
    sideways in its own box instead of widening the page. The box is a labelled region that
    takes the keyboard focus, so it can be scrolled without a mouse; its name is the label
    given, else the table's caption, else "Table". layout.js drops the focus stop and the
    region while the table fits."""
    bits = token.split_contents()[1:]
    if len(bits) > 1:
        raise template.TemplateSyntaxError("scrollbox takes at most one argument, its label")
    label = parser.compile_filter(bits[0]) if bits else None
    nodelist = parser.parse(("endscrollbox",))
    parser.delete_first_token()
    return ScrollBoxNode(nodelist, label)


@register.inclusion_tag("components/empty_state.html")
def empty_state(
    nothing: Any,
    who: Any = "",
    *,
    can: bool = False,
    url: str = "",
    action: Any = "",
    testid: str = "empty-state",
) -> dict[str, Any]:
    """What an empty list or chart says instead: that nothing is recorded (`nothing`), what
    would fill it and who may (`who`), and, for a user who may (`can`), the link to the form
    (`url`, labelled `action`). Everyone reads the first two; only those who may see the link."""
    return {
        "nothing": nothing,
        "who": who,
        "url": url if can else "",
        "action": action,
        "testid": testid,
    }
