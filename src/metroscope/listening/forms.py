from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from metroscope.listening.models import RequestCategory
from metroscope.plan.models import Theme


class RequestForm(forms.Form):
    member: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=None, label=_("Member"), to_field_name="code"
    )  # type: ignore[arg-type]
    subject = forms.CharField(label=_("Subject"), max_length=200)
    category = forms.ChoiceField(label=_("Category"), choices=RequestCategory.choices)
    language = forms.ChoiceField(label=_("Language of your request"), choices=settings.LANGUAGES)
    body = forms.CharField(
        label=_("Your question or what you need"), widget=forms.Textarea(attrs={"rows": 8})
    )

    def __init__(self, *args: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members  # type: ignore[attr-defined]


class MessageForm(forms.Form):
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 6}))


class AssignForm(forms.Form):
    assignee: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=None,  # type: ignore[arg-type]
        label=_("Assign to"),
        required=False,
        empty_label=_("Nobody"),
    )

    def __init__(self, *args: Any, staff: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = staff  # type: ignore[attr-defined]


class AnswerTagForm(forms.Form):
    """The plan themes a free-text answer is tagged with (none clears them): ids of themes,
    anything else refused with the field's message rather than reaching the database."""

    themes: forms.ModelMultipleChoiceField[Theme] = forms.ModelMultipleChoiceField(
        queryset=Theme.objects.all(), required=False
    )
