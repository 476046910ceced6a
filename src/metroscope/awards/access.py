"""The only paths from a request to the award's private records. Editions and their results
are public. A member's officers see and make their own member's submissions; a juror reads and
scores the submissions of their edition except those they declared a conflict of interest on
(refused with a message, as the services refuse it); the Secretariat sees everything, sets up
the rubric, ranks and chooses winners."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from metroscope.awards.models import Conflict, Document, Edition, Juror, Submission
from metroscope.core.roles import is_secretariat
from metroscope.members.models import Member


def can_manage_award(user: Any) -> bool:
    """Set up the rubric, see every submission and the ranking, choose and publish winners:
    the Secretariat."""
    return bool(user.is_authenticated and is_secretariat(user))


def can_submit_for_member(user: Any, member_id: int) -> bool:
    """Submit an initiative for the member of this id, or add documents to its submission:
    its officers."""
    if not user.is_authenticated:
        return False
    return Member.objects.filter(pk=member_id, officers__user=user).exists()


def officer_members(user: Any) -> QuerySet[Member]:
    """The members this user is an officer of: the only ones they may submit for."""
    if not user.is_authenticated:
        return Member.objects.none()
    return Member.objects.filter(officers__user=user).distinct().order_by("name")


def visible_submissions(user: Any) -> QuerySet[Submission]:
    """Staff: all; an officer: their own members'; anyone else: none."""
    qs = Submission.objects.select_related("edition", "member").order_by("-edition__year", "pk")
    if not user.is_authenticated:
        return qs.none()
    if is_secretariat(user):
        return qs
    return qs.filter(member__officers__user=user).distinct()


def juror_seat(user: Any, edition: Edition) -> Juror | None:
    if not user.is_authenticated:
        return None
    return Juror.objects.filter(edition=edition, user=user).first()


def juror_seats(user: Any) -> QuerySet[Juror]:
    if not user.is_authenticated:
        return Juror.objects.none()
    return Juror.objects.filter(user=user).select_related("edition").order_by("-edition__year")


def require_juror(user: Any, edition: Edition) -> Juror:
    """The user's seat on the edition's jury; 404 for anyone else, as if there were none."""
    seat = juror_seat(user, edition)
    if seat is None:
        raise Http404
    return seat


class Conflicted(PermissionDenied):
    """The juror declared a conflict of interest on this submission."""


def submission_to_score(user: Any, pk: int) -> tuple[Juror, Submission]:
    """The submission and the juror's seat when they may score it: 404 when they are not on
    that edition's jury; `Conflicted` (403) when they declared a conflict of interest."""
    submission: Submission = get_object_or_404(
        Submission.objects.select_related("edition", "member"), pk=pk
    )
    seat = require_juror(user, submission.edition)
    if Conflict.objects.filter(juror=seat, submission=submission).exists():
        raise Conflicted(
            _("You declared a conflict of interest on this submission: you may not score it.")
        )
    return seat, submission


def can_read_submission(user: Any, submission: Submission) -> bool:
    """Staff, the member's officers and the edition's jurors not conflicted on it."""
    if not user.is_authenticated:
        return False
    if is_secretariat(user) or submission.member.officers.filter(user=user).exists():
        return True
    seat = juror_seat(user, submission.edition)
    return seat is not None and not seat.conflicts.filter(submission=submission).exists()


def document_to_read(user: Any, pk: int) -> Document:
    document: Document = get_object_or_404(
        Document.objects.select_related("submission__edition", "submission__member"), pk=pk
    )
    if not can_read_submission(user, document.submission):
        raise Http404
    return document
