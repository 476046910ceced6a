"""metroscope reindex_solutions: rebuild the exchange's search index from the published
solutions (signals keep it in step; this is for after bulk writes or a restore)."""

from __future__ import annotations

import logging
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.urls import reverse
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from metroscope.exchange import search, search_jobs


class Command(BaseCommand):
    help = "Rebuild the search index of the exchange's published solutions."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--queue",
            action="store_true",
            help="queue the rebuild as a job for the task queue's worker, printing the job's "
            "address, instead of running it here",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["queue"]:
            job = search_jobs.start()
            address = settings.METROSCOPE_SITE_URL.rstrip("/") + reverse("job", args=[job.pk])
            self.stdout.write(f"The rebuild is queued as job {job.pk} ({job.state}): {address}")
            return
        console = Console(file=self.stdout, highlight=False)  # type: ignore[arg-type]
        progress = Progress(
            TextColumn("Indexing solutions"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total}"),
            TimeElapsedColumn(),
            console=console,
            disable=options["verbosity"] < 1,
            transient=True,
        )
        started = time.perf_counter()
        with progress, transaction.atomic():
            task = progress.add_task("index", total=None)

            def advance(done: int, total: int) -> None:
                progress.update(task, completed=done, total=total)

            count = search.reindex(progress=advance)
        seconds = time.perf_counter() - started
        logging.getLogger("metroscope.exchange").info(
            "reindex: %s published solutions in %.1f s", count, seconds
        )
        if options["verbosity"] >= 1:
            self.stdout.write(f"Indexed {count} published solutions in {seconds:.1f} s.")
