"""Staff forms of an activity: create and edit it, add a budget line, record an expense and a
trip. Thin views over activity_services and ledger_services; others get 403."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from metroscope.accountability import access
from metroscope.accountability.activities import services as activity_services
from metroscope.accountability.activities.forms import (
    ActivityForm,
    BudgetLineForm,
    ExpenseForm,
    TripForm,
    typed,
)
from metroscope.accountability.activities.models import Activity
from metroscope.accountability.carbon import services as carbon_services
from metroscope.accountability.ledger import services as ledger_services
from metroscope.accountability.people.forms import apply_service


def staff_or_403(request: HttpRequest) -> None:
    if not access.can_edit_activities(request.user):
        raise PermissionDenied


def _activity_in(data: dict[str, Any]) -> activity_services.ActivityIn:
    return activity_services.ActivityIn(
        title=data["title"],
        description=data["description"],
        work_plan_year=data["work_plan"].year,
        type=data["type"],
        status=data["status"],
        outcome_codes=[o.code for o in data["outcomes"]],
        theme_ids=[t.pk for t in data["themes"]],
        challenge_ids=[c.pk for c in data["challenges"]],
        program_id=data["program"].pk if data["program"] else None,
        gender_marker=data["gender_marker"],
        member_codes=[m.code for m in data["members"]],
        mode=data["mode"],
        host_city=data["host_city"],
        start_date=data["start_date"],
        end_date=data["end_date"],
    )


@login_required
def activity_create(request: HttpRequest) -> HttpResponse:
    staff_or_403(request)
    form = ActivityForm(request.POST or None)
    if request.method == "POST":
        activity = apply_service(
            form,
            lambda data: activity_services.activity_save(
                user=request.user, data=_activity_in(data)
            ),
        )
        if activity is not None:
            messages.success(request, _("The activity was created."))
            return redirect("accountability:activity", pk=activity.pk)
    context = {"form": form, "heading": _("New activity"), "button": _("Create the activity")}
    return render(request, "accountability/activity_form.html", context)


def activity_or_404(pk: int) -> Activity:
    activity = Activity.objects.select_related("work_plan").filter(pk=pk).first()
    if activity is None:
        raise Http404
    return activity


@login_required
def activity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    staff_or_403(request)
    activity = activity_or_404(pk)
    if request.method == "POST":
        form = ActivityForm(request.POST)
        done = apply_service(
            form,
            lambda data: activity_services.activity_save(
                user=request.user, data=_activity_in(data), activity_id=activity.pk
            ),
        )
        if done is not None:
            messages.success(request, _("The activity was saved."))
            return redirect("accountability:activity", pk=activity.pk)
    else:
        form = ActivityForm(initial=ActivityForm.initial_for(activity))
    context = {
        "form": form,
        "activity": activity,
        "heading": _("Edit “%(title)s”") % {"title": activity.title},
        "button": _("Save the activity"),
    }
    return render(request, "accountability/activity_form.html", context)


def _record(
    request: HttpRequest,
    pk: int,
    form_class: type[forms.Form],
    write: Callable[[Activity, dict[str, Any]], Any],
    *,
    heading: Any,
    done: Any,
    initial: Callable[[Activity], dict[str, Any]] | None = None,
) -> HttpResponse:
    """One of the activity's accounts forms: on success back to the activity's accounts."""
    staff_or_403(request)
    activity = activity_or_404(pk)
    form = form_class(request.POST or None, initial=initial(activity) if initial else None)
    if request.method == "POST" and apply_service(form, lambda data: write(activity, data)):
        messages.success(request, str(done))
        return redirect(reverse("accountability:activity", args=[activity.pk]) + "#accounts")
    context = {"form": form, "activity": activity, "heading": heading, "button": heading}
    return render(request, "accountability/activity_record.html", context)


@login_required
def budget_line_add(request: HttpRequest, pk: int) -> HttpResponse:
    def write(activity: Activity, data: dict[str, Any]) -> Any:
        return ledger_services.budget_line_record(
            user=request.user,
            activity_id=activity.pk,
            year=data["year"],
            category=data["category"],
            amount_eur=data["amount_eur"],
        )

    return _record(
        request,
        pk,
        BudgetLineForm,
        write,
        heading=gettext_lazy("Add a budget line"),
        done=gettext_lazy("The budget line was recorded."),
        initial=lambda activity: {"year": activity.work_plan.year},
    )


@login_required
def expense_add(request: HttpRequest, pk: int) -> HttpResponse:
    def write(activity: Activity, data: dict[str, Any]) -> Any:
        return ledger_services.expense_record(
            user=request.user,
            activity_id=activity.pk,
            data=typed(ledger_services.ExpenseIn, data),
        )

    return _record(
        request,
        pk,
        ExpenseForm,
        write,
        heading=gettext_lazy("Record an expense"),
        done=gettext_lazy("The expense was recorded."),
    )


@login_required
def trip_add(request: HttpRequest, pk: int) -> HttpResponse:
    def write(activity: Activity, data: dict[str, Any]) -> Any:
        return carbon_services.trip_record(
            user=request.user, activity_id=activity.pk, data=typed(carbon_services.TripIn, data)
        )

    return _record(
        request,
        pk,
        TripForm,
        write,
        heading=gettext_lazy("Record a trip"),
        done=gettext_lazy("The trip was recorded."),
    )
