"""metroscope reindex_solutions: rebuild the exchange's search index from the published
solutions (signals keep it in step; this is for after bulk writes or a restore)."""

from __future__ import annotations

import logging
import time
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from metroscope.exchange import search


class Command(BaseCommand):
    help = "Rebuild the search index of the exchange's published solutions."

    def handle(self, *args: Any, **options: Any) -> None:
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
