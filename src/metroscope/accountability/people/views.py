"""The people page of the plan (participants, speakers, panels and the gender balance), and
staff record the people of an activity one by one: a participant (person by person, never
beside counts of the same activity), a panel, a speaker. Thin views over people_services;
others get 403. `?activity=<id>` chooses the activity in advance (links from its page)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from metroscope.accountability import access
from metroscope.accountability.activities import selectors
from metroscope.accountability.people import charts as people_charts
from metroscope.accountability.people import selectors as people_selectors
from metroscope.accountability.people import services as people_services
from metroscope.accountability.people.forms import (
    PanelForm,
    ParticipantCountForm,
    ParticipantForm,
    SpeakerForm,
    apply_service,
)
from metroscope.accountability.people.models import Participant
from metroscope.core import params
from metroscope.core.paging import paginate
from metroscope.core.panels import render_panels
from metroscope.members.models import Gender


def _member(data: dict[str, Any]) -> str:
    return data["member"].code if data["member"] else ""


def _person(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "activity_id": data["activity"].pk,
        "name": data["name"],
        "gender": data["gender"],
        "role_category": data["role_category"],
        "member_code": _member(data),
    }


def record_page(
    request: HttpRequest,
    form_class: type[forms.Form],
    write: Callable[[dict[str, Any]], Any],
    *,
    heading: Promise,
    intro: Promise,
    done: Promise,
) -> HttpResponse:
    """One of the people forms: on success back to the people of the plan."""
    if not access.can_edit_registers(request.user):
        raise PermissionDenied
    chosen = request.GET.get("activity", "")
    initial = {"activity": int(chosen)} if chosen.isdigit() else None
    form = form_class(request.POST or None, initial=initial)
    if request.method == "POST" and apply_service(form, write) is not None:
        messages.success(request, str(done))
        return redirect(reverse("accountability:people") + "#by-activity")
    context = {"form": form, "heading": heading, "intro": intro}
    return render(request, "accountability/people_record.html", context)


@login_required
def participant_count_record(request: HttpRequest) -> HttpResponse:
    def write(data: dict[str, Any]) -> Any:
        return people_services.participant_count_record(
            user=request.user,
            activity_id=data["activity"].pk,
            gender=data["gender"],
            role_category=data["role_category"],
            member_code=_member(data),
            count=data["count"],
        )

    return record_page(
        request,
        ParticipantCountForm,
        write,
        heading=_("Record a participant count"),
        intro=_(
            "How many people of one gender, role category and member took part in an activity. "
            "Choose “Not stated” when their gender is not known."
        ),
        done=_("The participant count was recorded."),
    )


@login_required
def participant_record(request: HttpRequest) -> HttpResponse:
    return record_page(
        request,
        ParticipantForm,
        lambda data: people_services.participant_create(user=request.user, **_person(data)),
        heading=_("Record a participant"),
        intro=_(
            "One person who took part in an activity. An activity's participants are recorded "
            "either person by person or as counts, never both, so that nobody is counted twice."
        ),
        done=_("The participant was recorded."),
    )


@login_required
def panel_record(request: HttpRequest) -> HttpResponse:
    return record_page(
        request,
        PanelForm,
        lambda data: people_services.panel_create(
            user=request.user, activity_id=data["activity"].pk, title=data["title"]
        ),
        heading=_("Add a panel"),
        intro=_("A panel of an activity; record its speakers next."),
        done=_("The panel was added."),
    )


@login_required
def speaker_record(request: HttpRequest) -> HttpResponse:
    return record_page(
        request,
        SpeakerForm,
        lambda data: people_services.speaker_create(
            user=request.user,
            panel_id=data["panel"].pk if data["panel"] else None,
            **_person(data),
        ),
        heading=_("Record a speaker"),
        intro=_(
            "Someone who spoke at an activity, on one of its panels or alone. Speakers are "
            "counted apart from participants."
        ),
        done=_("The speaker was recorded."),
    )


def _year(request: HttpRequest) -> int | None:
    return params.year(request.GET)


def people_page(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    overview = people_selectors.people_overview(year=year)
    members = access.people_members_visible_to(request.user)
    sees_members = members is None or bool(members)
    records = None
    if access.can_view_people_records(request.user) or (members and members is not None):
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
        "chart_spec": people_charts.gender_balance_chart(overview.balance)
        if people_charts.has_shares(overview.balance)
        else None,
        "groups": people_charts.group_labels(),
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
        if access.can_view_people_records(request.user)
        else None,
        "can_edit": access.can_edit_registers(request.user),
        "illustrative": overview.illustrative or selectors.illustrative_activities(),
        # Sections other apps add (e.g. programs' urban leaders engaged in the year).
        "panels": render_panels("plan.people", request=request, year=year),
    }
    return render(request, "accountability/people.html", context)
