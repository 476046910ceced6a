from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from metroscope.accountability.activities.models import Mode
from metroscope.events.models import EVENT_TYPES
from metroscope.members.models import Gender

MYSELF = "me"


class EventFilterForm(forms.Form):
    when = forms.ChoiceField(
        label=_("When"),
        required=False,
        choices=[("", _("Upcoming and past")), ("upcoming", _("Upcoming")), ("past", _("Past"))],
    )
    type = forms.ChoiceField(label=_("Type"), required=False)
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)
    language = forms.ChoiceField(
        label=_("Language"), required=False, choices=[("", _("All")), *settings.LANGUAGES]
    )
    mode = forms.ChoiceField(
        label=_("Held"), required=False, choices=[("", _("All")), *Mode.choices]
    )

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [("", _("All")), *((t.value, t.label) for t in EVENT_TYPES)]  # type: ignore[attr-defined]
        self.fields["year"].choices = [("", _("All")), *((y, str(y)) for y in years)]  # type: ignore[attr-defined]


class RegisterForm(forms.Form):
    who = forms.ChoiceField(label=_("Who takes part"))
    language = forms.ChoiceField(label=_("Language you will follow"))
    gender = forms.ChoiceField(
        label=_("Your gender (for the network's gender counts)"),
        choices=Gender.choices,
        initial=Gender.NOT_STATED,
        required=False,
        help_text=_("For a contact, the gender in the member's records is used."),
    )

    def __init__(self, *args: Any, contacts: Any, languages: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        names = dict(settings.LANGUAGES)
        self.fields["language"].choices = [(c, names[c]) for c in languages]  # type: ignore[attr-defined]
        self.fields["who"].choices = [  # type: ignore[attr-defined]
            (MYSELF, _("Myself")),
            *((str(c.pk), f"{c} ({c.member})") for c in contacts),
        ]
        self.contacts = {str(c.pk): c for c in contacts}


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Your rating (1 poor – 5 excellent)"),
        coerce=int,
        choices=[(i, str(i)) for i in range(1, 6)],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
