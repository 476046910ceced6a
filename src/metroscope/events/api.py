"""API of events and learning: events (public), and a signed-in person's own registrations
(create, list, cancel) with the rules of the pages."""

# No `from __future__ import annotations`: django-ninja reads the annotations at runtime.
import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status as Reply
from ninja.security import django_auth

from metroscope.core import exports
from metroscope.core.api_errors import ApiError
from metroscope.core.api_params import YEAR, BodyId, RecordId
from metroscope.core.i18n import translated
from metroscope.core.tokens import TokenAuth
from metroscope.events import access, selectors, services
from metroscope.events.certificates import NoCertificate, certificate_check, certificate_pdf
from metroscope.events.models import Event, Registration

router = Router(tags=["events"])
AUTH = [TokenAuth(), django_auth]


class SessionOut(Schema):
    id: int
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    room: str
    online_url: str = Field(
        ..., description="the meeting link: only for the staff and holders of a confirmed place"
    )
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
    capacity: int | None
    confirmed: int
    waiting: int
    registration_open: bool
    sessions: list[SessionOut]


def _event_out(event: Event, links: bool) -> dict[str, Any]:
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
                "online_url": s.online_url if links else "",
                "language": s.language,
            }
            for s in event.sessions.all()
        ],
    }


@router.get("/events", response=list[EventOut], summary="Events and trainings", auth=None)
def list_events(
    request: HttpRequest, when: str = "", type: str = "", year: int | None = YEAR
) -> list[dict[str, Any]]:
    if when not in ("", "upcoming", "past"):
        raise HttpError(400, "when is upcoming, past or empty")
    filters = selectors.EventFilters(when=when, type=type, year=year)
    links = access.meeting_links_visible(request.user)
    return [_event_out(e, links(e)) for e in selectors.event_list(filters=filters)]


@router.get("/events/{event_id}", response=EventOut, summary="One event", auth=None)
def get_event(request: HttpRequest, event_id: RecordId) -> dict[str, Any]:
    event = selectors.event_detail(pk=event_id)
    if event is None:
        raise HttpError(404, "no such event")
    return _event_out(event, access.can_see_meeting_links(request.user, event))


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
    certificate: str | None = Field(
        None, description="the certificate of attendance (PDF): attended trainings only"
    )


class RegistrationIn(Schema):
    language: str = Field("en", description="en, fr or es: one the event offers")
    contact: BodyId | None = Field(None, description="a contact of your member; empty: yourself")
    gender: str = Field("not_stated", description="yours, when registering yourself")


def _certificate_url(request: HttpRequest, reg: Registration) -> str | None:
    try:
        certificate_check(reg)
    except NoCertificate:
        return None
    path = reverse("api-v1:registration_certificate", kwargs={"registration_id": reg.pk})
    return request.build_absolute_uri(path)


def _registration_out(reg: Registration, request: HttpRequest) -> dict[str, Any]:
    return {
        "certificate": _certificate_url(request, reg),
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
    return [_registration_out(r, request) for r in selectors.own_registrations(user=request.user)]


@router.post(
    "/events/{event_id}/registrations",
    response={201: RegistrationOut, 409: ApiError},
    summary="Register yourself or your member's contact",
    auth=AUTH,
)
def create_registration(request: HttpRequest, event_id: RecordId, payload: RegistrationIn) -> Any:
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
            user=request.user,
            event=event,
            language=payload.language,
            contact=contact,
            gender=payload.gender,
        )
    except services.AlreadyRegistered as exc:
        raise HttpError(409, str(exc)) from exc
    except PermissionDenied as exc:
        raise HttpError(403, str(exc)) from exc
    return Reply(201, _registration_out(made, request))


@router.post(
    "/registrations/{registration_id}/cancel",
    response=RegistrationOut,
    summary="Cancel one of your registrations",
    auth=AUTH,
)
def cancel_registration(request: HttpRequest, registration_id: RecordId) -> dict[str, Any]:
    found = _own(request, registration_id)
    try:
        services.registration_cancel(user=request.user, registration=found)
    except PermissionDenied as exc:
        raise HttpError(403, str(exc)) from exc
    found.refresh_from_db()
    return _registration_out(found, request)


def _own(request: HttpRequest, registration_id: int) -> Registration:
    """A registration the caller may act on, as on the pages (staff: any); 404 otherwise."""
    found = access.visible_registrations(request.user).filter(pk=registration_id).first()
    if found is None:
        raise HttpError(404, "no such registration of yours")
    return found


class FeedbackIn(Schema):
    rating: int = Field(..., description="1 to 5")
    comment: str = ""


class FeedbackOut(Schema):
    registration: int
    rating: int
    comment: str
    created_at: dt.datetime


@router.post(
    "/registrations/{registration_id}/feedback",
    response={201: FeedbackOut},
    summary="Give feedback on an event you took part in (once)",
    auth=AUTH,
)
def give_feedback(request: HttpRequest, registration_id: RecordId, payload: FeedbackIn) -> Any:
    found = _own(request, registration_id)
    try:
        made = services.feedback_give(
            user=request.user, registration=found, rating=payload.rating, comment=payload.comment
        )
    except PermissionDenied as exc:
        raise HttpError(403, str(exc)) from exc
    return Reply(
        201,
        {
            "registration": found.pk,
            "rating": made.rating,
            "comment": made.comment,
            "created_at": made.created_at,
        },
    )


@router.get(
    "/registrations/{registration_id}/certificate",
    summary="The certificate of attendance (PDF) of an attended training",
    url_name="registration_certificate",
    auth=AUTH,
)
def get_certificate(request: HttpRequest, registration_id: RecordId) -> HttpResponse:
    found = _own(request, registration_id)
    try:
        pdf = certificate_pdf(found)
    except NoCertificate as exc:
        raise HttpError(400, str(exc)) from exc
    response = HttpResponse(pdf, content_type="application/pdf")
    exports.attachment(response, f"certificate-{found.pk}.pdf")
    return response
