"""The import page: upload → a preview job (a dry run) followed live → confirm → a write job
followed live → its counts. The page of each job is its address (`/observatory/import/<id>/`),
so it survives a reload and opens on any host; the jobs are in `import_jobs`."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from metroscope.core import access as core_access
from metroscope.core import attachments, jobs
from metroscope.core.models import Job
from metroscope.core.roles import requires
from metroscope.observatory import access, import_jobs
from metroscope.observatory.forms import UploadForm
from metroscope.observatory.imports import OUTLIER_FACTOR
from metroscope.observatory.models import Status


@csrf_exempt
@requires(access.can_upload_values)
def import_page(request: HttpRequest) -> HttpResponse:
    """Upload a file; its check runs as a job whose page follows. A file past the web upload
    limit is dropped while it is received, never kept whole: the size check comes first among
    the upload handlers, before the CSRF check reads the body (hence csrf_exempt outside and
    csrf_protect inside, as for attachments)."""
    attachments.limit_uploads(request, settings.METROSCOPE_UPLOAD_MAX_BYTES)
    return csrf_protect(_import_page)(request)  # type: ignore[no-any-return]


def _import_page(request: HttpRequest) -> HttpResponse:
    staff = access.can_review_values(request.user)
    form = UploadForm(request.POST or None, request.FILES or None, staff=staff)
    context: dict[str, Any] = {"form": form}
    too_large = attachments.refused_for_size(request)
    if too_large:
        form = context["form"] = UploadForm(request.POST, request.FILES, staff=staff)
        form.is_valid()  # bound, even if all else was the file
        form.errors.pop("file", None)
        limit = settings.METROSCOPE_UPLOAD_MAX_BYTES
        form.add_error(
            "file",
            _("“%(name)s” is larger than %(limit)s MB, the most a web upload may weigh.")
            % {"name": too_large[0], "limit": limit // 1024**2},
        )
        return render(request, "observatory/import.html", context, status=400)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job = import_jobs.import_preview_start(
            user=request.user,
            file=upload,
            name=upload.name,
            status=(form.cleaned_data.get("status") or Status.PUBLISHED)
            if staff
            else Status.PROVISIONAL,
            source=form.cleaned_data["source"] or None,
            max_bytes=settings.METROSCOPE_UPLOAD_MAX_BYTES,
        )
        return redirect("observatory:import_job", pk=job.pk)
    return render(request, "observatory/import.html", context)


def _import_job(request: HttpRequest, pk: uuid.UUID) -> Job:
    job = Job.objects.select_related("started_by").filter(pk=pk).first()
    if job is None or not import_jobs.is_import(job):
        raise Http404
    if not access.can_follow_import(request.user, job):
        raise Http404  # another person's import: not even its existence
    return job


@never_cache
@require_http_methods(["GET", "POST"])
@requires(access.can_upload_values)
def import_job_page(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """An import's check or write: the whole page, or (asked by htmx while it runs) its block;
    POST `action=confirm` writes a checked file, `action=retry` runs a failed job again."""
    job = _import_job(request, pk)
    if request.method == "POST":
        return _act(request, job)
    context = _context(request, jobs.live(job))
    if request.headers.get("HX-Request"):
        return render(request, "observatory/_import_job.html", context)
    return render(request, "observatory/import.html", context)


def _act(request: HttpRequest, job: Job) -> HttpResponse:
    action = request.POST.get("action")
    if action == "confirm":
        try:
            write = import_jobs.import_confirm(preview=job, user=request.user)
        except import_jobs.CannotConfirm as exc:
            messages.error(request, str(exc))
            return redirect("observatory:import_job", pk=job.pk)
        return redirect("observatory:import_job", pk=write.pk)
    if action == "retry":
        if not core_access.can_retry_job(request.user, job):
            raise PermissionDenied
        if job.state == Job.State.FAILED:
            jobs.retry(job)
        return redirect("observatory:import_job", pk=job.pk)
    return HttpResponseBadRequest(_("Nothing to do: confirm the import or run it again."))


def _context(request: HttpRequest, job: Job) -> dict[str, Any]:
    user = request.user
    result = job.result if job.state == Job.State.DONE else {}
    outcome = result.get("outcome")
    preview = import_jobs.is_preview(job)
    context: dict[str, Any] = {
        "job": job,
        "is_preview": preview,
        "name": job.params.get("name", ""),
        "unit": jobs.label_of(job.unit),
        "step": jobs.label_of(job.step),
        "outlier_factor": OUTLIER_FACTOR,
        "can_retry": core_access.can_retry_job(user, job),
        "can_review": access.can_review_values(user),
        "checked": result if outcome == "checked" else None,
        "rejected": result if outcome == "rejected" else None,
    }
    if preview and outcome == "checked":
        context["write"] = import_jobs.write_of(job)
        context["can_confirm"] = access.can_confirm_import(user, job)
    if not preview and outcome == "checked":
        context["summary"] = _summary(context["name"], result)
    if job.finished and (job.state == Job.State.FAILED or outcome == "rejected"):
        context["form"] = UploadForm(staff=access.can_review_values(user))
    return context


def _summary(name: str, result: dict[str, Any]) -> str:
    counts = {
        "name": name,
        "created": result["created"],
        "updated": result["updated"],
        "unchanged": result["unchanged"],
        "proposed": result["proposed"],
    }
    if result["proposed"]:
        text = _(
            "Imported %(name)s: %(created)s created, %(updated)s changed, %(unchanged)s "
            "unchanged, %(proposed)s change(s) to published values proposed for review."
        )
    else:
        text = _(
            "Imported %(name)s: %(created)s created, %(updated)s changed, %(unchanged)s unchanged."
        )
    return text % counts
