"""Pages of events and learning: the list (upcoming and past), an event with its sessions,
registration and the person's own status, cancellation, feedback, certificates, iCalendar."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from metroscope.core import exports
from metroscope.events import access, selectors, services
from metroscope.events.calendar import calendar_for
from metroscope.events.certificates import NoCertificate, certificate_pdf
from metroscope.events.forms import MYSELF, EventFilterForm, FeedbackForm, RegisterForm
from metroscope.events.models import Event, Registration, RegistrationStatus


def _filters(form: EventFilterForm) -> selectors.EventFilters:
    if not form.is_valid():
        return selectors.EventFilters()
    data = form.cleaned_data
    return selectors.EventFilters(
        when=data["when"] or "",
        type=data["type"] or "",
        year=data["year"],
        language=data["language"] or "",
        mode=data["mode"] or "",
    )


def event_list(request: HttpRequest) -> HttpResponse:
    form = EventFilterForm(request.GET or None, years=selectors.event_years())
    filters = _filters(form)
    events = list(selectors.event_list(filters=filters))
    upcoming = [e for e in events if selectors.is_upcoming(e)]
    past = [e for e in reversed(events) if not selectors.is_upcoming(e)]
    return render(
        request,
        "events/events.html",
        {
            "form": form,
            "upcoming": upcoming,
            "past": past,
            "filters": filters,
            "filtered": filters != selectors.EventFilters(when=filters.when),
            "staff": access.can_manage_events(request.user),
        },
    )


def _register_form(request: HttpRequest, event: Event, data: object = None) -> RegisterForm:
    return RegisterForm(
        data,
        contacts=access.contacts_for(request.user),
        languages=event.offered_languages(),
        initial={"language": (get_language() or "en")[:2], "who": MYSELF},
    )


def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.event_detail(pk=pk)
    if event is None:
        raise Http404
    mine = list(selectors.own_registrations(user=request.user, event=event))
    staff = access.can_manage_events(request.user)
    positions = {r.pk: selectors.waiting_position(r) for r in mine}
    return render(
        request,
        "events/event.html",
        {
            "event": event,
            "sessions": event.sessions.all(),
            "speakers": event.speakers.all(),
            "mine": [(r, positions[r.pk]) for r in mine],
            "form": _register_form(request, event) if request.user.is_authenticated else None,
            "feedback_form": FeedbackForm(),
            "upcoming": selectors.is_upcoming(event),
            "staff": staff,
            "show_links": staff or access.holds_confirmed_place(mine),
        },
    )


def _registered_message(made: Registration) -> str:
    if made.status == RegistrationStatus.CONFIRMED:
        return _("%(name)s is registered: the place is confirmed.") % {"name": made.name}
    return _("The event is full: %(name)s is number %(n)s on the waiting list.") % {
        "name": made.name,
        "n": selectors.waiting_position(made),
    }


@login_required
@require_POST
def register(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.event_detail(pk=pk)
    if event is None:
        raise Http404
    form = _register_form(request, event, request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose who takes part and a language offered."))
        return redirect("events:event", pk=pk)
    data = form.cleaned_data
    try:
        made = services.registration_create(
            user=request.user,
            event=event,
            language=data["language"],
            contact=form.contacts.get(data["who"]),
            gender=data["gender"] or "not_stated",
        )
    except (ValueError, PermissionDenied) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _registered_message(made))
    return redirect("events:event", pk=pk)


@login_required
@require_POST
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    found = access.access_registration(request.user, pk)
    try:
        services.registration_cancel(user=request.user, registration=found)
        messages.success(
            request, _("The registration of %(name)s is cancelled.") % {"name": found.name}
        )
    except (ValueError, PermissionDenied) as exc:
        messages.error(request, str(exc))
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = reverse("events:event", args=[found.event_id])  # never to another site
    return redirect(back)


@login_required
@require_POST
def feedback(request: HttpRequest, pk: int) -> HttpResponse:
    found = access.access_registration(request.user, pk)
    form = FeedbackForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a rating from 1 to 5."))
    else:
        try:
            services.feedback_give(
                user=request.user,
                registration=found,
                rating=form.cleaned_data["rating"],
                comment=form.cleaned_data["comment"],
            )
            messages.success(request, _("Thank you for your feedback."))
        except (ValueError, PermissionDenied) as exc:
            messages.error(request, str(exc))
    return redirect("events:event", pk=found.event_id)


@login_required
def my_registrations(request: HttpRequest) -> HttpResponse:
    mine = list(selectors.own_registrations(user=request.user))
    return render(
        request,
        "events/my_registrations.html",
        {"mine": [(r, selectors.waiting_position(r)) for r in mine]},
    )


@login_required
def certificate(request: HttpRequest, pk: int) -> HttpResponse:
    found = access.access_registration(request.user, pk)
    try:
        pdf = certificate_pdf(found)
    except NoCertificate as exc:
        messages.error(request, str(exc))
        return redirect("events:event", pk=found.event_id)
    response = HttpResponse(pdf, content_type="application/pdf")
    return exports.attachment(response, f"certificate-{found.pk}.pdf")


def _ics(request: HttpRequest, events: list[Event], name: str, filename: str) -> HttpResponse:
    urls = {e.pk: request.build_absolute_uri(reverse("events:event", args=[e.pk])) for e in events}
    body = calendar_for(events, urls=urls, host=request.get_host(), name=name)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    return exports.attachment(response, filename)


def event_ics(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.event_detail(pk=pk)
    if event is None:
        raise Http404
    return _ics(request, [event], event.title, f"event-{event.pk}.ics")


def events_ics(request: HttpRequest) -> HttpResponse:
    form = EventFilterForm(request.GET or None, years=selectors.event_years())
    events = list(selectors.event_list(filters=_filters(form)))
    return _ics(request, events, _("Metropolis events"), "events.ics")
