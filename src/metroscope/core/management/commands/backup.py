"""metroscope backup --out DIR: the database, the media files and a manifest of checksums."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from metroscope.core import backup


class Command(BaseCommand):
    help = (
        "Back up the database (SQLite online backup, or pg_dump's custom format) and the media "
        "files into a new folder, with a manifest of file checksums and per-table row counts "
        "and checksums that `metroscope restore` checks."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, type=Path, help="a new or empty folder")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            manifest = backup.backup(options["out"], say=self.stdout.write)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Backup written to {options['out']} ({len(manifest['tables'])} tables).")
        self.stdout.write(backup.KEY_REMINDER)
