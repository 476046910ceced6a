"""Write side of the Observatory for people: one value from a form or the API, and review.

Both go through the same checks and the same set-based writer as file imports, so a value
typed in a form obeys exactly the rules of a value in a file, and every change leaves a
revision with the old value.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from metroscope.observatory import access, emails
from metroscope.observatory.imports import ImportResult, observation_records_write
from metroscope.observatory.models import (
    WAITING_STATUSES,
    BatchKind,
    Decision,
    Flag,
    ImportBatch,
    Metro,
    Observation,
    ProposedValue,
    Status,
    split_flags,
)
from metroscope.observatory.parsing import RawRecord
from metroscope.observatory.writing import StagedRow, write_observations


@dataclass(frozen=True)
class ValueInput:
    metro: str
    indicator: str
    year: int
    value: float
    sex: str = "total"
    scale: str = "metro"
    source: str = ""
    note: str | None = None  # None: a value already held keeps its note


def allowed_metros(user: Any) -> set[int] | None:
    """None for secretariat staff (every metro), else the metros of the user's members."""
    if access.can_review_values(user):
        return None
    return set(
        Metro.objects.filter(
            memberships__relation="own", memberships__member__officers__user=user
        ).values_list("pk", flat=True)
    )


@transaction.atomic
def observation_enter(
    *, user: Any, values: Iterable[ValueInput], kind: str = BatchKind.FORM
) -> ImportResult:
    """Write values typed by a person. They start provisional until the secretariat reviews
    them. Raises PermissionDenied for someone who may not enter values at all, ImportRejected
    (writing nothing) for any problem, including a metro outside the officer's members."""
    if not access.can_upload_values(user):
        raise PermissionDenied
    records = [
        RawRecord(
            row=n,
            value_column="value",
            metro=v.metro,
            indicator=v.indicator,
            year=str(v.year),
            value=repr(float(v.value)),
            sex=v.sex,
            scale=v.scale,
            source=v.source,
            note=v.note,
        )
        for n, v in enumerate(values, start=1)
    ]
    return observation_records_write(
        user=user,
        records=records,
        status=Status.PROVISIONAL,
        allowed_metros=allowed_metros(user),
        kind=kind,
    )


REVIEW_STATUSES = (Status.VALIDATED, Status.PUBLISHED)
COMMENT_MAX = 2000


def _staged(observations: Iterable[Observation], status: str) -> Iterator[StagedRow]:
    return (
        StagedRow(
            n,
            o.metro_id,
            o.indicator_id,
            o.year,
            o.sex,
            o.value,
            o.scale,
            o.source_id,
            status,
            o.note,
            _reviewed_flags(o.flags, status),
        )
        for n, o in enumerate(observations, start=1)
    )


def _waiting(observation_ids: Iterable[int], status: str) -> list[Observation]:
    """The chosen values still waiting for review and not already in `status`, with whoever
    wrote them last (to hear of the review) and what the notices name."""
    return list(
        Observation.objects.filter(pk__in=list(observation_ids), status__in=WAITING_STATUSES)
        .exclude(status=status)
        .select_related("metro", "indicator", "updated_by")
        .order_by("metro__name", "indicator__order", "indicator__code", "year", "sex")
    )


@transaction.atomic
def observation_review(*, user: Any, observation_ids: Iterable[int], status: str) -> int:
    """Validate or publish values waiting for review (secretariat only). Returns how many
    changed status. The people who entered the values published hear of it (in the app and
    by e-mail); the review batch and each value's revision keep who did what, when."""
    if not access.can_review_values(user):
        raise PermissionDenied
    if status not in REVIEW_STATUSES:
        raise ValueError(f"status must be one of {', '.join(REVIEW_STATUSES)}")
    chosen = _waiting(observation_ids, status)
    batch = ImportBatch.objects.create(kind=BatchKind.REVIEW, user=user, status=status)
    counts = write_observations(_staged(chosen, status), batch=batch, user_id=user.pk)
    batch.rows, batch.updated = counts.rows, counts.updated
    batch.save()
    if status == Status.PUBLISHED:
        emails.notify_reviewed(emails.PUBLISHED, emails.by_author(chosen, user))
    return counts.updated


@transaction.atomic
def observation_return(*, user: Any, observation_ids: Iterable[int], comment: str) -> int:
    """Return values waiting for review to the people who entered them, with the
    Secretariat's comment (secretariat only); returns how many. The values stay unpublished,
    marked returned; the comment is the note of the review batch each value now points to,
    and each value's revision keeps its state before. Writing a value again (form, file or
    API) makes it provisional and puts it back in the queue. Raises ValueError, changing
    nothing, without a comment or without a value still waiting."""
    if not access.can_review_values(user):
        raise PermissionDenied
    comment = _review_comment(comment)
    chosen = _waiting(observation_ids, Status.RETURNED)
    if not chosen:
        raise ValueError(_("None of the chosen values is waiting for review any more."))
    batch = ImportBatch.objects.create(
        kind=BatchKind.REVIEW, user=user, status=Status.RETURNED, note=comment
    )
    counts = write_observations(_staged(chosen, Status.RETURNED), batch=batch, user_id=user.pk)
    batch.rows, batch.updated = counts.rows, counts.updated
    batch.save()
    emails.notify_reviewed(emails.RETURNED, emails.by_author(chosen, user), comment)
    return counts.updated


def _review_comment(comment: str) -> str:
    """The comment a value or a change is returned with, stripped; ValueError if missing or
    too long."""
    comment = comment.strip()
    if not comment:
        raise ValueError(_("Say what should be corrected: a value is returned with a comment."))
    if len(comment) > COMMENT_MAX:
        raise ValueError(
            _("Keep the comment under %(max)s characters (it has %(length)s).")
            % {"max": COMMENT_MAX, "length": len(comment)}
        )
    return comment


def _reviewed_flags(flags: str, status: str) -> str:
    """Publishing a value is the check its "check this value" flag asked for; other flags
    (a projection, low coverage...) stay, since they describe the value itself."""
    if status != Status.PUBLISHED:
        return flags
    return ",".join(f for f in split_flags(flags) if f != Flag.CHECK_VALUE)


@transaction.atomic
def proposal_decide(*, user: Any, proposal_ids: Iterable[int], approve: bool) -> int:
    """Approve or reject changes proposed to published values (secretariat only); returns
    how many were decided. Approving publishes the proposed value through the writer, which
    keeps the replaced published state as a revision; rejecting leaves the published value
    untouched. Either way the proposal stays on record with the decision, who and when."""
    if not access.can_review_values(user):
        raise PermissionDenied
    chosen = list(
        ProposedValue.objects.filter(pk__in=list(proposal_ids), decision=Decision.PENDING)
        .select_related("observation")
        .order_by("pk")
    )
    if not chosen:
        return 0
    batch = ImportBatch.objects.create(
        kind=BatchKind.REVIEW,
        user=user,
        status=Status.PUBLISHED,
        note=f"{'approved' if approve else 'rejected'} {len(chosen)} proposed change(s)",
    )
    if approve:
        rows = [
            StagedRow(
                n,
                p.observation.metro_id,
                p.observation.indicator_id,
                p.observation.year,
                p.observation.sex,
                p.value,
                p.scale,
                p.source_id,
                Status.PUBLISHED,
                p.note,
                _reviewed_flags(p.flags, Status.PUBLISHED),
            )
            for n, p in enumerate(chosen, start=1)
        ]
        counts = write_observations(rows, batch=batch, user_id=user.pk)
        batch.rows, batch.updated, batch.unchanged = counts.rows, counts.updated, counts.unchanged
        batch.save()
    ProposedValue.objects.filter(pk__in=[p.pk for p in chosen]).update(
        decision=Decision.APPROVED if approve else Decision.REJECTED,
        decided_at=timezone.now(),
        decided_by=user,
        decided_batch=batch,
    )
    return len(chosen)


@transaction.atomic
def proposal_return(*, user: Any, proposal_ids: Iterable[int], comment: str) -> int:
    """Return changes proposed to published values to whoever proposed them, with the
    Secretariat's comment (secretariat only); returns how many. The published values stay as
    they are; each proposal stays on record, decided "returned", with who, when and the
    comment (the note of the decision's review batch). Its author hears of it (in the app
    and by e-mail) and proposes again from the entry form: a new pending proposal, which the
    queue shows like any other. Raises ValueError, changing nothing, without a comment or
    without a change still waiting."""
    if not access.can_review_values(user):
        raise PermissionDenied
    comment = _review_comment(comment)
    chosen = list(
        ProposedValue.objects.filter(pk__in=list(proposal_ids), decision=Decision.PENDING)
        .select_related("observation__metro", "observation__indicator", "proposed_by")
        .order_by("observation__metro__name", "observation__indicator__order", "pk")
    )
    if not chosen:
        raise ValueError(_("None of the chosen changes is waiting for review any more."))
    batch = ImportBatch.objects.create(
        kind=BatchKind.REVIEW,
        user=user,
        status=Status.RETURNED,
        note=comment,
        rows=len(chosen),
    )
    ProposedValue.objects.filter(pk__in=[p.pk for p in chosen]).update(
        decision=Decision.RETURNED,
        decided_at=timezone.now(),
        decided_by=user,
        decided_batch=batch,
    )
    emails.notify_reviewed(
        emails.CHANGE_RETURNED, emails.proposals_by_author(chosen, user), comment
    )
    return len(chosen)
