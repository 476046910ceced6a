"""Roles that know no domain: secretariat staff, board members, administrators.

Member officers are scoped to members, so their rules live in the members app.
"""

from __future__ import annotations

from typing import Any

import rules
from django.contrib.auth.models import Group

SECRETARIAT = "secretariat"
BOARD = "board"
GROUP_ROLES = (SECRETARIAT, BOARD)
ROLES = ("officer", SECRETARIAT, BOARD, "administrator")


@rules.predicate
def is_administrator(user: Any) -> bool:
    return bool(user.is_active and user.is_superuser)


@rules.predicate
def is_secretariat(user: Any) -> bool:
    if not user.is_active:
        return False
    if user.is_superuser:
        return True
    return user.groups.filter(name=SECRETARIAT).exists()


@rules.predicate
def is_board(user: Any) -> bool:
    return bool(user.is_active) and user.groups.filter(name=BOARD).exists()


def ensure_groups() -> dict[str, Group]:
    return {name: Group.objects.get_or_create(name=name)[0] for name in GROUP_ROLES}


rules.add_perm("core.view_history", is_secretariat)
