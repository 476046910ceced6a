"""Back office: staff set up an edition's call, rubric (the weights must sum to 100, the same
check as the rubric page) and jury, and read past results. The ranking, shortlist, winners
and publishing have their own page (/awards/<year>/ranking/)."""

from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from metroscope.awards.forms import RubricFormSet
from metroscope.awards.models import Conflict, Criterion, Edition, Juror, PastResult, Submission


class CriterionInline(admin.TabularInline):
    model = Criterion
    formset = RubricFormSet
    extra = 3


class JurorInline(admin.TabularInline):
    model = Juror
    extra = 1


@admin.register(Edition)
class EditionAdmin(SimpleHistoryAdmin):
    list_display = ("year", "status", "opens_on", "closes_on", "historical")
    inlines = [CriterionInline, JurorInline]


@admin.register(PastResult)
class PastResultAdmin(admin.ModelAdmin):
    list_display = ("edition", "city", "country_iso3", "result", "initiative")
    list_filter = ("edition", "result")


@admin.register(Submission)
class SubmissionAdmin(SimpleHistoryAdmin):
    list_display = ("title", "edition", "member", "shortlisted", "winner")
    list_filter = ("edition", "shortlisted", "winner")


@admin.register(Conflict)
class ConflictAdmin(SimpleHistoryAdmin):
    list_display = ("juror", "submission", "reason")
