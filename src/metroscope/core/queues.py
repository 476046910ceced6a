"""What waits in a work queue (values to review, requests to answer…): how many items, and
since when the oldest has waited. Each app counts its own queues with `queue_of`; the
workspace shows them side by side."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Min, QuerySet


@dataclass(frozen=True)
class Queue:
    count: int
    oldest: dt.datetime | None


def queue_of(items: QuerySet, since: str) -> Queue:
    """Count the items and find the oldest value of their `since` field, in one query."""
    found = items.aggregate(count=Count("pk"), oldest=Min(since))
    return Queue(found["count"], found["oldest"])
