"""A job's page (its state and progress, polled while it runs), its file, and running it again."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from metroscope.core import access, jobs
from metroscope.core.models import Job


def _job(request: HttpRequest, pk: uuid.UUID) -> Job:
    job = Job.objects.select_related("started_by").filter(pk=pk).first()
    if job is None:
        raise Http404
    if not access.can_view_job(request.user, job):
        if not request.user.is_authenticated:
            raise PermissionDenied  # the caller turns this into the sign-in page
        raise Http404  # another person's job: not even its existence
    return job


def _guarded(request: HttpRequest, pk: uuid.UUID) -> Job | HttpResponse:
    try:
        return _job(request, pk)
    except PermissionDenied:
        return redirect_to_login(request.get_full_path())


@login_required
def job_list(request: HttpRequest) -> HttpResponse:
    """Jobs one may follow, newest first; `?state=failed` for those to run again."""
    found = jobs.visible_to(request.user)
    state = request.GET.get("state", "")
    if state in Job.State.values:
        found = found.filter(state=state)
    page = Paginator(found, 50).get_page(request.GET.get("page"))
    rows = [{"job": job, "title": jobs.title_of(job)} for job in page]
    return render(
        request,
        "core/jobs.html",
        {"page": page, "rows": rows, "state": state, "states": Job.State.choices},
    )


@never_cache
def job_page(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """The whole page, or (asked by htmx while the job runs) its status block only."""
    job = _guarded(request, pk)
    if isinstance(job, HttpResponse):
        return job
    jobs.live(job)
    context = {
        "job": job,
        "title": jobs.title_of(job),
        "unit": jobs.label_of(job.unit),
        "step": jobs.label_of(job.step),
        "can_retry": access.can_retry_job(request.user, job),
        "seconds": (
            (job.finished_at - job.started_at).total_seconds()
            if job.finished_at and job.started_at
            else None
        ),
    }
    if request.headers.get("HX-Request"):
        return render(request, "core/job_status.html", context)
    return render(request, "core/job.html", context)


def job_file(request: HttpRequest, pk: uuid.UUID) -> HttpResponseBase:
    job = _guarded(request, pk)
    if isinstance(job, HttpResponse):
        return job
    if job.state != Job.State.DONE or not job.file:
        raise Http404
    try:
        handle = job.file.open("rb")
    except FileNotFoundError as exc:  # pruned: the page offers to build it again
        raise Http404 from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=job.file_name or job.file.name.rsplit("/", 1)[-1],
        content_type=job.content_type or "application/octet-stream",
    )
    # A job's file never changes; a private one is nobody else's.
    response["Cache-Control"] = (
        "public, max-age=86400, immutable" if job.public else "private, no-store"
    )
    return response


@require_POST
def job_retry(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    job = _guarded(request, pk)
    if isinstance(job, HttpResponse):
        return job
    if not access.can_retry_job(request.user, job):
        raise PermissionDenied
    if job.state != Job.State.FAILED:
        messages.info(request, _("Only a job that failed can run again."))
    else:
        jobs.retry(job)
        messages.success(request, _("The job is in the queue again."))
    return redirect("job", pk=job.pk)
