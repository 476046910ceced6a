"""The carbon page of the plan: travel emissions per year against the target, per action line,
and what online activities saved."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from metroscope.accountability import access
from metroscope.accountability.activities import selectors
from metroscope.accountability.carbon import charts
from metroscope.accountability.carbon import selectors as carbon_selectors
from metroscope.core import params
from metroscope.core.paging import paginate


def _year(request: HttpRequest) -> int | None:
    return params.year(request.GET)


def carbon_page(request: HttpRequest) -> HttpResponse:
    overview = carbon_selectors.carbon_overview(year=_year(request))
    context = {
        "overview": overview,
        "savings": paginate(request, overview.savings, per_page=100, anchor="online-savings"),
        "chart_spec": charts.emissions_chart(overview.by_year),
        "illustrative": overview.illustrative or selectors.illustrative_activities(),
        "can_edit": access.can_edit_activities(request.user),
    }
    return render(request, "accountability/carbon.html", context)
