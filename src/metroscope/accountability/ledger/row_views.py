"""Staff edit and delete an activity's budget lines, expenses and trips from its page (a
deletion asks for confirmation first); thin views over ledger_edits, others get 403."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from metroscope.accountability.activities.edit_views import activity_or_404, staff_or_403
from metroscope.accountability.activities.forms import (
    BudgetLineEditForm,
    ExpenseForm,
    TripForm,
    typed,
)
from metroscope.accountability.carbon import services as carbon_services
from metroscope.accountability.carbon.models import Trip
from metroscope.accountability.ledger import edits as ledger_edits
from metroscope.accountability.ledger import services as ledger_services
from metroscope.accountability.ledger.models import BudgetLine, Expense
from metroscope.accountability.people.forms import apply_service

Facts = list[tuple[Any, Any]]


@dataclass(frozen=True)
class Kind:
    """What the edit and delete views need to know of one kind of row."""

    model: type[models.Model]
    form: type[forms.Form]
    update: Callable[[Any, int, dict[str, Any]], Any]  # (user, row id, cleaned data)
    delete: Callable[[Any, int], None]  # (user, row id)
    facts: Callable[[Any], Facts]  # what the confirmation page shows of the row
    edit_heading: Promise
    delete_heading: Promise
    edited: Promise
    deleted: Promise


def _budget_facts(line: BudgetLine) -> Facts:
    return [
        (_("Year"), line.year),
        (_("Category"), line.get_category_display()),  # type: ignore[attr-defined]
        (_("Amount (EUR)"), floatformat(line.amount_eur, "2g")),
    ]


def _expense_facts(expense: Expense) -> Facts:
    return [
        (_("Date"), date_filter(expense.date, "Y-m-d")),
        (_("Amount"), f"{floatformat(expense.amount, '2g')} {expense.currency}"),
        (_("Amount (EUR)"), floatformat(expense.amount_eur, "2g")),
        (_("Category"), expense.get_category_display()),  # type: ignore[attr-defined]
        (_("Supplier"), expense.supplier or "—"),
        (_("Document reference"), expense.document_reference or "—"),
        (_("Reason"), expense.reason or "—"),
    ]


def _trip_facts(trip: Trip) -> Facts:
    return [
        (_("From"), trip.origin),
        (_("To"), trip.destination),
        (_("Mode"), trip.get_mode_display()),  # type: ignore[attr-defined]
        (_("Passengers"), trip.passengers),
    ]


KINDS: dict[str, Kind] = {
    "budget": Kind(
        model=BudgetLine,
        form=BudgetLineEditForm,
        update=lambda user, pk, data: ledger_edits.budget_line_update(
            user=user,
            line_id=pk,
            year=data["year"],
            category=data["category"],
            amount_eur=data["amount_eur"],
        ),
        delete=lambda user, pk: ledger_edits.budget_line_delete(user=user, line_id=pk),
        facts=_budget_facts,
        edit_heading=_("Edit a budget line"),
        delete_heading=_("Delete a budget line"),
        edited=_("The budget line was saved."),
        deleted=_("The budget line was deleted."),
    ),
    "expense": Kind(
        model=Expense,
        form=ExpenseForm,
        update=lambda user, pk, data: ledger_edits.expense_update(
            user=user, expense_id=pk, data=typed(ledger_services.ExpenseIn, data)
        ),
        delete=lambda user, pk: ledger_edits.expense_delete(user=user, expense_id=pk),
        facts=_expense_facts,
        edit_heading=_("Edit an expense"),
        delete_heading=_("Delete an expense"),
        edited=_("The expense was saved."),
        deleted=_("The expense was deleted."),
    ),
    "trip": Kind(
        model=Trip,
        form=TripForm,
        update=lambda user, pk, data: carbon_services.trip_update(
            user=user, trip_id=pk, data=typed(carbon_services.TripIn, data)
        ),
        delete=lambda user, pk: carbon_services.trip_delete(user=user, trip_id=pk),
        facts=_trip_facts,
        edit_heading=_("Edit a trip"),
        delete_heading=_("Delete a trip"),
        edited=_("The trip was saved."),
        deleted=_("The trip was deleted."),
    ),
}


def _row(kind: Kind, pk: int, row: int) -> Any:
    """The activity's row, or 404 (a row of another activity is not found here)."""
    found = kind.model._default_manager.filter(pk=row, activity_id=pk).first()
    if found is None:
        raise Http404
    return found


def _back(pk: int) -> str:
    return reverse("accountability:activity", args=[pk]) + "#accounts"


@login_required
def row_edit(request: HttpRequest, pk: int, row: int, kind: str) -> HttpResponse:
    staff_or_403(request)
    what = KINDS[kind]
    activity = activity_or_404(pk)
    found = _row(what, pk, row)
    if request.method == "POST":
        form = what.form(request.POST)
        if apply_service(form, lambda data: what.update(request.user, found.pk, data)):
            messages.success(request, str(what.edited))
            return redirect(_back(pk))
    else:
        form = what.form(initial=what.form.initial_for(found))  # type: ignore[attr-defined]
    context = {
        "form": form,
        "activity": activity,
        "heading": what.edit_heading,
        "button": _("Save"),
    }
    return render(request, "accountability/activity_record.html", context)


@login_required
def row_delete(request: HttpRequest, pk: int, row: int, kind: str) -> HttpResponse:
    """GET asks for confirmation; POST deletes."""
    staff_or_403(request)
    what = KINDS[kind]
    activity = activity_or_404(pk)
    found = _row(what, pk, row)
    if request.method == "POST":
        try:
            what.delete(request.user, found.pk)
        except ValidationError as exc:  # deleted by someone else in the meantime
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, str(what.deleted))
        return redirect(_back(pk))
    context = {"activity": activity, "heading": what.delete_heading, "facts": what.facts(found)}
    return render(request, "accountability/activity_row_delete.html", context)
