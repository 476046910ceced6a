"""metroscope data_coverage [--out FILE]: which members have which values, at which scale."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from metroscope.observatory import coverage, selectors


class Command(BaseCommand):
    help = (
        "Write the data-coverage report (per member and scale, the indicator families with a "
        "value and their newest year, with the issue's totals) as Markdown, from the database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", type=Path, help="write to this file instead of stdout")

    def handle(self, *args: Any, **options: Any) -> None:
        members, rows = selectors.member_coverage()
        report = coverage.summarise(members, rows)
        text = coverage.render_markdown(report, generated=timezone.now().date().isoformat())
        if options["out"]:
            options["out"].write_text(text, encoding="utf-8")
            self.stdout.write(
                f"{options['out']}: {len(report.emissions_city_or_region)} members with an "
                f"emissions figure at core-city or region scale, "
                f"{len(report.hospital_access)} with a hospital-access share"
            )
        else:
            self.stdout.write(text)
