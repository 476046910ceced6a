"""Reads of the award: editions with their results, a juror's seats, and the staff's
ranking."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, QuerySet

from metroscope.awards import analytics
from metroscope.awards.models import (
    Conflict,
    Criterion,
    Edition,
    EditionStatus,
    Juror,
    PastResult,
    Score,
    Submission,
)


def public_editions() -> QuerySet[Edition]:
    """Editions past their preparation, with their real past results and, once the winners
    are published (never before: the jury's choice is the Secretariat's until then), the
    winners and the other finalists of the submissions made through Metroscope."""
    announced = Submission.objects.filter(edition__status=EditionStatus.PUBLISHED).select_related(
        "member", "solution"
    )
    return Edition.objects.exclude(status=EditionStatus.DRAFT).prefetch_related(
        Prefetch(
            "past_results",
            queryset=PastResult.objects.select_related("solution").order_by("result", "city"),
        ),
        Prefetch("submissions", queryset=announced.filter(winner=True), to_attr="winning"),
        Prefetch(
            "submissions",
            queryset=announced.filter(shortlisted=True, winner=False).order_by("title"),
            to_attr="finalists",
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


def public_edition(year: int) -> Edition | None:
    return public_editions().filter(year=year).first()


@dataclass(frozen=True)
class Seat:
    """A juror's place on one edition's jury: what they score, and what they may not."""

    juror: Juror
    to_score: list[Submission]
    conflicts: list[Conflict]
    scored: set[int]


def jury_seats(seats: list[Juror]) -> list[Seat]:
    """Each seat's assignments (the edition's submissions less the declared conflicts) and
    which of them the juror has fully scored, in three queries whatever the number of seats."""
    if not seats:
        return []
    editions = {s.edition_id for s in seats}
    conflicts = list(Conflict.objects.filter(juror__in=seats).select_related("submission__member"))
    submissions = list(Submission.objects.filter(edition_id__in=editions).select_related("member"))
    criteria = dict(
        Criterion.objects.filter(edition_id__in=editions)
        .values("edition_id")
        .annotate(n=Count("pk"))
        .values_list("edition_id", "n")
    )
    scored: dict[tuple[int, int], int] = {}
    for row in (
        Score.objects.filter(juror__in=seats)
        .values("juror_id", "submission_id")
        .annotate(n=Count("pk"))
    ):
        scored[(row["juror_id"], row["submission_id"])] = row["n"]
    found = []
    for seat in seats:
        mine = [c for c in conflicts if c.juror_id == seat.pk]
        excluded = {c.submission_id for c in mine}
        need = criteria.get(seat.edition_id, 0)
        to_score = [
            s for s in submissions if s.edition_id == seat.edition_id and s.pk not in excluded
        ]
        done = {s.pk for s in to_score if need and scored.get((seat.pk, s.pk)) == need}
        found.append(Seat(seat, to_score, mine, done))
    return found


def own_scores(juror: Juror, submission: Submission) -> dict[int, int]:
    return dict(
        Score.objects.filter(juror=juror, submission=submission).values_list(
            "criterion_id", "value"
        )
    )
