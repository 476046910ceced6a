from __future__ import annotations

from typing import Any

from django import template
from django.template.defaultfilters import floatformat

from metroscope.observatory.models import Flag, Indicator, Scale, Sex, split_flags

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


@register.filter
def flag_labels(flags: str) -> list[Any]:
    """The translated labels of an observation's comma-separated flags."""
    return [Flag(f).label if f in Flag.values else f for f in split_flags(flags)]
