"""Who sees what. Experts: the directory is for signed-in users only (the public sees
nothing personal); email and phone only for the Secretariat and members' officers.
Engagement: a member's own page for the Secretariat and its officers; the network view for
the Secretariat."""

from __future__ import annotations

from typing import Any

from metroscope.core.roles import is_secretariat
from metroscope.members.models import Member
from metroscope.members.rules import is_officer_of_member


def can_see_expert_contacts(user: Any) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if is_secretariat(user):
        return True
    return bool(user.officer_assignments.exists())


def can_view_member_engagement(user: Any, member: Member) -> bool:
    """A member's engagement: the Secretariat, and that member's own officers."""
    return bool(is_secretariat(user) or is_officer_of_member(user, member))


def can_view_network_engagement(user: Any) -> bool:
    """Who has not been engaged lately, across the network: the Secretariat only."""
    return bool(user.is_authenticated and is_secretariat(user))
