"""The only paths from a request to a member-scoped object that someone wants to change."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from metroscope.members.models import Contact, Member


def access_member_for_edit(user: Any, code: str) -> Member:
    member: Member = get_object_or_404(Member.objects.select_related("country__region"), code=code)
    if not user.has_perm("members.edit_member_profile", member):
        raise PermissionDenied
    return member


def access_member_contacts(user: Any, member: Member) -> bool:
    return bool(user.has_perm("members.view_member_contacts", member))


def access_member_for_new_contact(user: Any, code: str) -> Member:
    member = get_object_or_404(Member, code=code)
    if not user.has_perm("members.add_member_contact", member):
        raise PermissionDenied
    return member


def access_contact_for_edit(user: Any, code: str, pk: int) -> Contact:
    contact = get_object_or_404(Contact.objects.select_related("member"), pk=pk, member__code=code)
    if not user.has_perm("members.edit_contact", contact):
        raise PermissionDenied
    return contact
