"""metroscope worker: run the task queue's jobs (reports, downloads, e-mails), whatever the
queue: the database backend's `db_worker` by default, RQ's worker with REDIS_URL."""

from __future__ import annotations

import signal
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django_tasks import task_backends
from django_tasks.backends.immediate import ImmediateBackend
from django_tasks_db import DatabaseBackend


class Command(BaseCommand):
    help = "Run the task queue's worker: the jobs people start on the site run here."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--batch", action="store_true", help="run what is queued now, then stop"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        chosen = task_backends["default"]
        if isinstance(chosen, DatabaseBackend):
            self.stdout.write("Worker: running the jobs queued in the database.")
            call_command("db_worker", batch=options["batch"], reload=False)
        elif isinstance(chosen, ImmediateBackend):
            self.stdout.write(
                "METROSCOPE_TASKS=immediate: jobs run inside the requests; no worker is needed."
            )
            if not options["batch"]:
                signal.pause()  # stay up beside the web server until told to stop
        else:
            self.stdout.write("Worker: running the jobs queued in Redis (RQ).")
            call_command(
                "rqworker",
                "default",
                job_class="django_tasks_rq.Job",  # runs the tasks framework's tasks
                burst=options["batch"],
                with_scheduler=True,
            )
