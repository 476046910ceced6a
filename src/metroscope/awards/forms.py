"""Forms of the award's pages: a member's submission (documents checked like every
attachment), a juror's conflict of interest and score sheet, and the rubric (weights sum to 100),
whose formset the admin uses too. The rules themselves live in services.py; the forms put its
messages under the fields they concern."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet, inlineformset_factory
from django.utils.translation import gettext_lazy as _

from metroscope.awards import services
from metroscope.awards.models import SCORE_MAX, SCORE_MIN, Criterion, Edition, Submission
from metroscope.core.forms import MultipleFileField
from metroscope.members.models import Member


def add_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """A service's refusal shown field by field (the rest at the top of the form)."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for field, problems in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, problems)


class SubmissionForm(forms.Form):
    # Not `required` here: the eligibility check of the services says what is missing, so
    # the page and the API give the same messages.
    member: forms.ModelChoiceField[Member] = forms.ModelChoiceField(
        label=_("Member"), queryset=Member.objects.none()
    )
    title = forms.CharField(label=_("Initiative"), max_length=300, required=False)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What the city did, for whom, since when."),
    )
    impact = forms.CharField(
        label=_("Impact"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What changed, with figures and their source where you have them."),
    )
    documents = MultipleFileField(
        label=_("Documents"),
        required=False,
        help_text=_("PNG, JPEG, WebP or GIF images or PDF documents, recognised by content."),
    )

    def __init__(self, *args: Any, members: QuerySet[Member], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["member"]
        field.queryset = members  # type: ignore[attr-defined]
        choices = list(members)
        if len(choices) == 1:
            self.initial.setdefault("member", choices[0].pk)

    def data_for_service(self) -> dict[str, str]:
        return {name: self.cleaned_data.get(name) or "" for name in services.REQUIRED}


class ConflictForm(forms.Form):
    submission = forms.ModelChoiceField(label=_("Submission"), queryset=Submission.objects.none())
    reason = forms.CharField(
        label=_("Conflict of interest"),
        max_length=500,
        required=False,
        help_text=_("E.g. you advised this city or work for it."),
    )

    def __init__(self, *args: Any, submissions: QuerySet[Submission], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["submission"]
        field.queryset = submissions  # type: ignore[attr-defined]


def criterion_field(criterion: Criterion) -> str:
    return f"criterion_{criterion.pk}"


class ScoreForm(forms.Form):
    """One whole score per criterion of the edition's rubric; the range is checked by the
    services, which name the criterion."""

    def __init__(self, *args: Any, criteria: list[Criterion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            self.fields[criterion_field(criterion)] = forms.IntegerField(
                label=f"{criterion.name} ({criterion.weight} %)",
                required=False,
                widget=forms.NumberInput(attrs={"min": SCORE_MIN, "max": SCORE_MAX}),
            )

    def values(self) -> dict[int, int]:
        found = {}
        for criterion in self.criteria:
            value = self.cleaned_data.get(criterion_field(criterion))
            if value is not None:
                found[criterion.pk] = value
        return found


class RubricFormSet(BaseInlineFormSet):  # type: ignore[type-arg]
    """The edition's criteria; on save the weights must sum to 100 (the page and the admin
    use this formset, the page then saves through `services.rubric_save`). An edition
    without any criterion (in preparation, or a past one) passes in the admin."""

    require_rows = False

    def rows(self) -> list[services.CriterionRow]:
        """The criteria kept (neither left empty nor marked for deletion), in their order."""
        kept = [getattr(f, "cleaned_data", None) or {} for f in self.forms]
        kept = [d for d in kept if d and not d.get("DELETE")]
        kept.sort(key=lambda d: d.get("order") or 0)
        return [
            services.CriterionRow(str(d.get("name") or ""), int(d.get("weight") or 0)) for d in kept
        ]

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        rows = self.rows()
        if not rows and not self.require_rows:
            return
        problems = services.rubric_problems(rows)
        if problems:
            raise ValidationError([m for messages in problems.values() for m in messages])


CriterionFormSet = cast(
    "type[RubricFormSet]",
    inlineformset_factory(
        Edition,
        Criterion,
        formset=RubricFormSet,
        fields=("name", "weight", "order"),
        extra=2,
        can_delete=True,
    ),
)


class PageRubricFormSet(CriterionFormSet):  # type: ignore[misc,valid-type]
    require_rows = True
