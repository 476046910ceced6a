"""Staff record work plans, activities and results in the back office (with their history)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from metroscope.accountability.activities import models as m
from metroscope.accountability.carbon import models as carbon_models
from metroscope.accountability.ledger import analytics as money
from metroscope.accountability.ledger import models as ledger
from metroscope.accountability.people import models as participation
from metroscope.accountability.risks import models as integrity


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


@admin.register(ledger.BudgetLine)
class BudgetLineAdmin(SimpleHistoryAdmin):
    list_display = ("activity", "year", "category", "amount_eur", "illustrative")
    list_filter = ("year", "category", "illustrative")
    raw_id_fields = ("activity",)


@admin.register(ledger.Expense)
class ExpenseAdmin(SimpleHistoryAdmin):
    list_display = (
        "date",
        "activity",
        "amount",
        "currency",
        "amount_eur",
        "rate_origin",
        "supplier",
        "reason",
    )
    list_filter = ("category", "currency", "rate_origin", "illustrative")
    search_fields = ("supplier", "document_reference", "reason")
    raw_id_fields = ("activity",)
    readonly_fields = ("amount_eur",)

    def save_model(self, request: Any, obj: ledger.Expense, form: Any, change: bool) -> None:
        # The EUR amount always follows the amount and the rate recorded on the row.
        obj.amount_eur = money.to_eur(obj.amount, obj.rate_to_eur)
        super().save_model(request, obj, form, change)


@admin.register(ledger.FundingSource)
class FundingSourceAdmin(SimpleHistoryAdmin):
    list_display = ("year", "kind", "partner_name", "amount_eur", "illustrative")
    list_filter = ("year", "kind", "illustrative")


@admin.register(ledger.MembershipFee)
class MembershipFeeAdmin(SimpleHistoryAdmin):
    list_display = ("member", "year", "due_eur", "paid_eur", "paid_on", "illustrative")
    list_filter = ("year", "illustrative")
    autocomplete_fields = ("member",)


@admin.register(carbon_models.EmissionFactor)
class EmissionFactorAdmin(SimpleHistoryAdmin):
    list_display = ("mode", "haul", "cabin_class", "year", "kg_co2e_per_pkm", "checked")


@admin.register(carbon_models.Trip)
class TripAdmin(SimpleHistoryAdmin):
    list_display = ("activity", "origin", "destination", "mode", "passengers", "illustrative")
    list_filter = ("mode", "illustrative")
    raw_id_fields = ("activity",)


# People and risks: staff record counts and risks on the pages; policies and their versions here.


class PolicyVersionInline(admin.TabularInline):
    model = integrity.PolicyVersion
    extra = 1


@admin.register(integrity.PolicyDocument)
class PolicyDocumentAdmin(SimpleHistoryAdmin):
    list_display = ("title", "kind", "code")
    inlines = [PolicyVersionInline]


@admin.register(integrity.Risk)
class RiskAdmin(SimpleHistoryAdmin):
    list_display = ("title", "category", "likelihood", "impact", "status", "illustrative")
    list_filter = ("category", "status", "illustrative")


for _model in (
    participation.Participant,
    participation.ParticipantCount,
    participation.Panel,
    participation.Speaker,
    integrity.PolicyAcknowledgement,
):
    admin.site.register(_model, SimpleHistoryAdmin)
