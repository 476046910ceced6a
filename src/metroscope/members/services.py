"""Writes to the member registry. Each one is atomic and leaves an audit record naming the actor."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction

from metroscope.core.audit import audited_save
from metroscope.core.roles import BOARD, ROLES, SECRETARIAT, ensure_groups
from metroscope.members.models import Contact, Member, OfficerAssignment

PROFILE_FIELDS = ("description_en", "description_fr", "description_es", "website")
REGISTRY_FIELDS = (
    "institution",
    "kind",
    "entity_type",
    "latitude",
    "longitude",
    "location_note",
)


@transaction.atomic
def member_update(
    *, member: Member, actor: AbstractBaseUser, data: Mapping[str, Any], registry: bool = False
) -> Member:
    """Change a member's profile; registry fields only when the caller may (staff)."""
    allowed = PROFILE_FIELDS + (REGISTRY_FIELDS if registry else ())
    unknown = set(data) - set(allowed)
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "This field cannot be changed here."))
    for name, value in data.items():
        setattr(member, name, value)
    audited_save(member, user=actor, reason="member profile edited", clean=True)
    return member


@transaction.atomic
def contact_create(*, member: Member, actor: AbstractBaseUser, data: Mapping[str, Any]) -> Contact:
    contact = Contact(member=member, **data)
    audited_save(contact, user=actor, reason="contact added", clean=True)
    return contact


@transaction.atomic
def contact_update(
    *, contact: Contact, actor: AbstractBaseUser, data: Mapping[str, Any]
) -> Contact:
    for name, value in data.items():
        if name == "member":
            raise ValidationError({"member": "A contact cannot move to another member."})
        setattr(contact, name, value)
    audited_save(contact, user=actor, reason="contact edited", clean=True)
    return contact


@transaction.atomic
def role_grant(*, username: str, role: str, member_code: str = "") -> str:
    """Give a user a role; officers need a member. Returns a sentence saying what was done."""
    if role not in ROLES:
        raise ValidationError(f"Unknown role {role!r}; choose one of: {', '.join(ROLES)}.")
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise ValidationError(f"No user named {username!r}.")
    if role == "officer":
        if not member_code:
            raise ValidationError("An officer needs a member: add --member CODE.")
        member = Member.objects.filter(code=member_code).first()
        if member is None:
            raise ValidationError(f"No member with code {member_code!r}.")
        assignment, created = OfficerAssignment.objects.get_or_create(user=user, member=member)
        verb = "is now" if created else "was already"
        return f"{username} {verb} an officer of {member.name}."
    if member_code:
        raise ValidationError(f"The role {role!r} is not scoped to a member: drop --member.")
    if role == "administrator":
        already = user.is_superuser
        user.is_staff = True
        user.is_superuser = True
        user.save(update_fields=["is_staff", "is_superuser"])
        return f"{username} {'was already' if already else 'is now'} an administrator."
    groups = ensure_groups()
    group = groups[SECRETARIAT if role == SECRETARIAT else BOARD]
    already = user.groups.filter(pk=group.pk).exists()
    user.groups.add(group)
    if role == SECRETARIAT and not user.is_staff:
        # Secretariat staff work in the Django admin too.
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    return f"{username} {'was already' if already else 'is now'} in the {role} role."
