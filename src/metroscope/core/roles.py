"""Roles that know no domain: secretariat staff, board members, administrators; and the one
gate for views that only some people may open.

Member officers are scoped to members, so their rules live in the members app. Each app's
`access.py` builds its `can_<verb>_<thing>()` predicates on these roles; views, APIs,
templates and services ask those, never a role or `has_perm` directly.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

import rules
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

SECRETARIAT = "secretariat"
BOARD = "board"
GROUP_ROLES = (SECRETARIAT, BOARD)
ROLES = ("officer", SECRETARIAT, BOARD, "administrator")

View = TypeVar("View", bound=Callable[..., Any])


@rules.predicate
def is_administrator(user: Any) -> bool:
    return bool(user.is_active and user.is_superuser)


@rules.predicate
def is_secretariat(user: Any) -> bool:
    """Secretariat staff: active members of the group, and active superusers. False for
    anonymous and inactive users (no query for either)."""
    if not user.is_active:
        return False
    if user.is_superuser:
        return True
    return user.groups.filter(name=SECRETARIAT).exists()


@rules.predicate
def is_board(user: Any) -> bool:
    return bool(user.is_active) and user.groups.filter(name=BOARD).exists()


def requires(test: Callable[[Any], bool]) -> Callable[[View], View]:
    """A view only some signed-in people may open, `test(user)` saying who: an access.py
    predicate such as `can_review_values`, or `is_secretariat` for "Secretariat only".
    Anonymous visitors go to the sign-in page, as with `login_required`; a signed-in user the
    test refuses gets 403. The test runs before the view looks anything up, so a refused user
    learns nothing of what exists (403 on a missing object too, as the inline checks did)."""

    def decorator(view: View) -> View:
        @wraps(view)
        def gated(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if not test(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return cast(View, login_required(gated))

    return decorator


def ensure_groups() -> dict[str, Group]:
    """The role groups; the secretariat may use the back office on the apps settings name."""
    groups = {name: Group.objects.get_or_create(name=name)[0] for name in GROUP_ROLES}
    apps = settings.METROSCOPE_SECRETARIAT_APPS
    wanted = Permission.objects.filter(content_type__app_label__in=apps)
    groups[SECRETARIAT].permissions.add(*wanted)
    return groups
