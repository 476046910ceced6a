from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from metroscope.observatory.models import (
    Flag,
    GroupVisibility,
    Indicator,
    Metro,
    Scale,
    Sex,
    Status,
    bound_text,
)


class ValueForm(forms.Form):
    """One value, typed by an officer for their member's metros (or by staff for any)."""

    metro = forms.ModelChoiceField(
        label=_("Metro"), queryset=Metro.objects.none(), to_field_name="code"
    )
    indicator: forms.ModelChoiceField[Indicator] = forms.ModelChoiceField(
        label=_("Indicator"), queryset=Indicator.objects.all(), to_field_name="code"
    )
    year = forms.IntegerField(label=_("Year"), min_value=1900, max_value=2100)
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, initial=Sex.TOTAL)
    value = forms.FloatField(
        label=_("Value"), help_text=_("In the indicator's unit; decimals with a point.")
    )
    scale = forms.ChoiceField(
        label=_("Area the value describes"), choices=Scale.choices, initial=Scale.METRO
    )
    source = forms.CharField(
        label=_("Source"),
        max_length=400,
        help_text=_("Publisher and title of the dataset, or a source code (e.g. UN_WUP2018_F12)."),
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args: Any, metros: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["metro"].queryset = metros  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        indicator, value = data.get("indicator"), data.get("value")
        if indicator is not None and value is not None:
            low, high = indicator.valid_range()
            if not low <= value <= high:
                self.add_error(
                    "value",
                    _("%(code)s takes values from %(low)s to %(high)s (%(unit)s).")
                    % {
                        "code": indicator.code,
                        "low": bound_text(low),
                        "high": bound_text(high),
                        "unit": indicator.get_unit_display(),
                    },
                )
        sex = data.get("sex")
        if indicator is not None and sex and sex not in indicator.sexes:
            self.add_error("sex", _("This indicator is not split by this sex."))
        return data


class UploadForm(forms.Form):
    file = forms.FileField(label=_("File"))
    source = forms.CharField(label=_("Source for rows without one"), max_length=400, required=False)
    status = forms.ChoiceField(
        label=_("Status of the values"),
        choices=[
            (Status.PUBLISHED, Status.PUBLISHED.label),
            (Status.PROVISIONAL, Status.PROVISIONAL.label),
        ],
        initial=Status.PUBLISHED,
        required=False,
    )

    def __init__(self, *args: Any, staff: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "CSV or XLSX: tidy (metro, indicator, year, value), wide (years as columns) or "
            "SDMX-CSV. UTF-8 or Latin-1; comma, semicolon or tab. Optional columns: country, "
            "sex, unit, scale, source, note, and flags (comma-separated codes: %(flags)s). A file "
            "without a note or flags column keeps the notes and flags of the values already "
            "held; an empty cell clears them."
        ) % {"flags": ", ".join(Flag.values)}
        if not staff:
            del self.fields["status"]  # officers' uploads are always provisional

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        limit = settings.METROSCOPE_UPLOAD_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file is %(size)s MB; uploads are limited to %(limit)s MB.")
                % {"size": upload.size // 1024**2, "limit": limit // 1024**2}
            )
        return upload


class PeerGroupForm(forms.Form):
    """The peer-group builder: a name, who sees it, and the metros (codes or names)."""

    name = forms.CharField(label=_("Name"), max_length=120)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    visibility = forms.ChoiceField(
        label=_("Who can see it"),
        choices=GroupVisibility.choices,
        initial=GroupVisibility.PRIVATE,
        widget=forms.RadioSelect,
    )
    metros = forms.CharField(
        label=_("Metros"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_(
            "One per line: a code, a name in any spelling or an alias; add the country code "
            "after a comma if a name is shared (e.g. “Valencia, ESP”)."
        ),
    )
