"""Writes of events and learning: registration within capacity (the waiting list past it,
also when two arrive at once), cancellation with promotion, attendance, feedback. Each
change of a person's place is e-mailed once it commits; a training's "certificate ready" once
per registration, logged (CertificateSending)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from metroscope.events import access, emails
from metroscope.events.models import (
    CertificateSending,
    Event,
    Feedback,
    Registration,
    RegistrationStatus,
)
from metroscope.members.models import Contact, Gender, Member

ACTIVE = (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING)


class AlreadyRegistered(ValueError):
    """The person already holds a place or a place in the queue."""


def _locked(event: Event) -> Event:
    # The event row is the lock every registration and cancellation of it takes: on PostgreSQL
    # select_for_update; SQLite takes its one writer lock at BEGIN IMMEDIATE (settings).
    return Event.objects.select_for_update().select_related("activity").get(pk=event.pk)


def _already(event: Event, contact: Contact | None, registrant: Any | None) -> str:
    who = str(contact) if contact is not None else str(registrant.get_username())  # type: ignore[union-attr]
    return _("%(who)s is already registered for %(event)s.") % {
        "who": who,
        "event": event.title,
    }


def _member_of(user: Any) -> Member | None:
    return Member.objects.filter(officers__user=user).order_by("name").first()


@transaction.atomic
def registration_create(
    *,
    user: Any,
    event: Event,
    language: str,
    contact: Contact | None = None,
    gender: str = Gender.NOT_STATED,
) -> Registration:
    """A place for a member's contact (registered by staff or that member's officer), or for
    the signed-in user themselves; past capacity, a place on the waiting list."""
    if not user.is_authenticated:
        raise PermissionDenied(_("Sign in to register."))
    if contact is not None and not access.can_register_contact(user, contact):
        raise PermissionDenied(_("You may register only your own member's contacts."))
    event = _locked(event)
    if not event.registration_open or event.capacity is None:
        raise ValueError(_("Registration for this event is closed."))
    if language not in event.offered_languages():
        raise ValueError(
            _("This event is offered in %(languages)s.")
            % {"languages": ", ".join(event.offered_languages())}
        )
    registrant = None if contact is not None else user
    existing = event.registrations.filter(status__in=ACTIVE)
    if existing.filter(contact=contact, user=registrant).exists():
        raise AlreadyRegistered(_already(event, contact, registrant))
    confirmed = event.registrations.filter(status=RegistrationStatus.CONFIRMED).count()
    now = timezone.now()
    has_place = confirmed < event.capacity
    values: dict[str, Any] = {
        "event": event,
        "contact": contact,
        "user": registrant,
        "registered_by": user,
        "language": language,
        "status": RegistrationStatus.CONFIRMED if has_place else RegistrationStatus.WAITING,
        "confirmed_at": now if has_place else None,
        "created_at": now,
    }
    if contact is not None:
        values |= {
            "name": str(contact),
            "gender": contact.gender,
            "role_category": contact.role_category,
            "member": contact.member,
        }
    else:
        full = user.get_full_name() or user.get_username()
        values |= {"name": full, "gender": gender, "member": _member_of(user)}
    try:
        with transaction.atomic():
            made = Registration.objects.create(**values)
    except IntegrityError:  # the partial unique constraints: the same person twice
        raise AlreadyRegistered(_already(event, contact, registrant)) from None
    if has_place:
        emails.notify(made, emails.CONFIRMED)
    else:
        position = event.registrations.filter(status=RegistrationStatus.WAITING).count()
        emails.notify(made, emails.WAITING, position=position)
    return made


@transaction.atomic
def registration_cancel(*, user: Any, registration: Registration) -> Registration | None:
    """Cancel a place; a confirmed place freed goes to the first on the waiting list, whom
    this returns (None when nobody moves up)."""
    if not access.can_cancel_registration(user, registration):
        raise PermissionDenied(_("You may cancel only your own registrations."))
    event = _locked(registration.event)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status == RegistrationStatus.CANCELLED:
        raise ValueError(_("This registration is already cancelled."))
    if registration.attended:
        raise ValueError(_("An attended registration cannot be cancelled."))
    freed = registration.status == RegistrationStatus.CONFIRMED
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = timezone.now()
    registration.save(update_fields=["status", "cancelled_at"])
    emails.notify(registration, emails.CANCELLED)
    if not freed:
        return None
    promoted = _promote(event)
    if promoted is not None:
        emails.notify(promoted, emails.PROMOTED)
    return promoted


def _promote(event: Event) -> Registration | None:
    confirmed = event.registrations.filter(status=RegistrationStatus.CONFIRMED).count()
    if event.capacity is None or confirmed >= event.capacity:
        return None
    first = (
        event.registrations.select_for_update()
        .filter(status=RegistrationStatus.WAITING)
        .order_by("created_at", "pk")
        .first()
    )
    if first is None:
        return None
    first.status = RegistrationStatus.CONFIRMED
    first.confirmed_at = timezone.now()
    first.save(update_fields=["status", "confirmed_at"])
    return first


@transaction.atomic
def attendance_mark(*, user: Any, event: Event, attended: Iterable[int]) -> int:
    """Staff mark who attended among the confirmed registrations (the others are unmarked);
    returns how many attended."""
    if not access.can_manage_events(user):
        raise PermissionDenied(_("Only the Secretariat's staff mark attendance."))
    wanted = set(attended)
    event = _locked(event)
    regs = list(event.registrations.select_for_update())
    unknown = wanted - {r.pk for r in regs if r.status == RegistrationStatus.CONFIRMED}
    if unknown:
        raise ValueError(
            _("Only confirmed registrations of this event can be marked attended: %(ids)s.")
            % {"ids": ", ".join(str(i) for i in sorted(unknown))}
        )
    for reg in regs:
        if reg.attended != (reg.pk in wanted):
            reg.attended = reg.pk in wanted
            reg.save(update_fields=["attended"])
            if reg.attended and event.is_training:  # newly attended: the certificate is ready
                certificate_announce(user=user, registration=reg)
    return len(wanted)


@transaction.atomic
def certificate_announce(*, user: Any, registration: Registration) -> CertificateSending | None:
    """E-mail that the certificate is ready, once per registration: the sending is logged,
    and a second trigger (attendance unmarked and marked again) finds the log and sends
    nothing. None when nothing is sent (already sent, or nobody has an address)."""
    if CertificateSending.objects.filter(registration=registration).exists():
        return None
    message = emails.render(registration, emails.CERTIFICATE)
    if message is None:
        return None
    try:
        with transaction.atomic():
            logged = CertificateSending.objects.create(
                registration=registration,
                sent_by=user if getattr(user, "pk", None) else None,
                email=message.to[0],
                language=registration.language,
            )
    except IntegrityError:  # logged meanwhile by another request: that one sends
        return None
    emails.queue(message)
    emails.notify_in_app(registration, emails.CERTIFICATE)
    return logged


@transaction.atomic
def feedback_give(
    *, user: Any, registration: Registration, rating: int, comment: str = ""
) -> Feedback:
    if not access.can_give_feedback(user, registration):
        raise PermissionDenied(_("You may give feedback only on your own registrations."))
    if registration.status != RegistrationStatus.CONFIRMED:
        raise ValueError(_("Only a confirmed participant gives feedback."))
    if not 1 <= rating <= 5:
        raise ValueError(_("The rating is a whole number from 1 to 5."))
    if Feedback.objects.filter(registration=registration).exists():
        raise ValueError(_("Feedback on this registration is already given: once each."))
    try:
        with transaction.atomic():
            return Feedback.objects.create(
                registration=registration, rating=rating, comment=comment.strip()
            )
    except IntegrityError:
        raise ValueError(_("Feedback on this registration is already given: once each.")) from None
