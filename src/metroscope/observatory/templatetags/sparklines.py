"""A metro's values of one indicator as a tiny inline SVG, drawn on the server."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import template
from django.utils.translation import gettext as _

from metroscope.core.i18n import translated
from metroscope.observatory.charts import sparkline
from metroscope.observatory.models import Indicator, Observation, Status
from metroscope.observatory.templatetags.observatory import figure

register = template.Library()


@register.inclusion_tag("observatory/_sparkline.html")
def metro_sparkline(
    series: Sequence[dict[str, Any]], indicator: Indicator, obs: Observation
) -> dict[str, Any]:
    """The published values of `obs`'s sex up to its year, from the metro's series
    (selectors.metro_values, already read for the page), ending on the value shown."""
    entry = next((e for e in series if e["indicator"].pk == indicator.pk), None)
    values = [
        o
        for o in (entry["values"] if entry else [])
        if o.sex == obs.sex and o.status == Status.PUBLISHED and o.year <= obs.year
    ]
    line = sparkline([(o.year, o.value) for o in values])
    if line is None:
        return {"line": None}
    first = min(values, key=lambda o: o.year)
    name = translated(indicator, "name")[0] or indicator.code
    unit = indicator.get_unit_display()
    if len(values) == 1:
        title = _("%(indicator)s: one value, %(value)s %(unit)s in %(year)s") % {
            "indicator": name,
            "value": figure(obs.value, indicator),
            "unit": unit,
            "year": obs.year,
        }
    else:
        title = _(
            "%(indicator)s, %(count)s values from %(first_year)s to %(last_year)s: "
            "%(first)s to %(last)s %(unit)s"
        ) % {
            "indicator": name,
            "count": len(values),
            "first_year": first.year,
            "last_year": obs.year,
            "first": figure(first.value, indicator),
            "last": figure(obs.value, indicator),
            "unit": unit,
        }
    return {"line": line, "title": title}
