"""metroscope export_iati --out FILE [--year YYYY]: activities as IATI activity XML 2.03."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from metroscope.accountability.activities import iati
from metroscope.accountability.activities.models import WorkPlan


class Command(BaseCommand):
    help = "Write the activities (of one work plan's year, or all) as IATI activity XML 2.03."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, type=Path, help="the XML file to write")
        parser.add_argument("--year", type=int, help="only the activities of this work plan")

    def handle(self, *args: Any, **options: Any) -> None:
        year: int | None = options["year"]
        if year is not None and not WorkPlan.objects.filter(year=year).exists():
            known = ", ".join(str(y) for y in WorkPlan.objects.values_list("year", flat=True))
            raise CommandError(f"There is no work plan for {year} (work plans: {known or 'none'}).")
        out: Path = options["out"]
        document = iati.export(year=year)
        out.write_bytes(document)
        count = document.count(b"<iati-activity ")
        self.stdout.write(f"{count} activities written to {out}.")
