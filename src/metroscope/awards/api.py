"""API of the award: editions with their results (public); a juror's assignments and scores,
with the rules of the services (a conflicted submission cannot be scored)."""

# No `from __future__ import annotations`: django-ninja reads the annotations at runtime.
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status as Reply
from ninja.security import django_auth

from metroscope.awards import selectors, services
from metroscope.awards.models import Juror, Submission
from metroscope.core.tokens import TokenAuth

router = Router(tags=["awards"])


class ResultOut(Schema):
    city: str
    country_iso3: str
    initiative: str
    result: str
    source_url: str
    solution: str | None


class EditionOut(Schema):
    year: int
    status: str
    submissions_total: int | None
    results: list[ResultOut]


@router.get("/awards/editions", response=list[EditionOut], summary="Guangzhou Award editions")
def list_editions(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "year": e.year,
            "status": e.status,
            "submissions_total": e.submissions_total,
            "results": [
                {
                    "city": r.city,
                    "country_iso3": r.country_iso3,
                    "initiative": r.initiative,
                    "result": r.result,
                    "source_url": r.source_url,
                    "solution": r.solution.slug if r.solution else None,
                }
                for r in e.past_results.all()
            ],
        }
        for e in selectors.public_editions()
    ]


class AssignmentOut(Schema):
    id: int
    edition: int
    member: str
    title: str
    description: str
    impact: str


@router.get(
    "/awards/assignments",
    response=list[AssignmentOut],
    auth=[TokenAuth(), django_auth],
    summary="The submissions I score as a juror",
)
def list_assignments(request: HttpRequest) -> list[dict[str, Any]]:
    found = []
    user: Any = request.user
    for juror in Juror.objects.filter(user=user).select_related("edition"):
        for s in services.assignments(juror):
            found.append(
                {
                    "id": s.pk,
                    "edition": juror.edition.year,
                    "member": s.member.code,
                    "title": s.title,
                    "description": s.description,
                    "impact": s.impact,
                }
            )
    return found


class ScoresIn(Schema):
    submission: int
    scores: dict[int, int]


class ScoresOut(Schema):
    submission: int
    scores: dict[int, int]


@router.post(
    "/awards/scores",
    response={201: ScoresOut},
    auth=[TokenAuth(), django_auth],
    summary="Score a submission (juror, not conflicted)",
)
def record_scores(request: HttpRequest, payload: ScoresIn) -> Any:
    submission = get_object_or_404(Submission, pk=payload.submission)
    try:
        saved = services.score_record(
            user=request.user, submission=submission, values=payload.scores
        )
    except PermissionDenied as exc:
        raise HttpError(403, str(exc)) from exc
    except ValidationError as exc:
        raise HttpError(400, "; ".join(exc.messages)) from exc
    return Reply(
        201, {"submission": submission.pk, "scores": {s.criterion_id: s.value for s in saved}}
    )
