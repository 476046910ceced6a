"""Reading the audit trail kept by django-simple-history: who changed what, when, from what."""

from __future__ import annotations

import datetime as dt
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
