"""Writes of the award: submissions (with the eligibility check and their documents), conflicts
of interest, scores, the rubric (weights sum to 100), the staff's shortlist and winners, and
publishing the winners as Exchange solutions. The pages, the admin and the API all come here,
so a juror cannot score a conflicted submission by any path. Every write is atomic and leaves a
simple-history revision naming the user."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from metroscope.awards import access, analytics
from metroscope.awards.models import (
    SCORE_MAX,
    SCORE_MIN,
    Conflict,
    Criterion,
    Document,
    Edition,
    EditionStatus,
    Juror,
    Score,
    Submission,
)
from metroscope.core import attachments
from metroscope.core.audit import audited_delete, audited_save
from metroscope.exchange import services as exchange
from metroscope.exchange.models import Collection as ExchangeCollection
from metroscope.members.models import Member

REQUIRED = ("title", "description", "impact")
MAX_DOCUMENTS = 10
COLLECTION = "guangzhou-award"


def call_open(edition: Edition, today: Any = None) -> bool:
    """The call is open and today is inside its dates."""
    today = today or timezone.localdate()
    return bool(
        edition.status == EditionStatus.OPEN
        and edition.opens_on is not None
        and edition.closes_on is not None
        and edition.opens_on <= today <= edition.closes_on
    )


def eligibility_problems(
    *, edition: Edition, member: Member, data: Mapping[str, str], today: Any = None
) -> dict[str, list[str]]:
    """The stated rules, each failure under the field it concerns: the call is open and today
    is inside its dates; the initiative, description and impact are given; one submission per
    city (member) per edition."""
    problems: dict[str, list[str]] = {}
    if not call_open(edition, today):
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


def _checked_documents(uploads: Sequence[Any]) -> list[tuple[Any, attachments.CheckedFile]]:
    """Each file checked by its content as core.attachments checks any (images and PDF only,
    size-capped); every refusal under `documents`, naming the file."""
    if len(uploads) > MAX_DOCUMENTS:
        raise ValidationError(
            {"documents": _("At most %(count)s documents.") % {"count": MAX_DOCUMENTS}}
        )
    checked, problems = [], []
    for upload in uploads:
        try:
            checked.append((upload, attachments.check_upload(upload)))
        except ValidationError as exc:
            problems.extend(exc.messages)
    if problems:
        raise ValidationError({"documents": problems})
    return checked


def _document_store(
    submission: Submission, upload: Any, checked: attachments.CheckedFile, user: Any
) -> Document:
    document = Document(
        submission=submission,
        name=attachments.display_name(upload, checked),
        content_type=checked.content_type,
        size=upload.size,
    )
    attachments.store(
        document,
        upload,
        checked,
        lambda: audited_save(document, user=user, reason="document added", clean=True),
    )
    return document


@transaction.atomic
def submission_create(
    *,
    user: Any,
    edition: Edition,
    member: Member,
    data: Mapping[str, str],
    documents: Sequence[Any] = (),
) -> Submission:
    """A member's submission with its documents, all or nothing."""
    if not access.can_submit_for_member(user, member.pk):
        raise PermissionDenied(_("You may submit only for the members you are an officer of."))
    Edition.objects.select_for_update().filter(pk=edition.pk).first()
    problems = eligibility_problems(edition=edition, member=member, data=data)
    try:
        checked = _checked_documents(documents)
    except ValidationError as exc:
        problems.update(exc.message_dict)
        checked = []
    if problems:
        raise ValidationError(problems)
    submission = Submission(
        edition=edition,
        member=member,
        submitted_by=user,
        **{name: str(data[name]).strip() for name in REQUIRED},
    )
    audited_save(submission, user=user, reason="submission made", clean=True)
    _documents_store(submission, checked, user)
    return submission


def _documents_store(
    submission: Submission, checked: Sequence[tuple[Any, attachments.CheckedFile]], user: Any
) -> list[Document]:
    """All the checked files or none: when one fails, those stored before it are removed."""
    stored: list[Document] = []
    try:
        for upload, found in checked:
            stored.append(_document_store(submission, upload, found, user))
    except Exception:
        for document in stored:
            document.file.storage.delete(document.file.name)
        raise
    return stored


@transaction.atomic
def documents_add(*, user: Any, submission: Submission, documents: Sequence[Any]) -> list[Document]:
    """More documents for a submission, by the rules of the submission page: an officer of
    its member, while the edition's call is open, at most MAX_DOCUMENTS in all, each checked
    by its content; all or nothing, every refusal under the field it concerns."""
    if not access.can_submit_for_member(user, submission.member_id):
        raise PermissionDenied(
            _("Only the officers of %(member)s add documents to its submission.")
            % {"member": submission.member.name}
        )
    edition = Edition.objects.select_for_update().get(pk=submission.edition_id)
    problems: dict[str, list[str]] = {}
    if not call_open(edition):
        problems["__all__"] = [
            _("The call of this edition is closed: its submissions no longer change.")
        ]
    if not documents:
        problems["documents"] = [_("Send at least one image or PDF document.")]
    already = submission.documents.count()
    if already + len(documents) > MAX_DOCUMENTS:
        problems.setdefault("documents", []).append(
            _("A submission has at most %(count)s documents; this one has %(already)s.")
            % {"count": MAX_DOCUMENTS, "already": already}
        )
    checked: list[tuple[Any, attachments.CheckedFile]] = []
    if not problems.get("documents"):
        try:
            checked = _checked_documents(documents)
        except ValidationError as exc:
            problems.update(exc.message_dict)
    if problems:
        raise ValidationError(problems)
    return _documents_store(submission, checked, user)


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
    audited_save(conflict, user=user, reason="conflict declared", clean=True)
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
            audited_save(score, user=user, reason="score recorded", clean=True)
        saved.append(score)
    return saved


# --- staff: rubric, shortlist, winners ---------------------------------------------------------


def _require_staff(user: Any) -> None:
    if not access.can_manage_award(user):
        raise PermissionDenied(_("Only the Secretariat sets up the award and chooses winners."))


@dataclass(frozen=True)
class CriterionRow:
    name: str
    weight: int


def rubric_problems(rows: Sequence[CriterionRow]) -> dict[str, list[str]]:
    """Every criterion named, every weight positive, the weights summing to 100."""
    problems: dict[str, list[str]] = {}
    if any(not row.name.strip() for row in rows):
        problems["name"] = [_("Every criterion needs a name.")]
    weights = analytics.weights_problems([row.weight for row in rows])
    if weights:
        problems["__all__"] = weights
    return problems


@transaction.atomic
def rubric_save(*, user: Any, edition: Edition, rows: Sequence[CriterionRow]) -> list[Criterion]:
    """Replace the edition's rubric by `rows`, in their order. Refused once a juror has scored
    (the sheets would no longer match) or when the weights do not sum to 100."""
    _require_staff(user)
    Edition.objects.select_for_update().filter(pk=edition.pk).first()
    if Score.objects.filter(submission__edition=edition).exists():
        raise ValidationError(
            _("The jury has started scoring: the rubric of this edition can no longer change.")
        )
    problems = rubric_problems(rows)
    if problems:
        raise ValidationError(problems)
    existing = list(edition.criteria.all())
    saved = []
    for order, row in enumerate(rows):
        criterion = existing[order] if order < len(existing) else Criterion(edition=edition)
        wanted = (row.name.strip(), row.weight, order)
        if criterion.pk is None or (criterion.name, criterion.weight, criterion.order) != wanted:
            criterion.name, criterion.weight, criterion.order = row.name.strip(), row.weight, order
            audited_save(criterion, user=user, reason="rubric saved", clean=True)
        saved.append(criterion)
    for criterion in existing[len(rows) :]:
        audited_delete(criterion, user=user)
    return saved


@transaction.atomic
def selection_save(
    *, user: Any, edition: Edition, shortlisted: Collection[int], winners: Collection[int]
) -> None:
    """The staff's shortlist and winners among the edition's submissions: a winner is on the
    shortlist; nothing changes once the winners are published."""
    _require_staff(user)
    edition = Edition.objects.select_for_update().get(pk=edition.pk)
    if edition.status == EditionStatus.PUBLISHED:
        raise ValidationError(_("The winners of this edition are published: the choice is made."))
    ids = set(edition.submissions.values_list("pk", flat=True))
    if not set(shortlisted) <= ids or not set(winners) <= ids:
        raise ValidationError(_("Some submissions are not of this edition."))
    outside = set(winners) - set(shortlisted)
    if outside:
        titles = Submission.objects.filter(pk__in=outside).values_list("title", flat=True)
        raise ValidationError(
            {
                "winners": [
                    _("A winner must be shortlisted first: %(titles)s.")
                    % {"titles": ", ".join(sorted(titles))}
                ]
            }
        )
    for submission in edition.submissions.all():
        chosen = (submission.pk in shortlisted, submission.pk in winners)
        if (submission.shortlisted, submission.winner) != chosen:
            submission.shortlisted, submission.winner = chosen
            audited_save(submission, user=user, reason="selection saved", clean=True)


def _summary(text: str) -> str:
    first = text.strip().split("\n\n", 1)[0].strip()
    return first if len(first) <= 500 else first[:499].rstrip() + "…"


@transaction.atomic
def winners_publish(*, user: Any, edition: Edition) -> list[Submission]:
    """Publish the edition's winners: each becomes a published solution of the exchange's
    Guangzhou Award collection (through the exchange's own services, so it is reviewed,
    indexed and kept in history like any other), linked from the submission; the edition's
    status becomes "Winners published"."""
    _require_staff(user)
    edition = Edition.objects.select_for_update().get(pk=edition.pk)
    if edition.status != EditionStatus.JUDGING:
        raise ValidationError(_("Winners are published once, at the end of the jury's work."))
    winners = list(
        edition.submissions.filter(winner=True).select_related("member__country").order_by("pk")
    )
    if not winners:
        raise ValidationError(_("Choose at least one winner before publishing."))
    collection = ExchangeCollection.objects.filter(code=COLLECTION).first()
    if collection is None:
        raise ValidationError(
            _("The exchange has no Guangzhou Award collection: load the open data first.")
        )
    for submission in winners:
        solution = exchange.solution_create(
            user=user,
            data={
                "title": submission.title,
                "summary": _summary(submission.description),
                "description": submission.description,
                "results": submission.impact,
                "city": submission.member.name,
                "country_iso3": submission.member.country.iso3,
                "collection": collection,
                "members": [submission.member],
            },
        )
        exchange.solution_submit(user=user, solution=solution)
        comment = _("Winner of the Guangzhou Award %(year)s.") % {"year": edition.year}
        exchange.solution_publish(user=user, solution=solution, comment=comment)
        submission.solution = solution
        audited_save(submission, user=user, reason="winner published", clean=True)
    edition.status = EditionStatus.PUBLISHED
    audited_save(edition, user=user, reason="winners published", clean=True)
    return winners
