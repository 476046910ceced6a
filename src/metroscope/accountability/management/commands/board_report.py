"""metroscope board_report (--year YYYY | --mandate YYYY-YYYY) --lang en|fr|es --out FILE.pdf"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from metroscope.accountability.report import render


class Command(BaseCommand):
    help = (
        "Write the Secretariat's report to the Board for a year, or with --mandate the final "
        "evaluation of a mandate for the General Assembly, as a PDF in English, French or Spanish."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--year", type=int, help="the year of the report")
        which.add_argument("--mandate", help="the years of a mandate, e.g. 2021-2023")
        parser.add_argument(
            "--lang", default="en", choices=[code for code, _ in settings.LANGUAGES]
        )
        parser.add_argument("--out", required=True, type=Path, help="the PDF file to write")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        try:
            if options["mandate"]:
                years = render.parse_mandate(options["mandate"])
                scope = render.scope_for(years=years, language=options["lang"], mandate=True)
            else:
                scope = render.scope_for(years=[options["year"]], language=options["lang"])
            pdf = render.report_pdf(scope)
        except render.ReportError as exc:
            raise CommandError(str(exc)) from exc
        out: Path = options["out"]
        out.write_bytes(pdf)
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"Report {scope.label} ({options['lang']}) written to {out} in {seconds:.1f} s."
        )
