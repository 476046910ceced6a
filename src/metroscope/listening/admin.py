"""Back office: staff write surveys (texts in the three languages) and see requests."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline
from simple_history.admin import SimpleHistoryAdmin

from metroscope.listening.models import Option, Question, SupportRequest, Survey
from metroscope.members.models import RoleCategory


class SurveyAdminForm(forms.ModelForm):
    """The audience's roles and languages as boxes to tick, not JSON to type."""

    audience_roles = forms.MultipleChoiceField(
        label=_("role categories of the audience"),
        choices=RoleCategory.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Per-contact surveys only; none chosen: every role."),
    )
    audience_languages = forms.MultipleChoiceField(
        label=_("languages of the audience"),
        choices=settings.LANGUAGES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Per-contact surveys only; none chosen: every language."),
    )

    # No Meta: the admin builds the form of every field of the survey on this one.

    def clean_audience_roles(self) -> list[str]:
        return list(self.cleaned_data.get("audience_roles") or [])

    def clean_audience_languages(self) -> list[str]:
        return list(self.cleaned_data.get("audience_languages") or [])


class QuestionInline(TranslationStackedInline):
    """Choices of a question are added on the question's own page ("Change" link), once the
    survey is saved."""

    model = Question
    extra = 1
    show_change_link = True


class OptionInline(TranslationStackedInline):
    model = Option
    extra = 3


@admin.register(Survey)
class SurveyAdmin(SimpleHistoryAdmin, TranslationAdmin):
    form = SurveyAdminForm
    list_display = ("title", "opens_at", "closes_at", "audience")
    inlines = [QuestionInline]


@admin.register(Question)
class QuestionAdmin(SimpleHistoryAdmin, TranslationAdmin):
    list_display = ("text", "survey", "kind", "order", "required")
    list_filter = ("kind",)
    inlines = [OptionInline]


@admin.register(SupportRequest)
class SupportRequestAdmin(SimpleHistoryAdmin):
    list_display = ("subject", "member", "category", "status", "assigned_to", "created_at")
    list_filter = ("status", "category")
    search_fields = ("subject", "member__name")
    raw_id_fields = ("member", "created_by", "assigned_to")
