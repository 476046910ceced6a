"""Who sees and does what on the accountability pages."""

from __future__ import annotations

from typing import Any

from metroscope.core.roles import is_board, is_secretariat
from metroscope.members.models import Member


def can_view_people_records(user: Any) -> bool:
    """Participants and speakers by name, for every member: the Secretariat only (an officer
    sees their own member's through people_members_visible_to)."""
    return bool(is_secretariat(user))


def people_members_visible_to(user: Any) -> set[int] | None:
    """Whose participation, member by member, a user reads: None for every member's (the
    Secretariat, the Board); else the set of their own members (an officer), empty for none."""
    if is_secretariat(user):
        return None
    if is_board(user):
        return None
    if not user.is_authenticated:
        return set()
    return set(Member.objects.filter(officers__user=user).values_list("pk", flat=True))


def can_view_risks(user: Any) -> bool:
    """The risk register and the policies: the Board and the Secretariat (others: refused)."""
    if is_secretariat(user):
        return True
    return bool(is_board(user))


def can_edit_registers(user: Any) -> bool:
    """Only the Secretariat records participants, risks and policies."""
    return bool(is_secretariat(user))


def can_view_staff_names(user: Any) -> bool:
    """The names of the staff responsible for activities: the Secretariat and the Board."""
    if is_secretariat(user):
        return True
    return bool(is_board(user))


def can_edit_activities(user: Any) -> bool:
    """Only the Secretariat records activities, work plans and results."""
    return bool(is_secretariat(user))


def can_view_member_fees(user: Any) -> bool:
    """Which member paid what: the Secretariat and the Board (the public sees totals)."""
    if is_secretariat(user):
        return True
    return bool(is_board(user))


def can_view_expense_lines(user: Any) -> bool:
    """Expense lines with suppliers and document references: the Secretariat only."""
    return bool(is_secretariat(user))


def can_view_board_report(user: Any) -> bool:
    """The Board report (page and PDF): the Secretariat, which writes it, and the Board."""
    if is_secretariat(user):
        return True
    return bool(is_board(user))


def can_export_accounts(user: Any) -> bool:
    """The auditors' export lists suppliers and document references: the Secretariat only."""
    return bool(is_secretariat(user))
