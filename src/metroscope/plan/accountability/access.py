"""Who sees and does what on the accountability pages (writes happen in the admin for now)."""

from __future__ import annotations

from typing import Any

from metroscope.core.roles import is_board, is_secretariat


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
