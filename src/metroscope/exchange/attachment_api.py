"""API of a solution's files: list, upload (multipart) and remove them, with the rules and the
checks of the solution's page (services.attachment_add / attachment_remove): images and PDF
documents recognised by their content, too large a file refused while it is received."""

# No `from __future__ import annotations`: django-ninja reads the annotations at runtime.
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Router
from ninja.decorators import decorate_view
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.responses import Status as Reply
from ninja.security import django_auth

from metroscope.core import attachments
from metroscope.core.api_errors import ApiError
from metroscope.core.api_params import RecordId
from metroscope.core.tokens import TokenAuth
from metroscope.exchange import access, services
from metroscope.exchange.api import AttachmentOut, attachment_out
from metroscope.exchange.models import Attachment, Solution

router = Router(tags=["exchange"], auth=[TokenAuth(), django_auth])


def _solution(request: HttpRequest, slug: str) -> Solution:
    """The solution if this user may read it; 404 otherwise, as if it did not exist."""
    try:
        return access.access_solution_for_reading(request.user, slug, Solution.objects.all())
    except Http404:
        raise HttpError(404, f"no solution at {slug!r}") from None


@router.get(
    "/solutions/{slug}/attachments",
    response={200: list[AttachmentOut], 404: ApiError},
    summary="A solution's files (images and PDF documents)",
)
def list_attachments(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    solution = _solution(request, slug)
    return [attachment_out(request, a, slug) for a in solution.attachments.all()]


@router.post(
    "/solutions/{slug}/attachments",
    response={201: AttachmentOut, 403: ApiError, 404: ApiError, 422: ApiError},
    summary="Add an image or a PDF document to a solution you may edit (multipart upload)",
)
@decorate_view(attachments.size_limited)
def upload_attachment(
    request: HttpRequest,
    slug: str,
    file: File[UploadedFile | None] = None,
    caption: Form[str] = "",
) -> Any:
    solution = _solution(request, slug)
    too_large = attachments.refused_for_size(request)
    if too_large:
        message = attachments.too_large_message(too_large[0])
        return Reply(422, {"detail": message, "errors": {"file": [message]}})
    if file is None:
        message = _("Send the file as multipart/form-data, in the field “file”.")
        return Reply(422, {"detail": message, "errors": {"file": [message]}})
    try:
        attachment = services.attachment_add(
            user=request.user, solution=solution, upload=file, caption=caption
        )
    except PermissionDenied as exc:
        return Reply(403, {"detail": str(exc), "errors": {}})
    except ValidationError as exc:
        return Reply(422, {"detail": " ".join(exc.messages), "errors": {"file": exc.messages}})
    return Reply(201, attachment_out(request, attachment, slug))


@router.delete(
    "/solutions/{slug}/attachments/{attachment_id}",
    response={204: None, 403: ApiError, 404: ApiError},
    summary="Remove a file from a solution you may edit",
)
def delete_attachment(request: HttpRequest, slug: str, attachment_id: RecordId) -> Any:
    solution = _solution(request, slug)
    attachment = Attachment.objects.filter(pk=attachment_id, solution=solution).first()
    if attachment is None:
        raise HttpError(404, f"no file {attachment_id} on {slug!r}")
    try:
        services.attachment_remove(user=request.user, attachment=attachment)
    except PermissionDenied as exc:
        return Reply(403, {"detail": str(exc), "errors": {}})
    return Reply(204, None)
