"""Staff record work plans, activities and results in the back office (with their history)."""

from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from metroscope.plan.accountability import models as m


class ActivityInline(admin.TabularInline):
    model = m.Activity
    fields = ("title", "type", "status", "start_date")
    extra = 0
    show_change_link = True


class ResultPeriodInline(admin.TabularInline):
    model = m.ResultPeriod
    extra = 1


class ResultIndicatorInline(admin.StackedInline):
    model = m.ResultIndicator
    fields = ("title", "measure", "ascending")
    extra = 0
    show_change_link = True


@admin.register(m.WorkPlan)
class WorkPlanAdmin(SimpleHistoryAdmin):
    list_display = ("year", "status", "approved_on")
    inlines = [ActivityInline]


@admin.register(m.Activity)
class ActivityAdmin(SimpleHistoryAdmin):
    list_display = ("title", "work_plan", "type", "status", "program", "gender_marker")
    list_filter = ("work_plan", "type", "status", "program", "gender_marker")
    search_fields = ("title", "description", "host_city")
    autocomplete_fields = ("members",)
    filter_horizontal = ("outcomes", "themes", "challenges", "factors")
    raw_id_fields = ("responsible_staff",)
    inlines = [ResultIndicatorInline]


@admin.register(m.ResultIndicator)
class ResultIndicatorAdmin(SimpleHistoryAdmin):
    list_display = ("title", "outcome", "activity", "measure", "ascending")
    raw_id_fields = ("activity",)
    inlines = [ResultPeriodInline]
