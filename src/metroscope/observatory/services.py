"""Write side of the Observatory for people: one value from a form or the API, and review.

Both go through the same checks and the same set-based writer as file imports, so a value
typed in a form obeys exactly the rules of a value in a file, and every change leaves a
revision with the old value.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from metroscope.observatory import access
from metroscope.observatory.imports import ImportResult, observation_records_write
from metroscope.observatory.models import BatchKind, ImportBatch, Metro, Observation, Status
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
    note: str = ""


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


@transaction.atomic
def observation_review(*, user: Any, observation_ids: Iterable[int], status: str) -> int:
    """Validate or publish values (secretariat only). Returns how many changed status."""
    if not access.can_review_values(user):
        raise PermissionDenied
    if status not in REVIEW_STATUSES:
        raise ValueError(f"status must be one of {', '.join(REVIEW_STATUSES)}")
    chosen = Observation.objects.filter(pk__in=list(observation_ids)).exclude(status=status)
    batch = ImportBatch.objects.create(kind=BatchKind.REVIEW, user=user, status=status)
    rows = (
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
        )
        for n, o in enumerate(chosen.iterator(), start=1)
    )
    counts = write_observations(rows, batch=batch, user_id=user.pk)
    batch.rows, batch.updated = counts.rows, counts.updated
    batch.save()
    return counts.updated
