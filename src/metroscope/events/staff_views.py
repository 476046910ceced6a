"""Staff pages: an event's registrations (confirmed, waiting, cancelled), attendance marking
and the event's counts."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from metroscope.events import access, selectors, services
from metroscope.events.models import Event, RegistrationStatus


@login_required
def registrations(request: HttpRequest, pk: int) -> HttpResponse:
    event = access.access_event_for_staff(request.user, pk)
    if request.method == "POST":
        ids = [int(v) for v in request.POST.getlist("attended") if v.isdigit()]
        try:
            n = services.attendance_mark(user=request.user, event=event, attended=ids)
            messages.success(request, _("Attendance saved: %(n)s attended.") % {"n": n})
        except ValueError as exc:
            messages.error(request, str(exc))
        return redirect("events:registrations", pk=pk)
    regs = list(selectors.event_registrations(event=event))
    events = Event.objects.filter(pk=event.pk)
    return render(
        request,
        "events/registrations.html",
        {
            "event": event,
            "confirmed": [r for r in regs if r.status == RegistrationStatus.CONFIRMED],
            "waiting": [r for r in regs if r.status == RegistrationStatus.WAITING],
            "cancelled": [r for r in regs if r.status == RegistrationStatus.CANCELLED],
            "participants": selectors.labelled(selectors.participant_counts(events=events)),
            "speakers": selectors.labelled(selectors.speaker_counts(events=events)),
        },
    )
