from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from metroscope.community.models import ExpertLanguage
from metroscope.members.models import Region
from metroscope.plan.models import Challenge, Theme


class ExpertSearchForm(forms.Form):
    q = forms.CharField(label=_("Name or topic"), required=False, max_length=100)
    theme = forms.ChoiceField(label=_("Plan theme"), required=False)
    challenge = forms.ChoiceField(label=_("Plan challenge"), required=False)
    topic = forms.CharField(label=_("Topic"), required=False, max_length=100)
    language = forms.ChoiceField(
        label=_("Language"), required=False, choices=[("", _("All")), *ExpertLanguage.choices]
    )
    region = forms.ChoiceField(label=_("Region"), required=False)

    def __init__(self, *args: Any, themes: Any, challenges: Any, regions: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["theme"].choices = [("", _("All")), *((t.code, str(t)) for t in themes)]  # type: ignore[attr-defined]
        self.fields["challenge"].choices = [  # type: ignore[attr-defined]
            ("", _("All")),
            *((c.code, str(c)) for c in challenges),
        ]
        self.fields["region"].choices = [("", _("All")), *((r.code, str(r)) for r in regions)]  # type: ignore[attr-defined]

    def filters(self) -> dict[str, str]:
        """The valid filters: an unknown choice is dropped (its error shown), the others kept."""
        self.is_valid()
        return {name: self.cleaned_data.get(name) or "" for name in self.fields}


class ExpertProfileForm(forms.Form):
    name = forms.CharField(label=_("Name shown"), max_length=200)
    affiliation = forms.CharField(
        label=_("Affiliation"),
        max_length=200,
        required=False,
        help_text=_("Your institution or organisation, as peers should see it."),
    )
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    bio = forms.CharField(
        label=_("What I can help with"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    themes: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label=_("Plan themes"),
        queryset=Theme.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    challenges: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label=_("Plan challenges"),
        queryset=Challenge.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    topics = forms.CharField(
        label=_("Topics"),
        max_length=500,
        required=False,
        help_text=_("Separated by commas, e.g. water, social housing."),
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages you can help in"),
        choices=ExpertLanguage.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one language you can help in.")},
    )
    regions: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label=_("Regions you know"),
        queryset=Region.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    consent = forms.BooleanField(
        label=_(
            "I agree to be listed as an expert: signed-in users of Metroscope see my name, "
            "affiliation, what I can help with, themes, challenges, topics, languages and "
            "regions; the Secretariat and members' officers also see my e-mail and phone. I "
            "can withdraw at any time, which hides me at once."
        ),
        error_messages={"required": _("Tick the consent box to be listed as an expert.")},
    )

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["themes"].queryset = Theme.objects.all()  # type: ignore[attr-defined]
        self.fields["challenges"].queryset = Challenge.objects.all()  # type: ignore[attr-defined]
        self.fields["regions"].queryset = Region.objects.order_by("order", "name")  # type: ignore[attr-defined]

    def clean_topics(self) -> list[str]:
        topics = [t.strip() for t in self.cleaned_data["topics"].split(",") if t.strip()]
        long = [t for t in topics if len(t) > 60]
        if long:
            raise forms.ValidationError(
                _("Each topic is at most 60 characters: %(topics)s") % {"topics": ", ".join(long)}
            )
        return topics
