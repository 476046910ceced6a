"""Who may write observations: secretariat staff for every metro, a member's officer for the
metros where that member operates. Review, publication and unpublished values are for the
secretariat only; changes proposed to a metro's published values are for the secretariat and
that metro's officers; published values are for everyone."""

from __future__ import annotations

from typing import Any

import rules

from metroscope.core import access as core_access
from metroscope.core.roles import is_secretariat
from metroscope.observatory.models import Metro

# --- predicates (django-rules, so they compose and serve the registry below) --------------------


@rules.predicate
def is_officer_in_metro(user: Any, metro: Metro | None) -> bool:
    if metro is None or not user.is_authenticated or not user.is_active:
        return False
    return metro.memberships.filter(relation="own", member__officers__user=user).exists()


@rules.predicate
def is_any_officer(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_active and user.officer_assignments.exists())


_enter_values = is_secretariat | is_officer_in_metro
_upload_values = is_secretariat | is_any_officer
_review_values = is_secretariat
_view_unpublished = is_secretariat
_view_proposals = is_secretariat | is_officer_in_metro


def can_enter_values(user: Any, metro: Metro) -> bool:
    """Values of this metro, typed in a form: the Secretariat and the officers of its members."""
    return _enter_values.test(user, metro)


def can_upload_values(user: Any) -> bool:
    """Values from a form or a file (for the metros services.allowed_metros gives): the
    Secretariat and any member's officer."""
    return _upload_values.test(user)


def can_review_values(user: Any) -> bool:
    """Validate and publish values, import them as published, enter them for any metro."""
    return _review_values.test(user)


def can_view_unpublished(user: Any) -> bool:
    """Provisional and validated values and their history."""
    return _view_unpublished.test(user)


def can_view_proposals(user: Any, metro: Metro) -> bool:
    """Changes proposed to this metro's published values, beside them: the Secretariat and
    the officers of its members (who may propose them)."""
    return _view_proposals.test(user, metro)


def can_follow_import(user: Any, job: Any) -> bool:
    """An import's page (its preview or its write): whoever may follow the job (its starter,
    the Secretariat) and the person who staged the file, when someone else confirmed it."""
    if core_access.can_view_job(user, job):
        return True
    return bool(user.is_authenticated and job.params.get("staged_by") == user.pk)


def can_confirm_import(user: Any, preview: Any) -> bool:
    """Writing a staged import: the person who staged it, or the Secretariat — never another
    officer, even of the same member."""
    if not can_upload_values(user):
        return False
    if is_secretariat(user):
        return True
    return bool(preview.params.get("staged_by") == user.pk)


# The same rules under their permission names, for `user.has_perm` outside Metroscope's code
# (the admin, a shell); Metroscope itself asks the functions above.
rules.add_perm("observatory.enter_values", _enter_values)
rules.add_perm("observatory.upload_values", _upload_values)
rules.add_perm("observatory.review_values", _review_values)
rules.add_perm("observatory.view_unpublished", _view_unpublished)
rules.add_perm("observatory.view_proposals", _view_proposals)
