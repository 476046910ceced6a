"""Pages of the request desk: ask, read the thread, answer, assign, close; the staff's
dashboard of response times."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from metroscope.core.roles import requires
from metroscope.listening import access, analytics, charts, selectors, services
from metroscope.listening.forms import AssignForm, MessageForm, RequestForm
from metroscope.listening.models import RequestStatus


@login_required
def home(request: HttpRequest) -> HttpResponse:
    staff = access.can_manage_requests(request.user)
    members = access.members_for(request.user)
    return render(
        request,
        "listening/home.html",
        {
            "staff": staff,
            "involved": staff or members.exists(),
            "can_ask": members.exists(),
            "requests": access.visible_requests(request.user)[:10],
            "surveys": selectors.open_surveys(None if staff else members),
        },
    )


@login_required
def request_list(request: HttpRequest) -> HttpResponse:
    staff = access.can_manage_requests(request.user)
    members = access.members_for(request.user)
    if not staff and not members.exists():
        raise PermissionDenied
    requests = access.visible_requests(request.user)
    status = request.GET.get("status", "")
    if status in RequestStatus.values:
        requests = requests.filter(status=status)
    return render(
        request,
        "listening/requests.html",
        {
            "requests": requests,
            "staff": staff,
            "can_ask": members.exists(),
            "status": status,
            "statuses": RequestStatus.choices,
        },
    )


@login_required
def request_new(request: HttpRequest) -> HttpResponse:
    members = access.members_for(request.user)
    if not members.exists():
        raise PermissionDenied
    initial = {"language": (get_language() or "en")[:2]}
    if members.count() == 1:
        initial["member"] = members.first().code  # type: ignore[union-attr]
    form = RequestForm(request.POST or None, members=members, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        made = services.request_create(
            user=request.user,
            member=data["member"],
            subject=data["subject"],
            body=data["body"],
            category=data["category"],
            language=data["language"],
        )
        messages.success(request, _("Your request is sent to the Secretariat."))
        return redirect("listening:request", pk=made.pk)
    return render(request, "listening/request_form.html", {"form": form})


@login_required
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    found = access.access_request(request.user, pk)
    staff = access.can_manage_requests(request.user)
    return render(
        request,
        "listening/request.html",
        {
            "item": found,
            "thread": found.messages.select_related("author"),
            "staff": staff,
            "reply_form": MessageForm(),
            "assign_form": AssignForm(
                staff=services.staff_users(), initial={"assignee": found.assigned_to_id}
            )
            if staff
            else None,
            "first_response_hours": analytics.hours_between(
                found.created_at, found.first_response_at
            ),
            "resolution_hours": analytics.hours_between(found.created_at, found.closed_at),
        },
    )


@login_required
@require_POST
def request_reply(request: HttpRequest, pk: int) -> HttpResponse:
    found = access.access_request(request.user, pk)
    form = MessageForm(request.POST)
    if form.is_valid():
        try:
            services.request_reply(user=request.user, request=found, body=form.cleaned_data["body"])
            messages.success(request, _("Your message is sent."))
        except ValueError as exc:
            messages.error(request, str(exc))
    else:
        messages.error(request, _("Write a message."))
    return redirect("listening:request", pk=pk)


@login_required
@require_POST
def request_assign(request: HttpRequest, pk: int) -> HttpResponse:
    found = access.access_request_for_staff(request.user, pk)
    form = AssignForm(request.POST, staff=services.staff_users())
    if form.is_valid():
        services.request_assign(
            user=request.user, request=found, assignee=form.cleaned_data["assignee"]
        )
        messages.success(request, _("The request's assignment is saved."))
    return redirect("listening:request", pk=pk)


@login_required
@require_POST
def request_close(request: HttpRequest, pk: int) -> HttpResponse:
    found = access.access_request_for_staff(request.user, pk)
    services.request_close(user=request.user, request=found)
    messages.success(request, _("The request is closed."))
    return redirect("listening:request", pk=pk)


@requires(access.can_manage_requests)
def dashboard(request: HttpRequest) -> HttpResponse:
    times = selectors.request_times(access.visible_requests(request.user))
    by_month = analytics.medians_by_month(times)
    by_region = analytics.medians_by_region(times, selectors.region_names())
    spec = charts.median_times_by_month(
        by_month,
        first_title=_("First response"),
        resolution_title=_("Resolution"),
        description=_("Median hours to the first answer and to closing, per month"),
    )
    return render(
        request,
        "listening/dashboard.html",
        {
            "by_month": by_month,
            "by_region": by_region,
            # no chart without a median to draw (requests all still waiting have none)
            "spec": spec if spec["data"]["values"] else None,
            "total": len(times),
        },
    )
