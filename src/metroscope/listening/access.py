"""The only paths from a request to the listening app's member-scoped objects."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from metroscope.core.roles import is_secretariat
from metroscope.listening.audience import audience_members
from metroscope.listening.models import SupportRequest, Survey
from metroscope.members.models import Member


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
    if is_secretariat(user):
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
    if not is_secretariat(user):
        raise PermissionDenied
    return access_request(user, pk)


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


def can_see_answers(user: Any) -> bool:
    return bool(user.is_authenticated and is_secretariat(user))
