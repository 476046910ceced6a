"""/health/ for load balancers and monitors: the database answers, the cache keeps a value, the
task queue's backlog, and the free disk where files are written. 200 when all is well, 503
with what failed otherwise; JSON either way, never cached."""

from __future__ import annotations

import shutil
import time
import uuid
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django_tasks import task_backends
from django_tasks_db import DatabaseBackend

from metroscope.core.models import Job

MIN_FREE_BYTES = 512 * 1024**2  # below this, files (jobs, uploads) may no longer fit


def _database() -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True, "vendor": connection.vendor}


def _cache() -> dict[str, Any]:
    key, value = f"health:{uuid.uuid4().hex}", "ok"
    cache.set(key, value, 10)
    kept = cache.get(key) == value
    cache.delete(key)
    return {"ok": kept, "backend": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]}


def _queue() -> dict[str, Any]:
    """The backlog: jobs waiting and running, the oldest wait, and for the database backend
    the tasks not yet taken by a worker."""
    waiting = Job.objects.filter(state=Job.State.QUEUED)
    oldest = waiting.order_by("created_at").values_list("created_at", flat=True).first()
    found: dict[str, Any] = {
        "ok": True,
        "backend": type(task_backends["default"]).__name__,
        "jobs_waiting": waiting.count(),
        "jobs_running": Job.objects.filter(state=Job.State.RUNNING).count(),
        "oldest_wait_seconds": round(time.time() - oldest.timestamp()) if oldest else 0,
    }
    if isinstance(task_backends["default"], DatabaseBackend):
        from django_tasks_db.models import DBTaskResult

        found["tasks_ready"] = DBTaskResult.objects.ready().count()
    return found


def _disk() -> dict[str, Any]:
    free = shutil.disk_usage(settings.VAR_DIR).free
    return {"ok": free >= MIN_FREE_BYTES, "free_bytes": free}


@never_cache
def health(request: HttpRequest) -> JsonResponse:
    checks: dict[str, dict[str, Any]] = {}
    for name, check in (
        ("database", _database),
        ("cache", _cache),
        ("queue", _queue),
        ("disk", _disk),
    ):
        try:
            checks[name] = check()
        except Exception as exc:  # noqa: BLE001  (a check that breaks is a failed check)
            checks[name] = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
    healthy = all(check["ok"] for check in checks.values())
    return JsonResponse({"ok": healthy, "checks": checks}, status=200 if healthy else 503)
