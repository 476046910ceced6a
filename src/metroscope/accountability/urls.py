"""The accountability pages, served under /plan/ beside the plan framework's tree."""

from __future__ import annotations

from django.urls import path

from metroscope.accountability.activities import edit_views as activity_views
from metroscope.accountability.activities import views as accountability
from metroscope.accountability.carbon import views as carbon_views
from metroscope.accountability.dashboards import views as dashboard_views
from metroscope.accountability.ledger import row_views as ledger_views
from metroscope.accountability.ledger import views as money_views
from metroscope.accountability.people import views as people_views
from metroscope.accountability.report import views as report_views
from metroscope.accountability.risks import views as register_views

app_name = "accountability"
urlpatterns = [
    path("people/", people_views.people_page, name="people"),
    path("people/record/", people_views.participant_count_record, name="participant_count_record"),
    path("people/participant/", people_views.participant_record, name="participant_record"),
    path("people/speaker/", people_views.speaker_record, name="speaker_record"),
    path("people/panel/", people_views.panel_record, name="panel_record"),
    path("risks/", register_views.risks_page, name="risks"),
    path("risks/record/", register_views.risk_record, name="risk_record"),
    path("risks/acknowledge/", register_views.policy_acknowledge, name="policy_acknowledge"),
    path("progress/", accountability.plan_progress, name="progress"),
    path("work-plans/", accountability.work_plan_list, name="work_plans"),
    path("work-plans/<int:year>/", accountability.work_plan_detail, name="work_plan"),
    path("activities/", accountability.activity_list, name="activities"),
    path("activities/iati.xml", accountability.iati_download, name="iati"),
    path("activities/new/", activity_views.activity_create, name="activity_create"),
    path("activities/<int:pk>/", accountability.activity_detail, name="activity"),
    path("activities/<int:pk>/edit/", activity_views.activity_edit, name="activity_edit"),
    path("activities/<int:pk>/budget/", activity_views.budget_line_add, name="budget_line_add"),
    path("activities/<int:pk>/expense/", activity_views.expense_add, name="expense_add"),
    path("activities/<int:pk>/trip/", activity_views.trip_add, name="trip_add"),
    *(
        path(f"activities/<int:pk>/{kind}/<int:row>/{verb}/", view, {"kind": kind}, name=name)
        for kind in ledger_views.KINDS
        for verb, view, name in (
            ("edit", ledger_views.row_edit, f"{kind}_edit"),
            ("delete", ledger_views.row_delete, f"{kind}_delete"),
        )
    ),
    path("money/", money_views.money_page, name="money"),
    path("carbon/", carbon_views.carbon_page, name="carbon"),
    path("matrix/", dashboard_views.matrix_page, name="matrix"),
    path("engagement/", dashboard_views.engagement_page, name="engagement"),
    path("report/", report_views.report_page, name="report"),
    path("report/board-report.pdf", report_views.report_pdf, name="report_pdf"),
    path(
        "accounts-export/<slug:table>.<slug:fmt>",
        report_views.accounts_export,
        name="accounts_export",
    ),
]
