"""metroscope export_accounts TABLE --out FILE [--year YYYY]: the accounts for auditors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from metroscope.accountability.report import auditors as auditor_export
from metroscope.core import exports


class Command(BaseCommand):
    help = "Write activities, budget lines, expenses or funding as CSV or XLSX (by the suffix)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("table", choices=list(auditor_export.TABLES))
        parser.add_argument("--out", required=True, type=Path, help="a .csv or .xlsx file")
        parser.add_argument("--year", type=int, help="only this year's rows")

    def handle(self, *args: Any, **options: Any) -> None:
        out: Path = options["out"]
        fmt = out.suffix.lower().lstrip(".")
        if fmt not in auditor_export.FORMATS:
            raise CommandError(f"{out}: the file must end in .csv or .xlsx")
        table = auditor_export.TABLES[options["table"]]
        rows = table.rows(options["year"])
        with out.open("wb") as handle:
            if fmt == "csv":
                for chunk in exports.csv_stream(table.fields, rows):
                    handle.write(chunk)
            else:
                exports.write_xlsx(
                    table.fields,
                    rows,
                    handle,
                    sheet_title=table.name,
                    about=auditor_export.about(table, options["year"]),
                )
        self.stdout.write(f"{table.name} written to {out}.")
