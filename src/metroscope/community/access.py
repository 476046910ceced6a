"""Who sees what. Experts: the directory is for signed-in users only (the public sees
nothing personal); email and phone only for the Secretariat and members' officers.
Engagement: a member's own page for the Secretariat and its officers; the network view for
the Secretariat. Groups: see the rule further down."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from metroscope.community.models import Group, GroupVisibility, Membership
from metroscope.core.roles import is_secretariat
from metroscope.members.access import is_officer_of_member
from metroscope.members.models import Contact, Member


def can_see_expert_contacts(user: Any) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if is_secretariat(user):
        return True
    return bool(user.officer_assignments.exists())


# --- groups ------------------------------------------------------------------------------------
# Rule: everyone sees the name and description of public groups; a private group exists only
# for its members and the Secretariat (404 for others). Inside any group — member list,
# documents, thread — only its members (signed-in users in its member list) and the
# Secretariat; others get 403 on a public group, 404 on a private one. Staff create groups and
# manage every group's members and meetings; a coordinator manages those of their own group.


def _signed_in(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_active)


def can_manage_groups(user: Any) -> bool:
    """Create groups, and see and manage every group: the Secretariat."""
    return _signed_in(user) and is_secretariat(user)


def visible_groups(user: Any) -> QuerySet[Group]:
    groups = Group.objects.select_related("program")
    if can_manage_groups(user):
        return groups
    public = Q(visibility=GroupVisibility.PUBLIC)
    if not _signed_in(user):
        return groups.filter(public)
    return groups.filter(public | Q(memberships__user=user)).distinct()


def membership_of(user: Any, group: Group) -> Membership | None:
    if not _signed_in(user):
        return None
    return group.memberships.filter(user=user).first()


@dataclass(frozen=True)
class GroupAccess:
    """What one user may do in one group, worked out once per request."""

    group: Group
    membership: Membership | None
    staff: bool

    @property
    def inside(self) -> bool:
        """Members and staff read the member list, the documents and the thread, and write."""
        return self.staff or self.membership is not None

    @property
    def manages(self) -> bool:
        return self.staff or (self.membership is not None and self.membership.is_coordinator)


def access_group(user: Any, pk: int) -> GroupAccess:
    """The group and the user's rights in it; 404 when the user may not know it exists."""
    group = visible_groups(user).filter(pk=pk).first()
    if group is None:
        raise Http404
    return rights(user, group)


def rights(user: Any, group: Group) -> GroupAccess:
    return GroupAccess(group, membership_of(user, group), can_manage_groups(user))


def access_inside(user: Any, pk: int) -> GroupAccess:
    """As access_group, and PermissionDenied unless the user is a member or staff."""
    found = access_group(user, pk)
    if not found.inside:
        raise PermissionDenied(_("Only the group's members and the Secretariat may do this."))
    return found


def access_managed(user: Any, pk: int) -> GroupAccess:
    found = access_group(user, pk)
    if not found.manages:
        raise PermissionDenied(_("Only the group's coordinators and the Secretariat may do this."))
    return found


def contacts_to_add(user: Any) -> QuerySet[Contact]:
    """The contacts a group's manager may put in a group, which shows them to every member of
    the group: the Secretariat, every active contact; anyone else, only the active contacts of
    the members they are an officer of (a coordinator with no officer role, none). Contacts are
    personal data that only the Secretariat and a member's own officers see."""
    contacts = Contact.objects.filter(active=True).select_related("member")
    if can_manage_groups(user):
        return contacts
    if not _signed_in(user):
        return contacts.none()
    return contacts.filter(member__officers__user=user).distinct()


def can_add_users_by_name(user: Any) -> bool:
    """Adding a signed-in user by user name: the Secretariat only, who see every account in the
    back office anyway. A coordinator could otherwise learn, one guess at a time, which user
    names exist (and read them in the member list); she adds members' contacts, and asks the
    Secretariat for a user."""
    return can_manage_groups(user)


# --- engagement ---------------------------------------------------------------------------------


def can_view_member_engagement(user: Any, member: Member) -> bool:
    """A member's engagement: the Secretariat, and that member's own officers."""
    return bool(is_secretariat(user) or is_officer_of_member(user, member))


def can_view_network_engagement(user: Any) -> bool:
    """Who has not been engaged lately, across the network: the Secretariat only."""
    return bool(user.is_authenticated and is_secretariat(user))
