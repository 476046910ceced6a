"""Public pages of the accountability: work plans, activities, results and plan progress.
Staff edit through activity_views.py (and the admin)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from metroscope.accountability import access
from metroscope.accountability.activities import accounts as activity_accounts_module
from metroscope.accountability.activities import analytics as progress
from metroscope.accountability.activities import iati, selectors
from metroscope.accountability.activities.models import (
    ActivityStatus,
    ActivityType,
    GenderMarker,
    WorkPlan,
)
from metroscope.core import exports, params
from metroscope.core.paging import Pager, paginate
from metroscope.core.panels import render_panels
from metroscope.members.models import Member
from metroscope.plan import models as framework
from metroscope.plan import selectors as plan_selectors

PAGE_SIZE = 50  # activities per page of a list


def work_plan_list(request: HttpRequest) -> HttpResponse:
    context = {
        "work_plans": selectors.work_plans(),
        "illustrative": selectors.illustrative_activities(),
    }
    return render(request, "accountability/work_plans.html", context)


def work_plan_detail(request: HttpRequest, year: int) -> HttpResponse:
    work_plan = WorkPlan.objects.filter(year=year).first()
    if work_plan is None:
        raise Http404
    filters = selectors.ActivityFilters(year=year)
    facets = selectors.facets_for(filters)
    return render(
        request,
        "accountability/work_plan.html",
        {
            "work_plan": work_plan,
            "activities": _page(request, filters, facets),
            "facets": facets,
            "illustrative": facets.illustrative,
        },
    )


def _page(
    request: HttpRequest, filters: selectors.ActivityFilters, facets: selectors.Facets
) -> Pager:
    """One page of the activities (every one reachable, a page at a time); the counts above
    the table are over all of them."""
    activities = selectors.activities(filters=filters)
    return paginate(request, activities, per_page=PAGE_SIZE, count=facets.total, anchor="list")


def activity_list(request: HttpRequest) -> HttpResponse:
    filters = selectors.ActivityFilters.from_params(request.GET)
    facets = selectors.facets_for(filters)
    plan = plan_selectors.current_plan()
    context = {
        "filters": filters,
        "activities": _page(request, filters, facets),
        "facets": facets,
        "illustrative": facets.illustrative,
        "member": Member.objects.filter(code=filters.member).first() if filters.member else None,
        "years": list(WorkPlan.objects.order_by("year").values_list("year", flat=True)),
        "types": ActivityType.choices,
        "statuses": ActivityStatus.choices,
        "markers": GenderMarker.choices,
        "not_screened": selectors.NOT_SCREENED,
        "themes": plan_selectors.plan_items(plan=plan, model=framework.Theme) if plan else [],
        "challenges": plan_selectors.plan_items(plan=plan, model=framework.Challenge)
        if plan
        else [],
        "programs": plan_selectors.plan_items(plan=plan, model=framework.Program) if plan else [],
        "can_edit": access.can_edit_activities(request.user),
    }
    return render(request, "accountability/activities.html", context)


def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    activity = selectors.activity_detail(pk=pk)
    if activity is None:
        raise Http404
    money = activity_accounts_module.activity_accounts(activity=activity)
    show_expenses = access.can_view_expense_lines(request.user)
    if show_expenses:
        money.expenses = paginate(
            request,
            money.expenses,
            param="expenses",
            per_page=50,
            count=money.expense_count,
            anchor="activity-expenses",
        )
    context = {
        "activity": activity,
        "results": selectors.results(list(activity.indicators.all()), on=timezone.localdate()),
        "rule": progress.RULE,
        "show_staff": access.can_view_staff_names(request.user),
        "can_edit": access.can_edit_activities(request.user),
        "accounts": money,
        "illustrative": money.illustrative,
        "show_expenses": show_expenses,
        # Higher floors add sections, e.g. the programs' registrations of an event.
        "panels": render_panels("plan.activity", request=request, activity=activity),
    }
    return render(request, "accountability/activity.html", context)


def plan_progress(request: HttpRequest) -> HttpResponse:
    plan = plan_selectors.current_plan()
    if plan is None:
        raise Http404
    tree = selectors.progress_tree(plan=plan, on=timezone.localdate())
    context = {
        "plan": plan,
        "tree": tree,
        "rule": progress.RULE,
        "illustrative": selectors.illustrative_activities(),
    }
    return render(request, "accountability/progress.html", context)


def iati_download(request: HttpRequest) -> HttpResponse:
    chosen = params.year(request.GET)
    document = iati.export(year=chosen)
    response = HttpResponse(document, content_type="application/xml; charset=utf-8")
    name = exports.safe_filename("metropolis-activities", chosen or "", extension="xml")
    return exports.attachment(response, name)
