"""Staff forms of an activity and its accounts; the services (activity_services,
ledger_services) check the values and their errors come back onto the fields."""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

from django import forms
from django.utils.translation import gettext_lazy as _

from metroscope.accountability.activities.models import (
    Activity,
    ActivityStatus,
    ActivityType,
    GenderMarker,
    Mode,
    WorkPlan,
)
from metroscope.accountability.carbon.models import CabinClass, TravelMode, Trip
from metroscope.accountability.carbon.services import TripIn
from metroscope.accountability.ledger.models import BudgetLine, Expense, RateOrigin, SpendCategory
from metroscope.members.models import Member
from metroscope.plan.models import Challenge, Outcome, Program, Theme

T = TypeVar("T")


def typed(kind: type[T], data: dict[str, Any]) -> T:
    """A service's input dataclass from a form's cleaned data (fields of the same names)."""
    return kind(**{f.name: data[f.name] for f in dataclasses.fields(kind)})  # type: ignore[arg-type]


DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _many(queryset: Any, label: Any, **kwargs: Any) -> forms.ModelMultipleChoiceField:  # type: ignore[type-arg]
    return forms.ModelMultipleChoiceField(
        queryset=queryset,
        label=label,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        **kwargs,
    )


class ActivityForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    work_plan: forms.ModelChoiceField = forms.ModelChoiceField(  # type: ignore[type-arg]
        queryset=WorkPlan.objects.order_by("-year"),
        label=_("Work plan year"),
        to_field_name="year",
        empty_label=None,
    )
    type = forms.ChoiceField(label=_("Type"), choices=ActivityType.choices)
    status = forms.ChoiceField(label=_("Status"), choices=ActivityStatus.choices)
    outcomes = _many(
        Outcome.objects.select_related("axis").order_by("code"),
        _("Plan outcomes"),
        to_field_name="code",
    )
    themes = _many(Theme.objects.order_by("order"), _("Orienting themes"))
    challenges = _many(Challenge.objects.order_by("order"), _("Challenges"))
    program: forms.ModelChoiceField = forms.ModelChoiceField(  # type: ignore[type-arg]
        queryset=Program.objects.order_by("order"),
        label=_("Programme"),
        required=False,
        empty_label=_("None"),
    )
    gender_marker = forms.TypedChoiceField(
        label=_("Gender marker (OECD DAC)"),
        choices=[("", _("Not yet screened")), *GenderMarker.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    members = _many(Member.objects.order_by("name"), _("Members involved"), to_field_name="code")
    mode = forms.ChoiceField(
        label=_("Held"), choices=[("", _("Not recorded")), *Mode.choices], required=False
    )
    host_city = forms.CharField(
        label=_("Host city"),
        max_length=120,
        required=False,
        help_text=_("Where it is held in person; empty for an online activity."),
    )
    start_date = forms.DateField(label=_("Start date"), required=False, widget=DATE)
    end_date = forms.DateField(label=_("End date"), required=False, widget=DATE)

    @classmethod
    def initial_for(cls, activity: Activity) -> dict[str, Any]:
        return {
            "title": activity.title,
            "description": activity.description,
            "work_plan": activity.work_plan.year,
            "type": activity.type,
            "status": activity.status,
            "outcomes": [o.code for o in activity.outcomes.all()],
            "themes": [t.pk for t in activity.themes.all()],
            "challenges": [c.pk for c in activity.challenges.all()],
            "program": activity.program_id,
            "gender_marker": activity.gender_marker,
            "members": [m.code for m in activity.members.all()],
            "mode": activity.mode,
            "host_city": activity.host_city,
            "start_date": activity.start_date,
            "end_date": activity.end_date,
        }


class BudgetLineForm(forms.Form):
    year = forms.IntegerField(label=_("Year"))
    category = forms.ChoiceField(label=_("Category"), choices=SpendCategory.choices)
    amount_eur = forms.DecimalField(
        label=_("Amount (EUR)"),
        help_text=_("Recording the same year and category again replaces the amount."),
    )

    @classmethod
    def initial_for(cls, line: BudgetLine) -> dict[str, Any]:
        return {"year": line.year, "category": line.category, "amount_eur": line.amount_eur}


class BudgetLineEditForm(BudgetLineForm):
    amount_eur = forms.DecimalField(label=_("Amount (EUR)"))


class ExpenseForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DATE)
    amount = forms.DecimalField(
        label=_("Amount"),
        help_text=_(
            "In the currency paid. A refund, credit note, correction or reversal is negative, "
            "with its reason."
        ),
    )
    currency = forms.CharField(
        label=_("Currency"),
        max_length=3,
        initial="EUR",
        help_text=_(
            "ISO 4217, e.g. EUR. Converted to EUR at the European Central Bank's reference "
            "rate of the date (on a day without one, the last rate of the four days before)."
        ),
    )
    category = forms.ChoiceField(label=_("Category"), choices=SpendCategory.choices)
    supplier = forms.CharField(label=_("Supplier"), max_length=200, required=False)
    document_reference = forms.CharField(
        label=_("Document reference"), max_length=100, required=False
    )
    reason = forms.CharField(
        label=_("Reason (for a negative amount)"),
        max_length=300,
        required=False,
        help_text=_("Required when the amount is negative, e.g. “refund of the hotel deposit”."),
    )
    rate = forms.DecimalField(
        label=_("Rate to EUR (only where the ECB has none)"),
        required=False,
        help_text=_(
            "EUR for one unit of the currency on the date. Only for a currency the European "
            "Central Bank does not quote, or a date its table does not reach yet; leave it empty "
            "otherwise."
        ),
    )
    rate_source = forms.CharField(
        label=_("Source of the rate"),
        max_length=300,
        required=False,
        help_text=_("Required with a rate: who published it, e.g. the central bank, and when."),
    )

    @classmethod
    def initial_for(cls, expense: Expense) -> dict[str, Any]:
        recorded = expense.rate_origin == RateOrigin.RECORDED
        return {
            "date": expense.date,
            "amount": expense.amount,
            "currency": expense.currency,
            "category": expense.category,
            "supplier": expense.supplier,
            "document_reference": expense.document_reference,
            "reason": expense.reason,
            "rate": f"{expense.rate_to_eur.normalize():f}" if recorded else None,
            "rate_source": expense.rate_source if recorded else "",
        }


class TripForm(forms.Form):
    origin = forms.CharField(
        label=_("From"),
        max_length=120,
        help_text=_("A city, with its country after a comma when several share the name."),
    )
    destination = forms.CharField(label=_("To"), max_length=120)
    mode = forms.ChoiceField(label=_("Mode"), choices=TravelMode.choices)
    cabin_class = forms.ChoiceField(
        label=_("Cabin class"),
        choices=[("", _("None (not a flight)")), *CabinClass.choices],
        required=False,
    )
    passengers = forms.IntegerField(label=_("Passengers"), initial=1)
    round_trip = forms.BooleanField(label=_("Return journey"), required=False, initial=True)

    @classmethod
    def initial_for(cls, trip: Trip) -> dict[str, Any]:
        return {f.name: getattr(trip, f.name) for f in dataclasses.fields(TripIn)}
