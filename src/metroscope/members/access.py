"""Who may see and change what in the member registry, and the only paths from a request to a
member-scoped object that someone wants to change. Staff see and edit all; an officer sees
and edits only the members they are assigned to; personal data (contacts) stays with them;
the registry facts (institution, kind, coordinates…) are the Secretariat's."""

from __future__ import annotations

from typing import Any

import rules
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from metroscope.core.roles import is_secretariat
from metroscope.members.models import Contact, Member

# --- predicates (django-rules, so they compose and serve the registry below) --------------------


@rules.predicate
def is_officer_of_member(user: Any, member: Member | None) -> bool:
    """False for anonymous and inactive users without a query."""
    if member is None or not user.is_authenticated or not user.is_active:
        return False
    return member.officers.filter(user=user).exists()


@rules.predicate
def is_officer_of_contact_member(user: Any, contact: Contact | None) -> bool:
    if contact is None:
        return False
    return bool(is_officer_of_member(user, contact.member))


_view_member_contacts = is_secretariat | is_officer_of_member
_edit_member_profile = is_secretariat | is_officer_of_member
_edit_member_registry = is_secretariat
_add_member_contact = is_secretariat | is_officer_of_member
_edit_contact = is_secretariat | is_officer_of_contact_member


def can_view_member_contacts(user: Any, member: Member) -> bool:
    return _view_member_contacts.test(user, member)


def can_edit_member(user: Any, member: Member) -> bool:
    """The member's profile (descriptions, website…): the Secretariat and its officers."""
    return _edit_member_profile.test(user, member)


def can_edit_member_registry(user: Any, member: Member) -> bool:
    """The registry facts of a member as well as its profile: the Secretariat."""
    return _edit_member_registry.test(user, member)


def can_add_contact(user: Any, member: Member) -> bool:
    return _add_member_contact.test(user, member)


def can_edit_contact(user: Any, contact: Contact) -> bool:
    return _edit_contact.test(user, contact)


# The same rules under their permission names, for `user.has_perm` outside these apps (the
# admin, a shell, and the programs app until it asks can_edit_contact).
rules.add_perm("members.view_member_contacts", _view_member_contacts)
rules.add_perm("members.edit_member_profile", _edit_member_profile)
rules.add_perm("members.edit_member_registry", _edit_member_registry)
rules.add_perm("members.add_member_contact", _add_member_contact)
rules.add_perm("members.edit_contact", _edit_contact)


# --- from a request to an object ---------------------------------------------------------------


def access_member_for_edit(user: Any, code: str) -> Member:
    member: Member = get_object_or_404(Member.objects.select_related("country__region"), code=code)
    if not can_edit_member(user, member):
        raise PermissionDenied
    return member


def access_member_for_new_contact(user: Any, code: str) -> Member:
    member = get_object_or_404(Member, code=code)
    if not can_add_contact(user, member):
        raise PermissionDenied
    return member


def access_contact_for_edit(user: Any, code: str, pk: int) -> Contact:
    contact = get_object_or_404(Contact.objects.select_related("member"), pk=pk, member__code=code)
    if not can_edit_contact(user, contact):
        raise PermissionDenied
    return contact
