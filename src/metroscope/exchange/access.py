"""Who may read what in the exchange: published solutions are public; any other status is seen
by its author, its members' officers and secretariat staff (everyone else is answered 404, as
if it did not exist); a solution's contact person is shown to signed-in members of the network."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from metroscope.core.roles import is_secretariat
from metroscope.exchange.models import Solution


def may_read_solution(user: Any, solution: Solution) -> bool:
    """The one rule (rules.py `exchange.view_solution`): published for anyone; otherwise its
    author, the officers of its members and secretariat staff."""
    return bool(user.has_perm("exchange.view_solution", solution))


def access_solution_for_reading(user: Any, slug: str, queryset: QuerySet[Solution]) -> Solution:
    """The solution of that address from `queryset` (its joins done), if the user may read it."""
    solution = queryset.filter(slug=slug).first()
    if solution is None or not may_read_solution(user, solution):
        raise Http404
    return solution


def may_see_contact(user: Any) -> bool:
    """Signed-in officers of a member and secretariat staff: the network, not the public."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.officer_assignments.exists():
        return True
    return bool(is_secretariat(user))
