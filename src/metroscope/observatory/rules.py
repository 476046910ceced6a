"""Who may write observations: secretariat staff for every metro, a member's officer for the
metros where that member operates. Review and publication are for the secretariat only."""

from __future__ import annotations

from typing import Any

import rules

from metroscope.core.roles import is_secretariat
from metroscope.observatory.models import Metro


@rules.predicate
def is_officer_in_metro(user: Any, metro: Metro | None) -> bool:
    if metro is None or not user.is_authenticated or not user.is_active:
        return False
    return metro.memberships.filter(member__officers__user=user).exists()


@rules.predicate
def is_any_officer(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_active and user.officer_assignments.exists())


rules.add_perm("observatory.enter_values", is_secretariat | is_officer_in_metro)
rules.add_perm("observatory.upload_values", is_secretariat | is_any_officer)
rules.add_perm("observatory.review_values", is_secretariat)
rules.add_perm("observatory.view_unpublished", is_secretariat)
