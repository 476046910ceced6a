"""Who may use core's own pages: a record's history and the link to the back office."""

from __future__ import annotations

from typing import Any

import rules

from metroscope.core.roles import is_secretariat


def can_view_history(user: Any) -> bool:
    """A record's audit trail: the Secretariat."""
    return bool(is_secretariat(user))


def can_use_back_office(user: Any) -> bool:
    """Django's admin lets in staff-flagged users (the Secretariat's role sets the flag), so
    the link to it follows the flag, not the role."""
    return bool(user.is_staff)


# The rule under its permission name, for `user.has_perm` outside Metroscope's code (the admin,
# a shell); Metroscope itself asks the function above.
rules.add_perm("core.view_history", is_secretariat)
