"""Reads of the award: editions with their results, and the staff's ranking."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from metroscope.awards import analytics
from metroscope.awards.models import Edition, EditionStatus, PastResult, Score, Submission


def public_editions() -> QuerySet[Edition]:
    return Edition.objects.exclude(status=EditionStatus.DRAFT).prefetch_related(
        Prefetch(
            "past_results",
            queryset=PastResult.objects.select_related("solution").order_by("result", "city"),
        ),
        Prefetch(
            "submissions",
            queryset=Submission.objects.filter(winner=True).select_related("member"),
            to_attr="winning",
        ),
    )


@dataclass(frozen=True)
class Ranked:
    submission: Submission
    rank: int | None
    summary: analytics.Summary


def ranking(edition: Edition) -> list[Ranked]:
    """Each submission's weighted mean across the jurors who scored it fully, with the
    spread, ranked with ties."""
    weights = {c.pk: c.weight for c in edition.criteria.all()}
    submissions = list(edition.submissions.select_related("member"))
    sheets: dict[tuple[int, int], dict[int, float]] = {}
    for s in Score.objects.filter(submission__edition=edition).values(
        "submission_id", "juror_id", "criterion_id", "value"
    ):
        sheets.setdefault((s["submission_id"], s["juror_id"]), {})[s["criterion_id"]] = s["value"]
    per_submission: dict[int, list[float]] = {s.pk: [] for s in submissions}
    for (submission_id, _juror), values in sheets.items():
        total = analytics.weighted_score(values, weights)
        if total is not None:
            per_submission[submission_id].append(total)
    summaries = {pk: analytics.summarize(v) for pk, v in per_submission.items()}
    ranks = analytics.rank({pk: s.mean for pk, s in summaries.items()})
    rows = [Ranked(s, ranks[s.pk], summaries[s.pk]) for s in submissions]
    return sorted(rows, key=lambda r: (r.rank is None, r.rank or 0, r.submission.title))
