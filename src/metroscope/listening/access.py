"""Who may do what in the listening app, and the only paths from a request to its
member-scoped objects. A member's officers ask the Secretariat for support and follow their
member's requests, and answer the surveys addressed to their member; the Secretariat's staff
read, answer, assign and close every request, and run the surveys (send, publish, read every
answer)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from metroscope.core.roles import is_secretariat
from metroscope.listening.audience import audience_members
from metroscope.listening.models import SupportRequest, Survey
from metroscope.members.models import Member


def can_manage_requests(user: Any) -> bool:
    """Read and answer every request, assign and close them, see the response times."""
    return bool(is_secretariat(user))


def can_manage_surveys(user: Any) -> bool:
    """Every survey, its answers and results; send its invitations, publish its results, tag
    its free-text answers."""
    return bool(is_secretariat(user))


def members_for(user: Any) -> QuerySet[Member]:
    """The members a user speaks for: those they are an officer of (staff: none of their own)."""
    if not user.is_authenticated:
        return Member.objects.none()
    return Member.objects.filter(officers__user=user).order_by("name")


def visible_requests(user: Any) -> QuerySet[SupportRequest]:
    qs = SupportRequest.objects.select_related(
        "member__country__region", "created_by", "assigned_to"
    )
    if not user.is_authenticated:
        return qs.none()
    if can_manage_requests(user):
        return qs
    return qs.filter(member__officers__user=user).distinct()


def access_request(user: Any, pk: int) -> SupportRequest:
    """A request the user may read: staff any; an officer their member's (404 otherwise, so
    others' requests do not even show they exist)."""
    found = visible_requests(user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def access_request_for_staff(user: Any, pk: int) -> SupportRequest:
    """As access_request, for staff only: 403 for anyone else, before any lookup."""
    if not can_manage_requests(user):
        raise PermissionDenied
    return access_request(user, pk)


def access_survey_for_staff(user: Any, pk: int) -> Survey:
    """A survey with its answers: 403 for anyone but staff, before any lookup; else 404."""
    if not can_manage_surveys(user):
        raise PermissionDenied
    survey: Survey = get_object_or_404(Survey, pk=pk)
    return survey


def access_member_for_answer(user: Any, survey: Survey, code: str | None = None) -> Member:
    """The member an officer answers a survey for, among theirs in the survey's audience (its
    regions); with several, `code` picks one."""
    members = members_for(user).filter(pk__in=audience_members(survey).values("pk"))
    if code:
        members = members.filter(code=code)
    member = members.first()
    if member is None:
        raise PermissionDenied(_("This survey is not addressed to your member."))
    return member
