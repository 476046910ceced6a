"""Who sees and does what on the accountability pages."""

from __future__ import annotations

from typing import Any

from metroscope.core.roles import is_board, is_secretariat
from metroscope.members.models import Member


def access_people_records_for_user(user: Any) -> bool:
    """Participants and speakers by name, for every member: the Secretariat only (an officer
    sees their own member's through access_people_members_for_user)."""
    return bool(is_secretariat(user))


def access_people_members_for_user(user: Any) -> set[int] | None:
    """Whose participation, member by member, a user reads: None for every member's (the
    Secretariat, the Board); else the set of their own members (an officer), empty for none."""
    if is_secretariat(user):
        return None
    if is_board(user):
        return None
    if not user.is_authenticated:
        return set()
    return set(Member.objects.filter(officers__user=user).values_list("pk", flat=True))


def access_risks_for_user(user: Any) -> bool:
    """The risk register and the policies: the Board and the Secretariat (others: refused)."""
    if is_secretariat(user):
        return True
    return bool(is_board(user))


def access_registers_edit_for_user(user: Any) -> bool:
    """Only the Secretariat records participants, risks and policies."""
    return bool(is_secretariat(user))


def access_staff_names_for_user(user: Any) -> bool:
    """The names of the staff responsible for activities: the Secretariat and the Board."""
    if is_secretariat(user):
        return True
    return bool(is_board(user))


def access_activity_edit_for_user(user: Any) -> bool:
    """Only the Secretariat records activities, work plans and results."""
    return bool(is_secretariat(user))


def access_member_fees_for_user(user: Any) -> bool:
    """Which member paid what: the Secretariat and the Board (the public sees totals)."""
    if is_secretariat(user):
        return True
    return bool(is_board(user))


def access_expense_lines_for_user(user: Any) -> bool:
    """Expense lines with suppliers and document references: the Secretariat only."""
    return bool(is_secretariat(user))


def access_board_report_for_user(user: Any) -> bool:
    """The Board report (page and PDF): the Secretariat, which writes it, and the Board."""
    if is_secretariat(user):
        return True
    return bool(is_board(user))


def access_accounts_export_for_user(user: Any) -> bool:
    """The auditors' export lists suppliers and document references: the Secretariat only."""
    return bool(is_secretariat(user))
