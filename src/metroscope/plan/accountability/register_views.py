"""The people and risks pages of the plan, and the staff forms that record participants,
risks and policy acknowledgements through the services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from metroscope.core.paging import paginate
from metroscope.core.panels import render_panels
from metroscope.members.models import Gender
from metroscope.plan.accountability import (
    access,
    people_selectors,
    register_charts,
    risk_selectors,
    risk_services,
    selectors,
)
from metroscope.plan.accountability.participation import Participant
from metroscope.plan.accountability.register_forms import (
    AcknowledgeForm,
    RiskForm,
    apply_service,
)


def _year(request: HttpRequest) -> int | None:
    value = request.GET.get("year", "")
    return int(value) if value.isdigit() else None


def people_page(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    overview = people_selectors.people_overview(year=year)
    members = access.access_people_members_for_user(request.user)
    sees_members = members is None or bool(members)
    records = None
    if access.access_people_records_for_user(request.user) or (members and members is not None):
        records = paginate(
            request,
            people_selectors.participant_record_ids(members=members, year=year),
            param="records",
            per_page=100,
            anchor="participant-records",
            fetch=Participant.objects.select_related("activity", "member").in_bulk,
        )
    context = {
        "overview": overview,
        "by_activity": paginate(
            request, overview.by_activity, param="activities", anchor="by-activity"
        ),
        "panel_rows": paginate(request, overview.panels, param="panels", anchor="panels"),
        "chart_spec": register_charts.gender_balance_chart(overview.balance),
        "groups": register_charts.group_labels(),
        "genders": Gender.choices,
        "by_member": people_selectors.member_participation(members=members, year=year)
        if sees_members
        else None,
        "own_member_only": members is not None,
        "records": records,
        "speakers": paginate(
            request,
            people_selectors.speaker_records(year=year),
            param="speakers",
            per_page=100,
            anchor="speaker-records",
        )
        if access.access_people_records_for_user(request.user)
        else None,
        "can_edit": access.access_registers_edit_for_user(request.user),
        "illustrative": overview.illustrative or selectors.illustrative_activities(),
        # Sections other apps add (e.g. programs' urban leaders engaged in the year).
        "panels": render_panels("plan.people", request=request, year=year),
    }
    return render(request, "plan/people.html", context)


def _staff(request: HttpRequest) -> None:
    if not access.access_registers_edit_for_user(request.user):
        raise PermissionDenied


def risks_page(request: HttpRequest) -> HttpResponse:
    if not access.access_risks_for_user(request.user):
        raise PermissionDenied
    overview = risk_selectors.risk_overview()
    context = {
        "overview": overview,
        "register": paginate(request, overview.risks, param="risks", anchor="risk-register"),
        "chart_spec": register_charts.heat_map_chart(overview.cells),
        "policies": risk_selectors.policies(user=request.user),
        "can_edit": access.access_registers_edit_for_user(request.user),
        "illustrative": overview.illustrative or selectors.illustrative_activities(),
        "show_report_link": True,  # the risk register's readers are the Board report's
    }
    return render(request, "plan/risks.html", context)


@login_required
def risk_record(request: HttpRequest) -> HttpResponse:
    _staff(request)
    form = RiskForm(request.POST or None)

    def write(data: dict[str, Any]) -> Any:
        return risk_services.risk_create(
            user=request.user,
            title=data["title"],
            category=data["category"],
            likelihood=data["likelihood"],
            impact=data["impact"],
            owner=data["owner"],
            mitigation=data["mitigation"],
            status=data["status"],
            review_on=data["review_on"],
            activity_ids=[a.pk for a in data["activities"]],
            outcome_codes=[o.code for o in data["outcomes"]],
        )

    if request.method == "POST" and apply_service(form, write) is not None:
        messages.success(request, _("The risk was added to the register."))
        return redirect("plan:risks")
    return render(request, "plan/risk_record.html", {"form": form})


@require_POST
@login_required
def policy_acknowledge(request: HttpRequest) -> HttpResponse:
    if not access.access_risks_for_user(request.user):
        raise PermissionDenied
    form = AcknowledgeForm(request.POST)
    done = apply_service(
        form,
        lambda data: risk_services.policy_acknowledge(
            user=request.user, version_id=data["version"]
        ),
    )
    if done is not None:
        messages.success(request, _("Thank you: your acknowledgement was recorded."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    return redirect("plan:risks")
