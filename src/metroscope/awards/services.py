"""Writes of the award: submissions (with the eligibility check), conflicts of interest and
scores. The pages and the API both come here, so a juror cannot score a conflicted submission
by either path. Every write is atomic and leaves a simple-history revision naming the user."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from metroscope.awards.models import (
    SCORE_MAX,
    SCORE_MIN,
    Conflict,
    Edition,
    EditionStatus,
    Juror,
    Score,
    Submission,
)
from metroscope.members.models import Member

REQUIRED = ("title", "description", "impact")


def eligibility_problems(
    *, edition: Edition, member: Member, data: Mapping[str, str], today: Any = None
) -> dict[str, list[str]]:
    """The stated rules, each failure under the field it concerns: the call is open and today
    is inside its dates; the initiative, description and impact are given; one submission per
    city (member) per edition."""
    today = today or timezone.localdate()
    problems: dict[str, list[str]] = {}
    inside = (
        edition.status == EditionStatus.OPEN
        and edition.opens_on is not None
        and edition.closes_on is not None
        and edition.opens_on <= today <= edition.closes_on
    )
    if not inside:
        problems.setdefault("__all__", []).append(_("The call of this edition is not open today."))
    for name in REQUIRED:
        if not str(data.get(name) or "").strip():
            problems.setdefault(name, []).append(_("This field is required."))
    if Submission.objects.filter(edition=edition, member=member).exists():
        problems.setdefault("__all__", []).append(
            _("%(member)s has already submitted an initiative to this edition.")
            % {"member": member.name}
        )
    return problems


def _saved(obj: Any, user: Any, reason: str) -> None:
    obj._history_user = user
    obj._change_reason = reason
    obj.full_clean()
    obj.save()


@transaction.atomic
def submission_create(
    *, user: Any, edition: Edition, member: Member, data: Mapping[str, str]
) -> Submission:
    if not Member.objects.filter(pk=member.pk, officers__user=user).exists():
        raise PermissionDenied(_("You may submit only for the members you are an officer of."))
    Edition.objects.select_for_update().filter(pk=edition.pk).first()
    problems = eligibility_problems(edition=edition, member=member, data=data)
    if problems:
        raise ValidationError(problems)
    submission = Submission(
        edition=edition,
        member=member,
        submitted_by=user,
        **{name: str(data[name]).strip() for name in REQUIRED},
    )
    _saved(submission, user, "submission made")
    return submission


def assignments(juror: Juror) -> list[Submission]:
    """The submissions a juror scores: all of the edition's, less those they declared a
    conflict on."""
    conflicted = juror.conflicts.values_list("submission_id", flat=True)
    return list(
        Submission.objects.filter(edition=juror.edition)
        .exclude(pk__in=conflicted)
        .select_related("member")
    )


def _require_juror(user: Any, submission: Submission) -> Juror:
    juror = Juror.objects.filter(edition=submission.edition_id, user=user).first()
    if juror is None:
        raise PermissionDenied(_("Only the jurors of this edition score its submissions."))
    return juror


@transaction.atomic
def conflict_declare(*, user: Any, submission: Submission, reason: str) -> Conflict:
    juror = _require_juror(user, submission)
    if not reason.strip():
        raise ValidationError({"reason": _("Say what the conflict of interest is.")})
    if Score.objects.filter(juror=juror, submission=submission).exists():
        Score.objects.filter(juror=juror, submission=submission).delete()
    conflict = Conflict(juror=juror, submission=submission, reason=reason.strip())
    _saved(conflict, user, "conflict declared")
    return conflict


@transaction.atomic
def score_record(*, user: Any, submission: Submission, values: Mapping[int, int]) -> list[Score]:
    """A juror's full sheet for one submission (one score per criterion, 0–10). Refused when
    the juror declared a conflict of interest on it or the jury's work is over."""
    juror = _require_juror(user, submission)
    if Conflict.objects.filter(juror=juror, submission=submission).exists():
        raise PermissionDenied(
            _("You declared a conflict of interest on this submission: you may not score it.")
        )
    if submission.edition.status != EditionStatus.JUDGING:
        raise ValidationError(_("The jury scores only while the edition is being judged."))
    criteria = {c.pk: c for c in submission.edition.criteria.all()}
    problems: dict[str, list[str]] = {}
    for pk, criterion in criteria.items():
        value = values.get(pk)
        if value is None or not SCORE_MIN <= int(value) <= SCORE_MAX:
            problems[f"criterion_{pk}"] = [
                _("Give %(name)s a score from %(low)s to %(high)s.")
                % {"name": criterion.name, "low": SCORE_MIN, "high": SCORE_MAX}
            ]
    unknown = set(values) - set(criteria)
    if unknown:
        problems["__all__"] = [_("Some scores are for criteria of another edition.")]
    if problems:
        raise ValidationError(problems)
    saved = []
    for pk in criteria:
        score = Score.objects.filter(juror=juror, submission=submission, criterion_id=pk).first()
        score = score or Score(juror=juror, submission=submission, criterion_id=pk)
        if score.pk is None or score.value != int(values[pk]):
            score.value = int(values[pk])
            _saved(score, user, "score recorded")
        saved.append(score)
    return saved
