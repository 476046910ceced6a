"""Work too long for a web request, run by the task queue and followed by people.

The queue is Django's tasks framework (`django-tasks`, the backport of Django 6's): on the
embedded default its database backend, whose worker `make run` starts beside the web server;
with `REDIS_URL`, its RQ backend, with workers on any number of hosts (settings.TASKS).

A job is one row (`core.models.Job`): who started it, its state, how far it has got, its file
or its error. Its function is an ordinary function of an app's, marked `@job_function`, that
takes a `Running` (its parameters, and `progress()` to say how far it has got) and returns an
`Outcome` (a file to hand over, a small result). One task, `run_job`, runs any job by id, so a
job that failed keeps its error and runs again with `retry`.

A job whose result anyone may have (`public`, an open-data download) and that was built from
the same data (`key`, holding the data's version) is not built twice: `start` returns the
finished one.
"""

from __future__ import annotations

import logging
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.cache import caches
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext
from django_tasks import task
from django_tasks.backends.immediate import ImmediateBackend
from django_tasks_db import DatabaseBackend

from metroscope.core.models import Job

log = logging.getLogger(__name__)

_FUNCTIONS: set[str] = set()  # the import paths of the functions a job may run
PROGRESS_EVERY = 0.5  # seconds between two progress writes
PROGRESS_CACHE = "jobs"  # settings.CACHES: progress written from inside a transaction
PROGRESS_TTL = 24 * 3600
_PROGRESS_FIELDS = ("done", "total", "unit", "step")


@dataclass
class Outcome:
    """What a finished job hands over: a file (its bytes, or a temporary file's path, which is
    removed once kept) with the name and media type it is downloaded under, and a small
    result for its page."""

    content: bytes | None = None
    path: Path | None = None
    file_name: str = ""
    content_type: str = ""
    result: dict[str, Any] = field(default_factory=dict)


class Running:
    """What a job's function sees while it runs."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self.params: dict[str, Any] = dict(job.params)
        self._written = 0.0

    def progress(
        self, done: int, total: int | None = None, *, unit: str = "", step: str = ""
    ) -> None:
        """How far the job has got; written at most every PROGRESS_EVERY seconds (the page
        polls it), so calling it for every row costs nothing. `unit` and `step` are
        untranslated (gettext_noop): the page shows them in its reader's language."""
        now = time.monotonic()
        if now - self._written < PROGRESS_EVERY and (total is None or done < total):
            return
        self._written = now
        changes: dict[str, Any] = {"done": done}
        if total is not None:
            changes["total"] = total
        if unit:
            changes["unit"] = unit
        if step:
            changes["step"] = step[:300]
        if connection.in_atomic_block:
            # The work holds a transaction open (an import writes all or nothing): a write to
            # the job's row would be seen by nobody until it ends (rolled back with a dry
            # run), so its progress goes to the cache the pages read beside the row (`live`).
            cache = caches[PROGRESS_CACHE]
            key = _progress_key(self.job.pk)
            cache.set(key, {**(cache.get(key) or {}), **changes}, PROGRESS_TTL)
        else:
            Job.objects.filter(pk=self.job.pk).update(**changes)


def _progress_key(pk: Any) -> str:
    return f"job-progress:{pk}"


def live(job: Job) -> Job:
    """The job with the progress its running work wrote to the cache (see Running.progress)."""
    if job.state == Job.State.RUNNING:
        for name, value in (caches[PROGRESS_CACHE].get(_progress_key(job.pk)) or {}).items():
            if name in _PROGRESS_FIELDS:
                setattr(job, name, value)
    return job


def _settle_progress(job: Job) -> dict[str, Any]:
    """The progress kept in the cache, for the job's row once its work has ended."""
    cache = caches[PROGRESS_CACHE]
    key = _progress_key(job.pk)
    found = cache.get(key) or {}
    cache.delete(key)
    return {name: value for name, value in found.items() if name in _PROGRESS_FIELDS}


JobFunction = Callable[[Running], Outcome]


def title_of(job: Job) -> str:
    """The job's title in the reader's language: jobs keep it untranslated (marked with
    gettext_noop where they start) with its values, as a public job is shared across languages."""
    try:
        return gettext(job.title) % job.params.get("title_args", {})
    except (KeyError, TypeError, ValueError):
        return job.title


def label_of(text: str) -> str:
    """A unit or a step, kept untranslated (gettext_noop), in the reader's language."""
    return gettext(text) if text else ""


def job_function(func: JobFunction) -> JobFunction:
    """Mark a function as one a job may run (jobs name their function by import path)."""
    _FUNCTIONS.add(f"{func.__module__}.{func.__qualname__}")
    return func


def _path(func: JobFunction) -> str:
    path = f"{func.__module__}.{func.__qualname__}"
    if path not in _FUNCTIONS:
        raise ValueError(f"{path} is not a @job_function")
    return path


def reusable(key: str) -> Job | None:
    """The newest finished public job built under `key`, if its file is still there."""
    job = (
        Job.objects.filter(key=key, public=True, state=Job.State.DONE)
        .order_by("-finished_at")
        .first()
    )
    if job is None or (job.file and not job.file.storage.exists(job.file.name)):
        return None
    return job


def start(
    func: JobFunction,
    *,
    title: str,
    params: dict[str, Any] | None = None,
    user: Any = None,
    public: bool = False,
    key: str = "",
) -> Job:
    """Record a job and put it in the queue; a public job already built (or being built) under
    the same key is returned instead of starting another. `title` is untranslated (mark it
    with gettext_noop) and may hold %(name)s placeholders filled from params["title_args"]."""
    if public and key:
        pending = (
            Job.objects.filter(key=key, public=True)
            .exclude(state=Job.State.FAILED)
            .order_by("-created_at")
            .first()
        )
        if pending is not None and (not pending.finished or reusable(key) is not None):
            return pending
    job = Job.objects.create(
        task=_path(func),
        params=params or {},
        title=title[:300],
        public=public,
        key=key[:300],
        started_by=user if getattr(user, "is_authenticated", False) else None,
    )
    _enqueue(job)
    job.refresh_from_db()  # an immediate backend (tests, METROSCOPE_TASKS=immediate) ran it
    return job


def retry(job: Job) -> Job:
    """Run a failed job again, from the start, with the same parameters."""
    if job.state != Job.State.FAILED:
        raise ValueError("Only a failed job runs again.")
    Job.objects.filter(pk=job.pk).update(
        state=Job.State.QUEUED, error="", done=0, total=None, step="", finished_at=None
    )
    _enqueue(job)
    job.refresh_from_db()
    return job


def _enqueue(job: Job) -> None:
    # The database backend writes the task in the caller's transaction (it runs only if that
    # commits); a queue outside the database (RQ) is told once the job's row is committed.
    if isinstance(run_job.get_backend(), DatabaseBackend | ImmediateBackend):
        run_job.enqueue(str(job.pk))
    else:
        job_id = str(job.pk)
        transaction.on_commit(lambda: run_job.enqueue(job_id))


@task()
def run_job(job_id: str) -> str:
    """Run one job: its function, then its file or its error on its row."""
    job = Job.objects.get(pk=job_id)
    if job.state == Job.State.DONE:
        return job.state
    _settle_progress(job)  # an earlier attempt's
    Job.objects.filter(pk=job.pk).update(
        state=Job.State.RUNNING, started_at=timezone.now(), attempts=job.attempts + 1
    )
    log.info("job %s started: %s", job.pk, job)
    try:
        func: JobFunction = import_string(job.task)  # importing it marks it
        if job.task not in _FUNCTIONS:
            raise ValueError(f"{job.task} is not a @job_function")
        _keep(job, func(Running(job)))
    except Exception as exc:  # noqa: BLE001  (any failure is the job's, kept on its row)
        Job.objects.filter(pk=job.pk).update(
            state=Job.State.FAILED,
            error=f"{type(exc).__name__}: {exc}"[:5000],
            finished_at=timezone.now(),
            **_settle_progress(job),  # how far it got
        )
        log.warning("job %s failed: %s\n%s", job.pk, exc, traceback.format_exc())
        return Job.State.FAILED
    log.info("job %s done: %s", job.pk, job)
    return Job.State.DONE


def _keep(job: Job, outcome: Outcome) -> None:
    job.refresh_from_db()
    for name, value in _settle_progress(job).items():
        setattr(job, name, value)
    if outcome.content is not None:
        job.file.save(outcome.file_name, ContentFile(outcome.content), save=False)
    elif outcome.path is not None:
        try:
            with outcome.path.open("rb") as handle:
                job.file.save(outcome.file_name, File(handle), save=False)
        finally:
            outcome.path.unlink(missing_ok=True)
    job.file_name = outcome.file_name
    job.content_type = outcome.content_type
    job.result = outcome.result
    job.state = Job.State.DONE
    job.finished_at = timezone.now()
    if job.total is not None:  # the last progress write may have been skipped (PROGRESS_EVERY)
        job.done = job.total
    job.save()


def visible_to(user: Any) -> Any:
    """The jobs a person may follow on /jobs/: her own; the Secretariat sees every job."""
    from metroscope.core.roles import is_secretariat

    found = Job.objects.select_related("started_by")
    return found if is_secretariat(user) else found.filter(started_by=user)


def failed_queue() -> Any:
    """Jobs that failed and wait for someone to run them again (the Secretariat's workspace)."""
    from metroscope.core.queues import queue_of

    return queue_of(Job.objects.filter(state=Job.State.FAILED), "created_at")
