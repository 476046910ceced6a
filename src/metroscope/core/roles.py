"""Roles that know no domain: secretariat staff, board members, administrators.

Member officers are scoped to members, so their rules live in the members app.
"""

from __future__ import annotations

from typing import Any

import rules
from django.conf import settings
from django.contrib.auth.models import Group, Permission

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
    """The role groups; the secretariat may use the back office on the apps settings name."""
    groups = {name: Group.objects.get_or_create(name=name)[0] for name in GROUP_ROLES}
    apps = settings.METROSCOPE_SECRETARIAT_APPS
    wanted = Permission.objects.filter(content_type__app_label__in=apps)
    groups[SECRETARIAT].permissions.add(*wanted)
    return groups


rules.add_perm("core.view_history", is_secretariat)
