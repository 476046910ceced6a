"""Staff forms of the people and risks pages; the services check the values and their
errors come back onto the fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from metroscope.accountability.activities.models import Activity
from metroscope.accountability.people.models import Panel, ParticipantRole
from metroscope.accountability.risks.models import RiskCategory, RiskStatus
from metroscope.members.models import Gender, Member
from metroscope.plan.models import Outcome


def activity_field(**kwargs: Any) -> forms.ModelChoiceField:  # type: ignore[type-arg]
    return forms.ModelChoiceField(
        queryset=Activity.objects.select_related("work_plan").order_by("-start_date", "title"),
        label=_("Activity"),
        **kwargs,
    )


def member_field() -> forms.ModelChoiceField:  # type: ignore[type-arg]
    return forms.ModelChoiceField(
        queryset=Member.objects.order_by("name"),
        label=_("Member"),
        required=False,
        to_field_name="code",
        empty_label=_("None (not a member's delegation)"),
    )


class ParticipantCountForm(forms.Form):
    activity = activity_field()
    gender = forms.ChoiceField(label=_("Gender"), choices=Gender.choices)
    role_category = forms.ChoiceField(label=_("Role category"), choices=ParticipantRole.choices)
    member = member_field()
    count = forms.IntegerField(
        label=_("Number of people"),
        help_text=_("Recording the same activity, gender, role and member again replaces it."),
    )


class ParticipantForm(forms.Form):
    """One person of an activity: the name may be left out, the gender may be “not stated”."""

    activity = activity_field()
    name = forms.CharField(
        label=_("Name"),
        max_length=200,
        required=False,
        help_text=_("Personal data: shown to the Secretariat and the member's officers only."),
    )
    gender = forms.ChoiceField(label=_("Gender"), choices=Gender.choices)
    role_category = forms.ChoiceField(label=_("Role category"), choices=ParticipantRole.choices)
    member = member_field()


class PanelChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.activity.title} — {obj.title}"


class SpeakerForm(ParticipantForm):
    name = forms.CharField(
        label=_("Name"),
        max_length=200,
        required=False,
        help_text=_("Personal data: shown to the Secretariat only."),
    )
    field_order = ["activity", "panel", "name", "gender", "role_category", "member"]
    panel = PanelChoice(
        queryset=Panel.objects.select_related("activity").order_by(
            "-activity__start_date", "activity__title", "title"
        ),
        label=_("Panel"),
        required=False,
        empty_label=_("None (spoke alone, e.g. a keynote)"),
        help_text=_("One of the chosen activity's panels."),
    )


class PanelForm(forms.Form):
    activity = activity_field()
    title = forms.CharField(label=_("Title of the panel"), max_length=300)


class RiskForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    category = forms.ChoiceField(label=_("Category"), choices=RiskCategory.choices)
    likelihood = forms.IntegerField(
        label=_("Likelihood (1–5)"), help_text=_("1 rare, 5 almost certain")
    )
    impact = forms.IntegerField(label=_("Impact (1–5)"), help_text=_("1 negligible, 5 severe"))
    owner = forms.CharField(label=_("Owner"), max_length=200)
    mitigation = forms.CharField(
        label=_("Mitigation"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    status = forms.ChoiceField(label=_("Status"), choices=RiskStatus.choices)
    review_on = forms.DateField(
        label=_("Next review"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    activities = forms.ModelMultipleChoiceField(
        queryset=Activity.objects.order_by("-start_date", "title"),
        label=_("Activities"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    outcomes: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(  # type: ignore[type-arg]
        queryset=Outcome.objects.order_by("code"),
        label=_("Plan outcomes"),
        required=False,
        to_field_name="code",
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )


class AcknowledgeForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


def apply_service(form: forms.Form, write: Any) -> Any:
    """Run a service with the form's cleaned data; its field errors go back on the form.
    Returns what the service returned, or None when the form or the service refused."""
    if not form.is_valid():
        return None
    try:
        return write(form.cleaned_data)
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for name, errors in exc.error_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            form.add_error(None, exc)
        return None
