"""The form an officer drafts a solution with (staff use it too), and the review comment."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from metroscope.core import attachments
from metroscope.core.forms import MultipleFileField
from metroscope.exchange import access, services, solution_input
from metroscope.exchange.models import Collection, Language, Solution
from metroscope.exchange.sdgs import SDG_NAMES
from metroscope.members.models import Member
from metroscope.observatory.models import Metro
from metroscope.plan.models import Challenge, Theme


def _sdg_choices() -> list[tuple[int, str]]:
    return [(n, f"{n}. {name}") for n, name in SDG_NAMES.items()]


class SolutionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    summary = forms.CharField(
        label=_("Summary"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Two or three sentences: the problem and what the city did."),
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Markdown: **bold**, *italic*, lists, links. HTML is removed when shown."),
    )
    results = forms.CharField(
        label=_("Results"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    language = forms.ChoiceField(
        label=_("Language of the text"), choices=Language.choices, initial=Language.EN
    )
    collection: forms.ModelChoiceField[Collection] = forms.ModelChoiceField(
        label=_("Collection"),
        queryset=Collection.objects.all(),
        to_field_name="code",
        empty_label=None,
    )
    city = forms.CharField(label=_("City"), max_length=200)
    country_iso3 = forms.CharField(
        label=_("Country (ISO3 code)"),
        min_length=3,
        max_length=3,
        help_text=_("Three letters, e.g. ESP for Spain, KOR for the Republic of Korea."),
    )
    metro = forms.CharField(
        label=_("Metro"),
        required=False,
        max_length=200,
        help_text=_("Code or name of the metropolitan area in the Observatory, if any."),
    )
    members: forms.ModelMultipleChoiceField[Member] = forms.ModelMultipleChoiceField(
        label=_("Members behind it"),
        queryset=Member.objects.none(),
        to_field_name="code",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    year_started = forms.IntegerField(
        label=_("Year started"), required=False, min_value=1900, max_value=2100
    )
    themes: forms.ModelMultipleChoiceField[Theme] = forms.ModelMultipleChoiceField(
        label=_("Plan themes"),
        queryset=Theme.objects.all(),
        to_field_name="code",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    challenges: forms.ModelMultipleChoiceField[Challenge] = forms.ModelMultipleChoiceField(
        label=_("Plan challenges"),
        queryset=Challenge.objects.all(),
        to_field_name="code",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    sdgs = forms.TypedMultipleChoiceField(
        label=_("Sustainable Development Goals"),
        choices=_sdg_choices,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=1500,
        help_text=_("Separated by commas, e.g. mobility, public space."),
    )
    contact_name = forms.CharField(label=_("Contact person"), required=False, max_length=200)
    contact_email = forms.EmailField(label=_("Contact e-mail"), required=False)
    contact_role = forms.CharField(label=_("Contact's role"), required=False, max_length=200)
    source_url = forms.URLField(
        label=_("Source"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("Address of a page that describes the solution."),
    )
    attachments = MultipleFileField(
        label=_("Pictures and documents"),
        required=False,
        help_text=_("PNG, JPEG, WebP or GIF images and PDF documents."),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        members = self.fields["members"]
        if access.can_choose_any_member(user):
            members.queryset = Member.objects.order_by("name")  # type: ignore[attr-defined]
            members.widget = forms.SelectMultiple(attrs={"size": 8})
            members.help_text = _("Hold Ctrl (⌘ on a Mac) to choose several.")
        else:
            mine = services.officer_member_ids(user)
            members.queryset = Member.objects.filter(pk__in=mine).order_by("name")  # type: ignore[attr-defined]
            if len(mine) == 1:
                self.initial.setdefault("members", list(members.queryset))  # type: ignore[attr-defined]
        limit = attachments.max_bytes()
        self.fields["attachments"].help_text = _(
            "PNG, JPEG, WebP or GIF images and PDF documents, each up to %(limit)s MB."
        ) % {"limit": f"{limit / 1024**2:g}"}

    def clean_country_iso3(self) -> str:
        try:
            return solution_input.country_code(str(self.cleaned_data["country_iso3"]))
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["country_iso3"]) from None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        text = data.get("metro") or ""
        if text:
            try:
                data["metro"] = solution_input.resolve_metro(text, data.get("country_iso3") or "")
            except ValidationError as exc:
                self.add_error("metro", exc.message_dict.get("metro", exc.messages))
        else:
            data["metro"] = None
        return data

    def solution_data(self) -> dict[str, Any]:
        """The cleaned values as the services take them."""
        data = dict(self.cleaned_data)
        data.pop("attachments", None)
        return data

    @staticmethod
    def initial_for(solution: Solution) -> dict[str, Any]:
        return {
            **{name: getattr(solution, name) for name in solution_input.TEXT_FIELDS},
            "collection": solution.collection,
            "metro": Metro.objects.filter(pk=solution.metro_id or 0)
            .values_list("code", flat=True)
            .first()
            or "",
            "members": list(solution.members.all()),
            "themes": list(solution.themes.all()),
            "challenges": list(solution.challenges.all()),
            "sdgs": list(solution.sdgs),
            "tags": ", ".join(solution.tags),
        }


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=services.MAX_COMMENT_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
