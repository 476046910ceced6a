"""Who may do what in the exchange.

Solutions: an officer drafts for their own member(s) and edits a solution while it is a draft
or sent back for changes, if they wrote it or are an officer of one of its members; secretariat
staff edit any solution at any time, name any member behind it and review them all. A
published solution is for everyone; any other one only for those who may work on it (everyone
else is answered 404, as if it did not exist). A solution's contact person is shown to
signed-in members of the network.

Needs and introductions: the Secretariat acts for every member, an officer for their own
members; signed-in users see the open needs and all of their own members' needs.
"""

from __future__ import annotations

from typing import Any

import rules
from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from metroscope.core.roles import is_secretariat
from metroscope.exchange.models import (
    IntroductionRequest,
    Need,
    NeedStatus,
    Solution,
    SolutionStatus,
)
from metroscope.members.models import Member

OPEN_FOR_EDITING = frozenset({SolutionStatus.DRAFT, SolutionStatus.CHANGES_REQUESTED})


# --- predicates (django-rules, so they compose and serve the registry below) --------------------


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

_review_solutions = is_secretariat
_submit_solution = _review_solutions | is_member_officer
_edit_solution = is_secretariat | (works_on_solution & is_open_for_editing)
_view_solution = is_published | works_on_solution | is_secretariat
_work_on_solution = is_secretariat | works_on_solution


# --- solutions ---------------------------------------------------------------------------------


def can_submit_solutions(user: Any) -> bool:
    """Write new solutions (as drafts, then submit them): members' officers and the
    Secretariat."""
    return _submit_solution.test(user)


def can_edit_solution(user: Any, solution: Solution) -> bool:
    """Change it, its files, and submit it: staff always; its author and its members' officers
    while it is a draft or sent back for changes."""
    return _edit_solution.test(user, solution)


def can_review_solutions(user: Any) -> bool:
    """The review queue: publish, ask for changes, reject, archive."""
    return _review_solutions.test(user)


def can_submit_and_review_solutions(user: Any) -> tuple[bool, bool]:
    """(can_submit_solutions, can_review_solutions) in two queries at most, for the navigation
    on every exchange page: whoever reviews may also submit, so the role is asked once."""
    review = can_review_solutions(user)
    return review or is_member_officer.test(user), review


def can_view_solution(user: Any, solution: Solution) -> bool:
    """Published: anyone; otherwise its author, the officers of its members and staff."""
    return _view_solution.test(user, solution)


def can_work_on_solution(user: Any, solution: Solution) -> bool:
    """Follow it and act on it whatever its status: its author, the officers of its members
    and staff (what they may do now is `can_edit_solution` and services.allowed_actions)."""
    return _work_on_solution.test(user, solution)


def can_choose_any_member(user: Any) -> bool:
    """Name any member behind a solution; an officer names only their own members."""
    return bool(is_secretariat(user))


def can_see_solution_contacts(user: Any) -> bool:
    """Signed-in officers of a member and secretariat staff: the network, not the public."""
    if not _signed_in(user):
        return False
    if user.officer_assignments.exists():
        return True
    return bool(is_secretariat(user))


def access_solution_for_reading(user: Any, slug: str, queryset: QuerySet[Solution]) -> Solution:
    """The solution of that address from `queryset` (its joins done), if the user may read it."""
    solution = queryset.filter(slug=slug).first()
    if solution is None or not can_view_solution(user, solution):
        raise Http404
    return solution


def access_solution_for_work(user: Any, slug: str) -> Solution:
    """The solution if this user works on it (author, officer of a member, staff); else 404,
    as if it did not exist."""
    solution: Solution = get_object_or_404(
        Solution.objects.select_related("collection", "author"), slug=slug
    )
    if not can_work_on_solution(user, solution):
        raise Http404
    return solution


# --- needs and introductions -------------------------------------------------------------------


def members_acted_for(user: Any) -> QuerySet[Member]:
    """The members a user may record needs and ask introductions for: all for the
    Secretariat, else those they are an officer of."""
    if not user.is_authenticated:
        return Member.objects.none()
    if is_secretariat(user):
        return Member.objects.all()
    return Member.objects.filter(officers__user=user)


def can_act_for_member(user: Any, member: Member) -> bool:
    return members_acted_for(user).filter(pk=member.pk).exists()


def visible_needs(user: Any) -> QuerySet[Need]:
    """Needs are shared within the network: signed-in users see the open ones, and their
    own members' needs whatever their status."""
    if not user.is_authenticated:
        return Need.objects.none()
    qs = Need.objects.select_related("member")
    if is_secretariat(user):
        return qs
    return qs.filter(Q(status=NeedStatus.OPEN) | Q(member__in=members_acted_for(user))).distinct()


def visible_introductions(user: Any) -> QuerySet[IntroductionRequest]:
    qs = IntroductionRequest.objects.select_related(
        "from_member", "to_member", "solution", "need", "requested_by"
    )
    if not user.is_authenticated:
        return qs.none()
    if is_secretariat(user):
        return qs
    mine = members_acted_for(user)
    return qs.filter(Q(from_member__in=mine) | Q(to_member__in=mine)).distinct()


# The solution rules under their permission names, for `user.has_perm` outside Metroscope's code
# (the admin, a shell); Metroscope itself asks the functions above.
rules.add_perm("exchange.submit_solution", _submit_solution)
rules.add_perm("exchange.edit_solution", _edit_solution)
rules.add_perm("exchange.review_solutions", _review_solutions)
rules.add_perm("exchange.view_solution", _view_solution)
