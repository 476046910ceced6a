"""The import of a person's file as jobs of the task queue (core.jobs).

The uploaded file is staged in Django's default storage (`imports/staged/`, which every host —
or S3 — reads), never on one host's disk. A preview job checks it with a dry run of the real
import (true counts, every problem by row and column); once the person who staged it (or the
Secretariat) confirms, a write job imports it all or nothing and removes the staged file. A
write that fails (the database went away) keeps its error and its staged file, and runs again.
Staged files nobody confirmed go after a day. The command line queues the same jobs
(`import_observations --queue`).
"""

from __future__ import annotations

import logging
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from metroscope.core import jobs
from metroscope.core.models import Job
from metroscope.observatory import access, services
from metroscope.observatory.imports import ImportRejected, ImportResult, observation_import
from metroscope.observatory.models import BatchKind, Status

log = logging.getLogger("metroscope.observatory.imports")

STAGED_DIR = "imports/staged"
STAGED_TTL = timedelta(days=1)
PREVIEW_TITLE = gettext_noop("Checking %(name)s before its import")
WRITE_TITLE = gettext_noop("Import of %(name)s")
ROWS = gettext_noop("rows")


class CannotConfirm(Exception):
    """The preview cannot be confirmed; the message says why, in the reader's language."""


class StagedFileGone(Exception):
    """The staged file was removed (imported, refused, or a day old)."""


# --- staging ---------------------------------------------------------------------------------


def import_stage(*, user: Any, file: File, name: str) -> str:
    """Keep an uploaded file in the default storage for the jobs; returns its storage name."""
    forget_old_staged()
    suffix = Path(name).suffix.lower()[:8]
    stored = default_storage.save(f"{STAGED_DIR}/{secrets.token_hex(16)}{suffix}", file)
    log.info(
        "import staged: %s (%s bytes)",
        name,
        file.size,
        extra={"staged": stored, "by": user.get_username() if user is not None else ""},
    )
    return stored


def forget_old_staged(*, now: datetime | None = None) -> int:
    """Remove staged files older than STAGED_TTL (previews nobody confirmed); how many."""
    try:
        _folders, names = default_storage.listdir(STAGED_DIR)
    except FileNotFoundError:
        return 0
    limit = (now or timezone.now()) - STAGED_TTL
    removed = 0
    for file_name in names:
        stored = f"{STAGED_DIR}/{file_name}"
        try:
            if default_storage.get_modified_time(stored) < limit:
                default_storage.delete(stored)
                removed += 1
        except FileNotFoundError:  # removed by another host meanwhile
            continue
    if removed:
        log.info("import: %s staged file(s) older than a day removed", removed)
    return removed


def _params(
    *,
    stored: str,
    name: str,
    user: Any,
    status: str,
    source: str | None,
    scoped: bool,
    max_bytes: int | None,
    full: bool = False,
) -> dict[str, Any]:
    return {
        "staged": stored,
        "name": name,
        "staged_by": user.pk if user is not None else None,
        "status": status,
        "source": source,
        # A web import is limited to its stager's metros (services.allowed_metros), read again
        # when each job runs; the command line (an operator's) reaches every metro.
        "scoped": scoped,
        "max_bytes": max_bytes,
        "full": full,
        "title_args": {"name": name},
    }


def import_preview_start(
    *, user: Any, file: File, name: str, status: str, source: str | None, max_bytes: int
) -> Job:
    """A web upload: stage it and queue its preview (a dry run) for `user`."""
    stored = import_stage(user=user, file=file, name=name)
    params = _params(
        stored=stored,
        name=name,
        user=user,
        status=status if access.can_review_values(user) else Status.PROVISIONAL,
        source=source,
        scoped=True,
        max_bytes=max_bytes,
    )
    return jobs.start(import_preview, title=PREVIEW_TITLE, params=params, user=user)


def import_queue(
    *, user: Any, path: Path, status: str, source: str | None, dry_run: bool, full: bool
) -> Job:
    """The command line's `--queue`: stage a local file and queue its write (or, with
    `dry_run`, its preview), reaching every metro as the foreground command does."""
    with path.open("rb") as handle:
        stored = import_stage(user=user, file=File(handle, name=path.name), name=path.name)
    params = _params(
        stored=stored,
        name=path.name,
        user=user,
        status=status,
        source=source,
        scoped=False,
        max_bytes=None,
        full=full,
    )
    if dry_run:
        return jobs.start(import_preview, title=PREVIEW_TITLE, params=params, user=user)
    return jobs.start(import_write, title=WRITE_TITLE, params=params, user=user)


# --- confirming ------------------------------------------------------------------------------


def is_import(job: Job) -> bool:
    return job.task in (_task(import_preview), _task(import_write))


def is_preview(job: Job) -> bool:
    return job.task == _task(import_preview)


def write_of(preview: Job) -> Job | None:
    """The write a preview was confirmed into, if it was."""
    return Job.objects.filter(key=_write_key(preview)).order_by("-created_at").first()


@transaction.atomic
def import_confirm(*, preview: Job, user: Any) -> Job:
    """Queue the write of a checked preview. Confirming twice finds the same write (run again
    if it failed). Raises PermissionDenied for anyone but its stager and the Secretariat, and
    CannotConfirm when there is nothing to write."""
    if not access.can_confirm_import(user, preview):
        raise PermissionDenied
    preview = Job.objects.select_for_update().get(pk=preview.pk)  # one write per preview
    if not is_preview(preview) or preview.result.get("outcome") != "checked":
        raise CannotConfirm(_("Only a file whose check found no problem can be imported."))
    earlier = write_of(preview)
    if earlier is not None:
        return jobs.retry(earlier) if earlier.state == Job.State.FAILED else earlier
    if not default_storage.exists(preview.params["staged"]):
        raise CannotConfirm(_("The uploaded file has expired; please upload it again."))
    params = {**preview.params, "preview": str(preview.pk), "rows": preview.result["rows"]}
    log.info(
        "import confirmed: %s",
        preview.params["name"],
        extra={"preview_job": str(preview.pk), "by": user.get_username()},
    )
    return jobs.start(
        import_write, title=WRITE_TITLE, params=params, user=user, key=_write_key(preview)
    )


def _write_key(preview: Job) -> str:
    return f"observatory-import:{preview.pk}"


def _task(func: jobs.JobFunction) -> str:
    return f"{func.__module__}.{func.__qualname__}"


# --- the jobs --------------------------------------------------------------------------------


@jobs.job_function
def import_preview(job: jobs.Running) -> jobs.Outcome:
    """The dry run: true counts and every problem, nothing written. A refused file is a
    finished preview (its problems are its result) and its staged file goes."""
    return _outcome(job, dry_run=True)


@jobs.job_function
def import_write(job: jobs.Running) -> jobs.Outcome:
    """The import itself, all or nothing; the staged file goes once it is written or refused.
    Any other error (the database) rolls everything back and fails the job, which keeps its
    staged file so that it can run again."""
    outcome = _outcome(job, dry_run=False)
    forget_old_staged()
    return outcome


def _outcome(job: jobs.Running, *, dry_run: bool) -> jobs.Outcome:
    p = job.params
    verb = "previewed" if dry_run else "written"
    try:
        result = _run(job, dry_run=dry_run)
    except ImportRejected as exc:
        default_storage.delete(p["staged"])
        log.info(
            "import refused: %s, %s problem(s)%s",
            p["name"],
            exc.total,
            " (preview)" if dry_run else "",
            extra={"job": str(job.job.pk)},
        )
        return jobs.Outcome(result=rejected_result(exc))
    except Exception as exc:
        log.warning(
            "import failed: %s: %s: %s", p["name"], type(exc).__name__, exc,
            extra={"job": str(job.job.pk)},
        )  # fmt: skip
        raise
    if not dry_run:
        default_storage.delete(p["staged"])
    log.info(
        "import %s: %s, %s rows, %s created, %s changed, %s unchanged, %s proposed",
        verb,
        p["name"],
        result.rows,
        result.created,
        result.updated,
        result.unchanged,
        result.proposed,
        extra={"job": str(job.job.pk), "batch": result.batch.pk if result.batch else None},
    )
    return jobs.Outcome(result=checked_result(result))


def _run(job: jobs.Running, *, dry_run: bool) -> ImportResult:
    p = job.params
    stager = get_user_model().objects.filter(pk=p["staged_by"]).first() if p["staged_by"] else None
    allowed: set[int] | None = None
    status = p["status"]
    if p["scoped"]:
        if stager is None or not access.can_upload_values(stager):
            raise PermissionError("the person who staged this import may no longer import values")
        allowed = services.allowed_metros(stager)
        if not access.can_review_values(stager):
            status = Status.PROVISIONAL
    total = None if dry_run else p.get("rows")
    step = (
        gettext_noop("Reading and checking the rows")
        if dry_run
        else gettext_noop("Checking and writing the rows")
    )
    after = (
        gettext_noop("Comparing with the values already held")
        if dry_run
        else gettext_noop("Writing the values")
    )

    def progress(read: int, ended: bool) -> None:
        known = max(total or 0, read) if total is not None or ended else None
        job.progress(read, known, unit=ROWS, step=after if ended else step)

    job.progress(0, total, unit=ROWS, step=step)
    with _local_copy(p["staged"]) as path:
        return observation_import(
            user=stager,
            path=path,
            status=status,
            source=p["source"],
            dry_run=dry_run,
            filename=p["name"],
            allowed_metros=allowed,
            kind=BatchKind.FILE,
            max_bytes=p["max_bytes"],
            full=p.get("full", False),
            progress=progress,
        )


@contextmanager
def _local_copy(stored: str) -> Iterator[Path]:
    """The staged file as a temporary local file (the parser reads a path), removed after."""
    handle, name = tempfile.mkstemp(suffix=Path(stored).suffix)
    path = Path(name)
    try:
        with open(handle, "wb") as out:
            try:
                source = default_storage.open(stored, "rb")
            except FileNotFoundError as exc:
                raise StagedFileGone(
                    "the staged file is gone (imported, refused or older than a day): "
                    "upload it again"
                ) from exc
            with source:
                shutil.copyfileobj(source, out, 1 << 20)
        yield path
    finally:
        path.unlink(missing_ok=True)


# --- results (JSON on the job's row) ---------------------------------------------------------


def checked_result(result: ImportResult) -> dict[str, Any]:
    return {
        "outcome": "checked",
        "file_format": result.file_format,
        "encoding": result.encoding,
        "rows": result.rows,
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "proposed": result.proposed,
        "flagged": result.flagged,
        "kept": result.kept,  # optional columns the file lacks, kept as held
        "checks": [asdict(p) for p in result.checks],  # the first MAX_PROBLEMS
        "same_file_as": result.same_file_as.pk if result.same_file_as else None,
        "shortcut": result.shortcut,
        "batch": result.batch.pk if result.batch else None,
    }


def rejected_result(exc: ImportRejected) -> dict[str, Any]:
    return {
        "outcome": "rejected",
        "total": exc.total,
        "problems": [asdict(p) for p in exc.problems],  # the first MAX_PROBLEMS
    }
