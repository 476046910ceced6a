from __future__ import annotations

from typing import Any

from django import template
from django.template.defaultfilters import floatformat
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from metroscope.core.countries import country_name
from metroscope.observatory import crosswalk_notes
from metroscope.observatory.models import BatchKind, Flag, Indicator, Scale, Sex, split_flags

register = template.Library()


@register.filter
def figure(value: float | None, indicator: Indicator) -> str:
    """A value with the indicator's decimals and thousands grouping, in the active locale."""
    if value is None:
        return "—"
    return str(floatformat(value, f"{indicator.decimals}g"))


@register.filter
def signed_figure(value: float | None, indicator: Indicator) -> str:
    """A difference with its sign (+ above, − below), as `figure` writes numbers."""
    if value is None:
        return "—"
    text = figure(abs(value), indicator)
    if not any(ch in "123456789" for ch in text):
        return text  # rounds to zero: no sign
    return f"+{text}" if value > 0 else f"−{text}"


@register.filter
def unit_label(indicator: Indicator) -> Any:
    return indicator.get_unit_display()


@register.filter
def sex_label(value: str) -> Any:
    """The translated label of a sex code (total, female, male)."""
    return Sex(value).label if value in Sex.values else value


@register.filter
def sex_labels(values: list[str]) -> str:
    return ", ".join(str(sex_label(v)) for v in values)


@register.filter
def scale_label(value: str) -> Any:
    """The label of a scale code ("national" → "national proxy")."""
    return Scale(value).label if value in Scale.values else value


# What each flag tells a reader, shown as the badge's tooltip and in the legend.
FLAG_HELP = {
    Flag.PROJECTION: _("A projection for a year not yet measured, not an observed value."),
    Flag.LOW_COVERAGE: _(
        "Measured over less than 75 % of the year (the WHO's temporal coverage): it may not "
        "stand for the whole year."
    ),
    Flag.SELF_REPORTED: _("Reported by the city itself (CDP), not checked by a third party."),
    Flag.SOURCE_BOUNDARY: _(
        "Describes the area as the source draws it, which may differ from the metro's."
    ),
    Flag.SUM_OF_COMPONENTS: _("The sum of the values of the places the metro is made of."),
    Flag.CHECK_VALUE: _("An unusual value: check it before relying on it."),
}


def value_flags(obs: Any) -> list[str]:
    """The flags of a value (an Observation, or anything with `flags` and `note`)."""
    codes = [c for c in split_flags(getattr(obs, "flags", "") or "") if c in Flag.values]
    # Values loaded before the projection flag existed said so only in their note.
    if getattr(obs, "note", "") == "UN projection" and Flag.PROJECTION not in codes:
        codes.insert(0, Flag.PROJECTION)
    return codes


@register.filter
def flag_badges(obs: Any) -> SafeString:
    """A small badge per flag of the value, its meaning in the tooltip; each badge brings its
    own leading space, so an unflagged value's cell keeps exactly its figure."""
    return format_html_join(
        "",
        ' <span class="badge flag" data-flag="{}" title="{}">{}</span>',
        ((code, FLAG_HELP[Flag(code)], Flag(code).label) for code in value_flags(obs)),
    )


@register.inclusion_tag("observatory/_flags_legend.html")
def flags_legend() -> dict[str, Any]:
    return {"flags": [(flag.label, FLAG_HELP[flag]) for flag in Flag]}


# How a UN agglomeration was matched (places.py writes these English phrases into
# Metro.wup_match): said in the reader's language.
WUP_MATCHES = {
    "member crosswalk": _("member crosswalk"),
    "member crosswalk (the member's own)": _("member crosswalk (the member's own)"),
    "country, name and distance": _("country, name and distance"),
    "country and distance": _("country and distance"),
    "no urban centre matched": _("no urban centre matched"),
}


@register.filter
def wup_match_label(value: str) -> Any:
    return WUP_MATCHES.get(value, value)


@register.filter
def crosswalk_note(note: str) -> str:
    """A member ↔ metro crosswalk note in the reader's language (crosswalk_notes.py)."""
    return crosswalk_notes.crosswalk_note(note)


_NATIONAL_FIGURE = "national figure: "  # written by loaders/third_drop.py, then the country


@register.filter
def value_note(obs: Any) -> SafeString:
    """A value's note: the loaders' own phrases in the reader's language; a note the open-data
    loaders copied from their (English) sources marked as English; anyone else's as written."""
    note = getattr(obs, "note", "") or ""
    if not note:
        return format_html("{}", "")
    if note == "UN projection":
        return format_html("{}", _("UN projection"))
    if note.startswith(_NATIONAL_FIGURE):
        iso3 = getattr(getattr(obs, "metro", None), "country_iso3", "")
        name = country_name(iso3, fallback=note.removeprefix(_NATIONAL_FIGURE))
        return format_html("{}", _("national figure: %(country)s") % {"country": name})
    batch = getattr(obs, "batch", None)
    if batch is not None and batch.kind == BatchKind.OPEN_DATA:
        return format_html('<span lang="en">{}</span>', note)
    return format_html("{}", note)
