"""Who sees what of an expert. Rule: the directory is for signed-in users only (the public
sees nothing personal); email and phone only for the Secretariat and members' officers."""

from __future__ import annotations

from typing import Any

from metroscope.core.roles import is_secretariat


def can_see_expert_contacts(user: Any) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if is_secretariat(user):
        return True
    return bool(user.officer_assignments.exists())
