from __future__ import annotations

from django.contrib import admin
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline
from simple_history.admin import SimpleHistoryAdmin

from metroscope.plan import models as m


class OutcomeInline(TranslationTabularInline):
    model = m.Outcome
    extra = 0


class KeyIdeaInline(TranslationTabularInline):
    model = m.KeyIdea
    extra = 0


class TopicInline(TranslationTabularInline):
    model = m.ChallengeTopic
    extra = 0


@admin.register(m.StrategicPlan)
class StrategicPlanAdmin(SimpleHistoryAdmin, TranslationAdmin):
    list_display = ("title", "start_year", "end_year")


@admin.register(m.ActionLine)
class ActionLineAdmin(SimpleHistoryAdmin, TranslationAdmin):
    list_display = ("code", "name")
    inlines = [KeyIdeaInline]


@admin.register(m.Axis)
class AxisAdmin(SimpleHistoryAdmin, TranslationAdmin):
    list_display = ("code", "name", "line")
    inlines = [OutcomeInline]


@admin.register(m.Challenge)
class ChallengeAdmin(SimpleHistoryAdmin, TranslationAdmin):
    list_display = ("code", "name")
    inlines = [TopicInline]


for model in (m.Theme, m.CrossCuttingFactor, m.OutcomeKind, m.Program, m.Milestone):
    admin.site.register(
        model, type(f"{model.__name__}Admin", (SimpleHistoryAdmin, TranslationAdmin), {})
    )
admin.site.register(m.HeadlineFigure, SimpleHistoryAdmin)
