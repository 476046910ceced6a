"""Object-level permissions on members (django-rules). Staff see and edit all; an officer
sees and edits only the members they are assigned to; personal data stays with them."""

from __future__ import annotations

from typing import Any

import rules

from metroscope.core.roles import is_secretariat
from metroscope.members.models import Contact, Member


@rules.predicate
def is_officer_of_member(user: Any, member: Member | None) -> bool:
    if member is None or not user.is_authenticated or not user.is_active:
        return False
    return member.officers.filter(user=user).exists()


@rules.predicate
def is_officer_of_contact_member(user: Any, contact: Contact | None) -> bool:
    if contact is None:
        return False
    return bool(is_officer_of_member(user, contact.member))


rules.add_perm("members.view_member_contacts", is_secretariat | is_officer_of_member)
rules.add_perm("members.edit_member_profile", is_secretariat | is_officer_of_member)
rules.add_perm("members.edit_member_registry", is_secretariat)
rules.add_perm("members.add_member_contact", is_secretariat | is_officer_of_member)
rules.add_perm("members.edit_contact", is_secretariat | is_officer_of_contact_member)
