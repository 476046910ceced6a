"""The opportunity matrix and member engagement pages of the plan (public aggregates)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from metroscope.accountability import access
from metroscope.accountability.activities import selectors
from metroscope.accountability.activities.models import WorkPlan
from metroscope.accountability.dashboards import analytics as dashboards
from metroscope.accountability.dashboards import charts
from metroscope.accountability.dashboards import selectors as dashboard_selectors
from metroscope.core import params
from metroscope.plan import selectors as plan_selectors


def _year(request: HttpRequest) -> int | None:
    return params.year(request.GET)


def _years() -> list[int]:
    return list(WorkPlan.objects.order_by("year").values_list("year", flat=True))


def matrix_page(request: HttpRequest) -> HttpResponse:
    plan = plan_selectors.current_plan()
    if plan is None:
        raise Http404
    year = _year(request)
    view = dashboard_selectors.opportunity_matrix(plan=plan, years=None if year is None else [year])
    context = {
        "view": view,
        "year": year,
        "years": _years(),
        # no chart without data: an all-zero heat map says nothing
        "chart_spec": charts.matrix_chart(charts.matrix_rows(view)) if view.activities else None,
        "can_edit": access.can_edit_activities(request.user),
        "rule": dashboards.MATRIX_RULE,
        "illustrative": view.illustrative or selectors.illustrative_activities(),
        "show_report_link": access.can_view_board_report(request.user),
    }
    return render(request, "accountability/matrix.html", context)


def engagement_page(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    view = dashboard_selectors.member_engagement(years=None if year is None else [year])
    context = {
        "view": view,
        "year": year,
        "years": _years(),
        "region_names": {r.code: r.name for r in view.regions},
        "chart_spec": charts.engagement_chart(charts.engagement_rows(view)),
        "rule": dashboards.ENGAGEMENT_RULE,
        "illustrative": selectors.illustrative_activities(),
        "shown": f":{dashboard_selectors.SHOWN_PER_MEMBER}",
        "show_report_link": access.can_view_board_report(request.user),
    }
    return render(request, "accountability/engagement.html", context)
