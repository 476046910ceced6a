"""The audit trail kept by django-simple-history: writing a change with who made it and why
(`audited_save`, `audited_delete`), and reading who changed what, when, from what."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import models


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: Any
    new: Any


@dataclass(frozen=True)
class HistoryEntry:
    when: dt.datetime
    who: str
    action: str
    changes: list[FieldChange]
    reason: str


ACTIONS = {"+": "created", "~": "changed", "-": "deleted"}


def _note(obj: models.Model, user: Any, reason: str | None) -> None:
    """Tell django-simple-history who makes the object's next write and why (a reason only
    when given: the history row's reason is then empty, as with a plain save)."""
    obj._history_user = user  # type: ignore[attr-defined]
    if reason is not None:
        obj._change_reason = reason  # type: ignore[attr-defined]


def audited_save(
    obj: models.Model,
    *,
    user: Any,
    reason: str | None = None,
    clean: bool = False,
    update_fields: Iterable[str] | None = None,
) -> None:
    """Save the object, its history row naming `user` and `reason`; with `clean`, validate it
    first (`full_clean`, whose ValidationError leaves the database untouched)."""
    _note(obj, user, reason)
    if clean:
        obj.full_clean()
    obj.save(update_fields=update_fields)


def audited_delete(obj: models.Model, *, user: Any, reason: str | None = None) -> None:
    """Delete the object, its last history row naming `user` and `reason`."""
    _note(obj, user, reason)
    obj.delete()


def audited_model(app_label: str, model_name: str) -> type[models.Model] | None:
    """The model if it exists and keeps a history, else None."""
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError:
        return None
    return model if hasattr(model, "history") else None


def history_of(obj: models.Model) -> list[HistoryEntry]:
    manager = obj.history  # type: ignore[attr-defined]
    records = list(manager.select_related("history_user").order_by("-history_date", "-history_id"))
    entries = []
    for index, record in enumerate(records):
        previous = records[index + 1] if index + 1 < len(records) else None
        if previous is None:
            changes = []
        else:
            delta = record.diff_against(previous)
            changes = [FieldChange(c.field, c.old, c.new) for c in delta.changes]
        user = record.history_user
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=user.get_username() if user else "",
                action=ACTIONS.get(record.history_type, record.history_type),
                changes=changes,
                reason=record.history_change_reason or "",
            )
        )
    return entries
