from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from metroscope.members.models import Member
from metroscope.observatory.models import Indicator
from metroscope.plan.models import Challenge, Theme


class NeedForm(forms.Form):
    member: forms.ModelChoiceField[Member] = forms.ModelChoiceField(
        label=_("Member"), queryset=Member.objects.none(), to_field_name="code"
    )
    title = forms.CharField(label=_("What do you want to solve?"), max_length=300)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    themes: forms.ModelMultipleChoiceField[Theme] = forms.ModelMultipleChoiceField(
        label=_("Plan themes"),
        queryset=Theme.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    challenges: forms.ModelMultipleChoiceField[Challenge] = forms.ModelMultipleChoiceField(
        label=_("Plan challenges"),
        queryset=Challenge.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    indicators: forms.ModelMultipleChoiceField[Indicator] = forms.ModelMultipleChoiceField(
        label=_("Linked indicators"),
        queryset=Indicator.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Peers that do better on these come first among the suggestions."),
    )

    def __init__(self, *args: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("themes") or data.get("challenges") or data.get("indicators")):
            raise forms.ValidationError(
                _("Pick at least one theme, challenge or indicator, so peers can be matched.")
            )
        return data


class IntroductionForm(forms.Form):
    from_member: forms.ModelChoiceField[Member] = forms.ModelChoiceField(
        label=_("On behalf of"), queryset=Member.objects.none(), to_field_name="code"
    )
    message = forms.CharField(
        label=_("What would you like to learn from them?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )

    def __init__(self, *args: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["from_member"].queryset = members  # type: ignore[attr-defined]
