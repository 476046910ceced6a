"""The only paths from a request to registrations: a person sees and cancels their own (the
ones they made or that are theirs); the Secretariat's staff see all."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from metroscope.core.roles import is_secretariat
from metroscope.events.models import Event, Registration
from metroscope.members.models import Contact


def visible_registrations(user: Any) -> QuerySet[Registration]:
    qs = Registration.objects.select_related("event__activity", "member", "contact")
    if not user.is_authenticated:
        return qs.none()
    if is_secretariat(user):
        return qs
    return qs.filter(Q(user=user) | Q(registered_by=user))


def access_registration(user: Any, pk: int) -> Registration:
    """A registration the user may read or cancel; 404 for others' so they do not show."""
    found = visible_registrations(user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def access_event_for_staff(user: Any, pk: int) -> Event:
    if not (user.is_authenticated and is_secretariat(user)):
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


def may_register_contact(user: Any, contact: Contact) -> bool:
    return bool(user.has_perm("members.edit_contact", contact))
