"""Load the open data shipped in data/ into the database: all or nothing, and idempotent."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import translation
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from metroscope.core.loading import LoadError, LoadReport, registered_loaders


class Command(BaseCommand):
    help = "Load the open data in data/ (members, plan, ...). A second run changes nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--data-dir", type=Path, default=None, help="folder holding the data files"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        data_dir: Path = options["data_dir"] or Path(settings.DATA_DIR)
        console = Console(file=self.stdout, highlight=False)  # type: ignore[arg-type]
        loaders = list(registered_loaders())
        quiet = options["verbosity"] < 1
        progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total} loaders"),
            TimeElapsedColumn(),
            console=console,
            disable=quiet,
            transient=True,
        )
        report = LoadReport()
        try:
            with progress, translation.override("en"), transaction.atomic():
                task = progress.add_task("Loading", total=len(loaders))
                for loader in loaders:

                    def show(what: str, name: str = loader.name) -> None:
                        progress.update(task, description=f"{name}: {what}")

                    report.on_step = show
                    report.step("…")
                    loader.func(data_dir, report)
                    progress.advance(task)
        except LoadError as exc:
            raise CommandError(f"Nothing was loaded. {exc}") from exc
        if options["verbosity"] < 1:
            return
        table = Table(title="Open data loaded", show_lines=False)
        for column in ("model", "created", "updated", "unchanged"):
            table.add_column(column, justify="left" if column == "model" else "right")
        for label, counts in report.counts.items():
            table.add_row(
                label, str(counts["created"]), str(counts["updated"]), str(counts["unchanged"])
            )
        console.print(table)
        console.print(f"{report.changed} change(s).")
