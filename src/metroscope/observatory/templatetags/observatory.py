from __future__ import annotations

from typing import Any

from django import template
from django.template.defaultfilters import floatformat

from metroscope.observatory.models import Indicator, Sex

register = template.Library()


@register.filter
def figure(value: float | None, indicator: Indicator) -> str:
    """A value with the indicator's decimals and thousands grouping, in the active locale."""
    if value is None:
        return "—"
    return str(floatformat(value, f"{indicator.decimals}g"))


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
