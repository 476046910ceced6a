"""Who a survey is for: every member (its officers answer) or the members' contacts,
filtered by region, role category and language; and who of them has answered."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from metroscope.listening.models import Audience, Survey
from metroscope.members.models import Contact, Member, OfficerAssignment


def audience_members(survey: Survey) -> QuerySet[Member]:
    members = Member.objects.select_related("country__region")
    regions = list(survey.audience_regions.values_list("pk", flat=True))
    if regions:
        members = members.filter(country__region__in=regions)
    return members


def audience_contacts(survey: Survey) -> QuerySet[Contact]:
    """Active contacts with an e-mail address (the invitation is how they answer)."""
    contacts = (
        Contact.objects.filter(active=True, member__in=audience_members(survey))
        .exclude(email="")
        .select_related("member__country__region")
    )
    if survey.audience_roles:
        contacts = contacts.filter(role_category__in=survey.audience_roles)
    if survey.audience_languages:
        contacts = contacts.filter(language__in=survey.audience_languages)
    return contacts


def member_officers(members: QuerySet[Member]) -> list[tuple[Member, Any]]:
    """(member, officer) pairs of active officers with an e-mail address."""
    assignments = (
        OfficerAssignment.objects.filter(member__in=members, user__is_active=True)
        .exclude(user__email="")
        .select_related("member", "user")
        .order_by("member__name", "user_id")
    )
    return [(a.member, a.user) for a in assignments]


def answered_units(survey: Survey) -> set[int]:
    """Ids of the members (per-member survey) or contacts (per-contact) that answered."""
    field = "contact_id" if survey.audience == Audience.CONTACT else "member_id"
    return set(survey.responses.values_list(field, flat=True))
