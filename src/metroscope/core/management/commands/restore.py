"""metroscope restore DIR: a backup into an empty database, then every table compared."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from metroscope.core import backup


class Command(BaseCommand):
    help = (
        "Restore a backup made by `metroscope backup` into an empty database (the configured "
        "one, or --into DATABASE_URL) and an empty media folder, after checking its files "
        "against the manifest; then compare every table's row count and checksum with it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", type=Path)
        parser.add_argument("--into", help="restore into this DATABASE_URL instead")
        parser.add_argument("--media", type=Path, help="restore media into this folder instead")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            differences = backup.restore(
                options["folder"],
                into=options["into"],
                media_root=options["media"],
                say=self.stdout.write,
            )
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        for difference in differences:
            self.stderr.write(
                f"{difference.table}: expected {difference.expected}, found {difference.found}"
            )
        if differences:
            raise CommandError(f"{len(differences)} tables differ from the backup's manifest.")
        self.stdout.write("Restored: 0 differences in every table's row count and checksum.")
