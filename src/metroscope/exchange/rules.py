"""Who may write solutions (django-rules). An officer drafts for their own member(s) and edits
a solution while it is a draft or sent back for changes, if they wrote it or are an officer of
one of its members; secretariat staff edit any solution at any time and review them all. A
published solution is for everyone; any other one only for those who may work on it."""

from __future__ import annotations

from typing import Any

import rules

from metroscope.core.roles import is_secretariat
from metroscope.exchange.models import Solution, SolutionStatus

OPEN_FOR_EDITING = frozenset({SolutionStatus.DRAFT, SolutionStatus.CHANGES_REQUESTED})


def _signed_in(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_active)


@rules.predicate
def is_member_officer(user: Any) -> bool:
    return _signed_in(user) and user.officer_assignments.exists()


@rules.predicate
def is_solution_author(user: Any, solution: Solution | None) -> bool:
    if solution is None or not _signed_in(user):
        return False
    return solution.author_id is not None and solution.author_id == user.pk


@rules.predicate
def is_officer_of_solution_member(user: Any, solution: Solution | None) -> bool:
    if solution is None or solution.pk is None or not _signed_in(user):
        return False
    return solution.members.filter(officers__user=user).exists()


@rules.predicate
def is_open_for_editing(user: Any, solution: Solution | None) -> bool:
    return solution is not None and solution.status in OPEN_FOR_EDITING


@rules.predicate
def is_published(user: Any, solution: Solution | None) -> bool:
    return solution is not None and solution.status == SolutionStatus.PUBLISHED


works_on_solution = is_solution_author | is_officer_of_solution_member

rules.add_perm("exchange.submit_solution", is_secretariat | is_member_officer)
rules.add_perm("exchange.edit_solution", is_secretariat | (works_on_solution & is_open_for_editing))
rules.add_perm("exchange.review_solutions", is_secretariat)
rules.add_perm("exchange.view_solution", is_published | works_on_solution | is_secretariat)
