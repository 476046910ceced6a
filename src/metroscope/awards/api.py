"""API of the award: editions with their results (public); a member's submissions (its
officers; staff see all); a juror's assignments and scores, with the rules of the services
(a conflicted submission cannot be scored)."""

# No `from __future__ import annotations`: django-ninja reads the annotations at runtime.
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, File, Router, Schema
from ninja.decorators import decorate_view
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.responses import Status as Reply
from ninja.security import django_auth

from metroscope.awards import access, selectors, services
from metroscope.awards.models import Document, Edition, EditionStatus, Juror, Submission
from metroscope.core import attachments
from metroscope.core.api_errors import ApiError, refusal
from metroscope.core.api_params import YEAR, BodyId, BodyYear, RecordId
from metroscope.core.tokens import TokenAuth
from metroscope.members.models import Member

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
    submission: BodyId
    scores: dict[BodyId, int] = Field(..., description="criterion id → score, 0 to 10")


class ScoresOut(Schema):
    submission: int
    scores: dict[int, int]


@router.post(
    "/awards/scores",
    response={201: ScoresOut, 404: ApiError},
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


class SubmissionOut(AssignmentOut):
    submitted_at: str
    shortlisted: bool
    winner: bool
    documents: int


def _submission_out(s: Submission, documents: int, staff: bool = False) -> dict[str, Any]:
    """The shortlist and the winners are the staff's until they are published."""
    reveal = staff or s.edition.status == EditionStatus.PUBLISHED
    return {
        "id": s.pk,
        "edition": s.edition.year,
        "member": s.member.code,
        "title": s.title,
        "description": s.description,
        "impact": s.impact,
        "submitted_at": s.submitted_at.isoformat(),
        "shortlisted": s.shortlisted and reveal,
        "winner": s.winner and reveal,
        "documents": documents,
    }


@router.get(
    "/awards/submissions",
    response=list[SubmissionOut],
    auth=[TokenAuth(), django_auth],
    summary="My members' submissions (officer; staff: all)",
)
def list_submissions(request: HttpRequest, edition: int | None = YEAR) -> list[dict[str, Any]]:
    qs = access.visible_submissions(request.user).annotate(n_documents=Count("documents"))
    if edition is not None:
        qs = qs.filter(edition__year=edition)
    staff = access.can_manage_award(request.user)
    return [_submission_out(s, s.n_documents, staff) for s in qs]


class SubmissionIn(Schema):
    edition: BodyYear
    member: str
    title: str = ""
    description: str = ""
    impact: str = ""


@router.post(
    "/awards/submissions",
    response={201: SubmissionOut, 400: ApiError, 403: ApiError, 404: ApiError},
    auth=[TokenAuth(), django_auth],
    summary="Submit my member's initiative to an open edition (officer)",
)
def create_submission(request: HttpRequest, payload: SubmissionIn) -> Any:
    edition = Edition.objects.filter(year=payload.edition).first()
    member = Member.objects.filter(code=payload.member).first()
    if edition is None or member is None:
        field = "edition" if edition is None else "member"
        return Reply(404, {"detail": f"unknown {field}", "errors": {field: ["not found"]}})
    try:
        made = services.submission_create(
            user=request.user,
            edition=edition,
            member=member,
            data=payload.dict(include={"title", "description", "impact"}),
        )
    except PermissionDenied as exc:
        return Reply(403, {"detail": str(exc), "errors": {}})
    except ValidationError as exc:
        return _refused(exc)
    return Reply(201, _submission_out(made, 0))


def _refused(exc: ValidationError) -> Reply:
    """A service's refusal as a 400 with every problem under its field."""
    return Reply(400, refusal(exc))


# --- a submission's documents ------------------------------------------------------------------


class DocumentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    url: str


def _document_out(request: HttpRequest, document: Document) -> dict[str, Any]:
    return {
        "id": document.pk,
        "name": document.name,
        "content_type": document.content_type,
        "size": document.size,
        "url": request.build_absolute_uri(
            reverse("api-v1:award_document", kwargs={"document_id": document.pk})
        ),
    }


def _readable_submission(request: HttpRequest, submission_id: int) -> Submission:
    """The submission if the caller may read it (its member's officers, staff, the jurors
    not conflicted on it); 404 otherwise, as if it did not exist."""
    found = Submission.objects.select_related("edition", "member").filter(pk=submission_id).first()
    if found is None or not access.can_read_submission(request.user, found):
        raise HttpError(404, f"no submission {submission_id}")
    return found


@router.get(
    "/awards/submissions/{submission_id}/documents",
    response={200: list[DocumentOut], 404: ApiError},
    auth=[TokenAuth(), django_auth],
    summary="A submission's documents",
)
def list_documents(request: HttpRequest, submission_id: RecordId) -> list[dict[str, Any]]:
    submission = _readable_submission(request, submission_id)
    return [_document_out(request, d) for d in submission.documents.order_by("pk")]


@router.post(
    "/awards/submissions/{submission_id}/documents",
    response={201: list[DocumentOut], 400: ApiError, 403: ApiError, 404: ApiError},
    auth=[TokenAuth(), django_auth],
    summary="Add images or PDF documents to your member's submission (multipart upload)",
)
@decorate_view(attachments.size_limited)
def add_documents(
    request: HttpRequest,
    submission_id: RecordId,
    documents: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> Any:
    submission = _readable_submission(request, submission_id)
    too_large = [attachments.too_large_message(n) for n in attachments.refused_for_size(request)]
    if too_large:
        return Reply(400, {"detail": " ".join(too_large), "errors": {"documents": too_large}})
    try:
        stored = services.documents_add(
            user=request.user, submission=submission, documents=documents or []
        )
    except PermissionDenied as exc:
        return Reply(403, {"detail": str(exc), "errors": {}})
    except ValidationError as exc:
        return _refused(exc)
    return Reply(201, [_document_out(request, d) for d in stored])


@router.get(
    "/awards/documents/{document_id}",
    auth=[TokenAuth(), django_auth],
    url_name="award_document",
    summary="Download one document of a submission",
)
def download_document(request: HttpRequest, document_id: RecordId) -> FileResponse:
    try:
        found = access.document_to_read(request.user, document_id)
    except Http404:
        raise HttpError(404, _("No such document.")) from None
    return attachments.private_file(found)
