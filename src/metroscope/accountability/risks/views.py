"""The risk register and the policies: the page, and the staff forms that record risks and
policy acknowledgements through the services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from metroscope.accountability import access
from metroscope.accountability.activities import selectors
from metroscope.accountability.people import charts as register_charts
from metroscope.accountability.people.forms import (
    AcknowledgeForm,
    RiskForm,
    apply_service,
)
from metroscope.accountability.risks import selectors as risk_selectors
from metroscope.accountability.risks import services as risk_services
from metroscope.core import params
from metroscope.core.paging import paginate


def _year(request: HttpRequest) -> int | None:
    return params.year(request.GET)


def _staff(request: HttpRequest) -> None:
    if not access.can_edit_registers(request.user):
        raise PermissionDenied


def risks_page(request: HttpRequest) -> HttpResponse:
    if not access.can_view_risks(request.user):
        raise PermissionDenied
    overview = risk_selectors.risk_overview()
    context = {
        "overview": overview,
        "register": paginate(request, overview.risks, param="risks", anchor="risk-register"),
        "chart_spec": register_charts.heat_map_chart(overview.cells),
        "policies": risk_selectors.policies(user=request.user),
        "can_edit": access.can_edit_registers(request.user),
        "illustrative": overview.illustrative or selectors.illustrative_activities(),
        "show_report_link": True,  # the risk register's readers are the Board report's
    }
    return render(request, "accountability/risks.html", context)


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
        return redirect("accountability:risks")
    return render(request, "accountability/risk_record.html", {"form": form})


@require_POST
@login_required
def policy_acknowledge(request: HttpRequest) -> HttpResponse:
    if not access.can_view_risks(request.user):
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
    return redirect("accountability:risks")
