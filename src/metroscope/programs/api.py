"""API of events and learning: events (public), and a signed-in person's own registrations
(create, list, cancel) with the rules of the pages."""

# No `from __future__ import annotations`: django-ninja reads the annotations at runtime.
import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status as Reply
from ninja.security import django_auth

from metroscope.core.i18n import translated
from metroscope.core.tokens import TokenAuth
from metroscope.programs import access, selectors, services
from metroscope.programs.models import Event, Registration

router = Router(tags=["programs"])
AUTH = [TokenAuth(), django_auth]


class SessionOut(Schema):
    id: int
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    room: str
    online_url: str
    language: str


class EventOut(Schema):
    id: int
    activity: str = Field(..., description="the plan activity's code")
    title: str
    type: str
    start_date: dt.date | None
    end_date: dt.date | None
    mode: str
    host_city: str
    languages: list[str]
    capacity: int
    confirmed: int
    waiting: int
    registration_open: bool
    sessions: list[SessionOut]


def _event_out(event: Event) -> dict[str, Any]:
    a = event.activity
    return {
        "id": event.pk,
        "activity": a.code,
        "title": a.title,
        "type": a.type,
        "start_date": a.start_date,
        "end_date": a.end_date,
        "mode": a.mode,
        "host_city": a.host_city,
        "languages": event.offered_languages(),
        "capacity": event.capacity,
        "confirmed": event.confirmed_count,  # type: ignore[attr-defined]
        "waiting": event.waiting_count,  # type: ignore[attr-defined]
        "registration_open": event.registration_open,
        "sessions": [
            {
                "id": s.pk,
                "title": translated(s, "title")[0],
                "starts_at": s.starts_at,
                "ends_at": s.ends_at,
                "room": s.room,
                "online_url": s.online_url,
                "language": s.language,
            }
            for s in event.sessions.all()
        ],
    }


@router.get("/events", response=list[EventOut], summary="Events and trainings", auth=None)
def list_events(
    request: HttpRequest, when: str = "", type: str = "", year: int | None = None
) -> list[dict[str, Any]]:
    if when not in ("", "upcoming", "past"):
        raise HttpError(400, "when is upcoming, past or empty")
    filters = selectors.EventFilters(when=when, type=type, year=year)
    return [_event_out(e) for e in selectors.event_list(filters=filters)]


@router.get("/events/{event_id}", response=EventOut, summary="One event", auth=None)
def get_event(request: HttpRequest, event_id: int) -> dict[str, Any]:
    event = selectors.event_detail(pk=event_id)
    if event is None:
        raise HttpError(404, "no such event")
    return _event_out(event)


class RegistrationOut(Schema):
    id: int
    event: int
    name: str
    contact: int | None
    language: str
    status: str = Field(..., description="confirmed, waiting or cancelled")
    waiting_position: int | None
    attended: bool
    created_at: dt.datetime


class RegistrationIn(Schema):
    language: str = Field("en", description="en, fr or es: one the event offers")
    contact: int | None = Field(None, description="a contact of your member; empty: yourself")
    gender: str = Field("not_stated", description="yours, when registering yourself")


def _registration_out(reg: Registration) -> dict[str, Any]:
    return {
        "id": reg.pk,
        "event": reg.event_id,
        "name": reg.name,
        "contact": reg.contact_id,
        "language": reg.language,
        "status": reg.status,
        "waiting_position": selectors.waiting_position(reg),
        "attended": reg.attended,
        "created_at": reg.created_at,
    }


@router.get(
    "/registrations", response=list[RegistrationOut], summary="Your registrations", auth=AUTH
)
def list_registrations(request: HttpRequest) -> list[dict[str, Any]]:
    return [_registration_out(r) for r in selectors.own_registrations(user=request.user)]


@router.post(
    "/events/{event_id}/registrations",
    response={201: RegistrationOut},
    summary="Register yourself or your member's contact",
    auth=AUTH,
)
def create_registration(request: HttpRequest, event_id: int, payload: RegistrationIn) -> Any:
    event = selectors.event_detail(pk=event_id)
    if event is None:
        raise HttpError(404, "no such event")
    contact = None
    if payload.contact is not None:
        contact = access.contacts_for(request.user).filter(pk=payload.contact).first()
        if contact is None:
            raise HttpError(403, "you may register only your own member's contacts")
    try:
        made = services.registration_create(
            actor=request.user,
            event=event,
            language=payload.language,
            contact=contact,
            gender=payload.gender,
        )
    except services.AlreadyRegistered as exc:
        raise HttpError(409, str(exc)) from exc
    except PermissionDenied as exc:
        raise HttpError(403, str(exc)) from exc
    return Reply(201, _registration_out(made))


@router.post(
    "/registrations/{registration_id}/cancel",
    response=RegistrationOut,
    summary="Cancel one of your registrations",
    auth=AUTH,
)
def cancel_registration(request: HttpRequest, registration_id: int) -> dict[str, Any]:
    found = access.visible_registrations(request.user).filter(pk=registration_id).first()
    if found is None:
        raise HttpError(404, "no such registration of yours")
    try:
        services.registration_cancel(actor=request.user, registration=found)
    except PermissionDenied as exc:
        raise HttpError(403, str(exc)) from exc
    found.refresh_from_db()
    return _registration_out(found)
