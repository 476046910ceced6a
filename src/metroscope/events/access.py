"""The only paths from a request to registrations: a person sees and cancels their own (the
ones they made or that are theirs); the Secretariat's staff see all."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from metroscope.core.roles import is_secretariat
from metroscope.events.models import Event, Registration, RegistrationStatus
from metroscope.members.access import can_edit_contact
from metroscope.members.models import Contact


def can_manage_events(user: Any) -> bool:
    """Registrations, waiting lists and attendance of every event: the Secretariat's staff."""
    return bool(user.is_authenticated and is_secretariat(user))


def can_cancel_registration(user: Any, registration: Registration) -> bool:
    """A place is cancelled by the person it is for, whoever registered them, or the staff."""
    if can_manage_events(user):
        return True
    return user.pk in (registration.user_id, registration.registered_by_id)


def meeting_links_visible(user: Any) -> Callable[[Event], bool]:
    """Who sees a session's online link: the people taking part, that is the staff and whoever
    holds or made a confirmed place at the event (an officer passes it on to the contact she
    registered). Anonymous visitors and the public calendar never see it. One query per
    request, however many events are shown."""
    if not user.is_authenticated:
        return lambda event: False
    if can_manage_events(user):
        return lambda event: True
    confirmed = set(
        Registration.objects.filter(
            Q(user=user) | Q(registered_by=user), status=RegistrationStatus.CONFIRMED
        ).values_list("event_id", flat=True)
    )
    return lambda event: event.pk in confirmed


def can_see_meeting_links(user: Any, event: Event) -> bool:
    return meeting_links_visible(user)(event)


def holds_confirmed_place(own: Iterable[Registration]) -> bool:
    """Among a person's own registrations for one event (already read by the page), is one a
    confirmed place? The same rule as meeting_links_visible, without another query."""
    return any(r.status == RegistrationStatus.CONFIRMED for r in own)


def can_give_feedback(user: Any, registration: Registration) -> bool:
    """Feedback on a registration comes from the person it is for or whoever registered them."""
    return user.pk in (registration.user_id, registration.registered_by_id)


def visible_registrations(user: Any) -> QuerySet[Registration]:
    qs = Registration.objects.select_related("event__activity", "member", "contact")
    if not user.is_authenticated:
        return qs.none()
    if can_manage_events(user):
        return qs
    return qs.filter(Q(user=user) | Q(registered_by=user))


def access_registration(user: Any, pk: int) -> Registration:
    """A registration the user may read or cancel; 404 for others' so they do not show."""
    found = visible_registrations(user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def access_event_for_staff(user: Any, pk: int) -> Event:
    if not can_manage_events(user):
        raise PermissionDenied
    event: Event = get_object_or_404(Event.objects.select_related("activity"), pk=pk)
    return event


def contacts_for(user: Any) -> QuerySet[Contact]:
    """The contacts a user may register: their members' active contacts (staff: none here;
    staff register anyone in the back office)."""
    if not user.is_authenticated:
        return Contact.objects.none()
    return (
        Contact.objects.filter(member__officers__user=user, active=True)
        .select_related("member")
        .order_by("member__name", "family_name", "given_name")
    )


def can_register_contact(user: Any, contact: Contact) -> bool:
    """An officer registers their own member's contacts (the members app's rule for editing a
    contact)."""
    return can_edit_contact(user, contact)
