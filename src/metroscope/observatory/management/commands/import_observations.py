"""metroscope import_observations FILE: import a tidy, wide or SDMX-CSV file (CSV or XLSX)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.urls import reverse
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from metroscope.observatory import import_jobs
from metroscope.observatory.imports import ImportRejected, ImportResult, observation_import
from metroscope.observatory.models import Status


class Command(BaseCommand):
    help = (
        "Import observations from a CSV or XLSX file (tidy, wide with years as columns, or "
        "SDMX-CSV). Any problem means nothing is written; a second import of the same file "
        "writes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="check and count, then write nothing"
        )
        parser.add_argument(
            "--source", help="source of rows without a source column (code or title)"
        )
        parser.add_argument(
            "--status",
            choices=[Status.PROVISIONAL, Status.PUBLISHED],
            default=Status.PUBLISHED,
            help="status of the imported values (staff imports publish by default)",
        )
        parser.add_argument("--user", help="username recorded as the importer")
        parser.add_argument(
            "--full",
            action="store_true",
            help="re-read and re-check every row even when this exact file was imported before "
            "and its values are unchanged",
        )
        parser.add_argument(
            "--queue",
            action="store_true",
            help="stage the file in the site's storage and queue the import as a job for the "
            "task queue's worker, printing the job's address, instead of running it here",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        console = Console(file=self.stdout, highlight=False)  # type: ignore[arg-type]
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"unknown user {options['user']!r}")
        if options["queue"]:
            self._queue(console, path, user, options)
            return
        started = time.perf_counter()
        try:
            result = self._import(console, path, user, options)
        except ImportRejected as exc:
            table = Table(title=f"{path.name}: nothing was imported", show_lines=False)
            for column in ("row", "column", "value", "problem"):
                table.add_column(column)
            for p in exc.problems:
                table.add_row(
                    "" if p.row is None else str(p.row), p.column or "", p.value, p.reason
                )
            console.print(table)
            more = exc.total - len(exc.problems)
            if more > 0:
                console.print(f"… and {more} more problem(s).")
            raise CommandError(f"{exc.total} problem(s); nothing was imported.") from exc
        seconds = time.perf_counter() - started
        verb = "Would import" if result.dry_run else "Imported"
        console.print(
            f"{verb} {path.name} ({result.file_format}, {result.encoding or 'xlsx'}): "
            f"{result.rows} row(s) read, {result.created} created, {result.updated} changed, "
            f"{result.unchanged} unchanged in {seconds:.1f} s."
        )
        if result.proposed:
            console.print(
                f"{result.proposed} change(s) proposed to published values: those stay public "
                "until the Secretariat approves the changes on /observatory/review/."
            )
        if result.flagged:
            console.print(
                f"{result.flagged} value(s) far past the indicator's published values, written "
                "provisional with the flag check_value:"
            )
            for check in result.checks[:20]:
                console.print(f"  {check}")
        if result.batch is not None:
            console.print(f"Batch #{result.batch.pk}, SHA-256 {result.sha256[:16]}….")
        if result.shortcut and result.same_file_as is not None:
            console.print(
                f"This exact file was imported as batch #{result.same_file_as.pk} and none of "
                "its values has changed since, so no row was re-read (--full re-checks them)."
            )
        elif result.same_file_as is not None:
            console.print(f"The same file was imported before (batch #{result.same_file_as.pk}).")

    def _import(
        self, console: Console, path: Path, user: Any, options: dict[str, Any]
    ) -> ImportResult:
        """The import in the foreground, with a progress bar of the rows read (their total is
        unknown until the end: a wide file holds several values a row)."""
        progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.completed:,} rows"),
            TimeElapsedColumn(),
            console=console,
            disable=options["verbosity"] < 1,
            transient=True,
        )
        with progress:
            task = progress.add_task(f"Reading and checking {path.name}", total=None)

            def advance(read: int, ended: bool) -> None:
                if ended:
                    progress.update(
                        task,
                        completed=read,
                        total=read,
                        description=f"Comparing and writing {path.name}",
                    )
                else:
                    progress.update(task, completed=read)

            return observation_import(
                user=user,
                path=path,
                status=options["status"],
                source=options["source"],
                dry_run=options["dry_run"],
                full=options["full"],
                progress=advance,
            )

    def _queue(self, console: Console, path: Path, user: Any, options: dict[str, Any]) -> None:
        job = import_jobs.import_queue(
            user=user,
            path=path,
            status=options["status"],
            source=options["source"],
            dry_run=options["dry_run"],
            full=options["full"],
        )
        address = settings.METROSCOPE_SITE_URL.rstrip("/") + reverse(
            "observatory:import_job", args=[job.pk]
        )
        what = "The check" if options["dry_run"] else "The import"
        console.print(f"{what} of {path.name} is queued as job {job.pk} ({job.state}): {address}")
