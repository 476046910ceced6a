"""Back office: staff write surveys (texts in the three languages) and see requests."""

from __future__ import annotations

from django.contrib import admin
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline
from simple_history.admin import SimpleHistoryAdmin

from metroscope.listening.models import Option, Question, SupportRequest, Survey


class QuestionInline(TranslationStackedInline):
    model = Question
    extra = 1
    show_change_link = True


class OptionInline(TranslationStackedInline):
    model = Option
    extra = 3


@admin.register(Survey)
class SurveyAdmin(SimpleHistoryAdmin, TranslationAdmin):
    list_display = ("title", "opens_at", "closes_at")
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
