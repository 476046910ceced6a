"""metroscope load_sample_accounts [--remove]: ILLUSTRATIVE budgets, expenses, funding, fees
and trips for the real activities, or their removal."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from metroscope.accountability.ledger import sample as sample_accounts


class Command(BaseCommand):
    help = (
        "Create illustrative (made-up, seeded) accounts and trips for the real activities, "
        "flagged illustrative=True; --remove deletes them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--remove", action="store_true", help="delete every illustrative row instead"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["remove"]:
            removed = sample_accounts.sample_accounts_remove()
            self.stdout.write(f"{removed} illustrative rows removed.")
            return
        report = sample_accounts.sample_accounts_load()
        for label, counts in sorted(report.counts.items()):
            self.stdout.write(
                f"{label}: {counts['created']} created, {counts['updated']} updated, "
                f"{counts['unchanged']} unchanged"
            )
        self.stdout.write(
            "Illustrative figures, not Metropolis's accounts: "
            "remove them with `metroscope load_sample_accounts --remove`."
        )
