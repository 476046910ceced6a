"""metroscope data_coverage [--out FILE]: which members have which values, at which scale."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from metroscope.members.models import Member
from metroscope.observatory import coverage, selectors
from metroscope.observatory.loaders import DIR
from metroscope.observatory.loaders.third_drop import CDP, CEADS, CROSSWALK, read_crosswalk


def own_inventory_members() -> set[str]:
    """Members the reviewed crosswalk gives a CDP or CEADs inventory of their own."""
    codes = dict(Member.objects.values_list("name", "code"))
    names = {code: name for name, code in codes.items()}
    links = read_crosswalk(Path(settings.DATA_DIR) / DIR / CROSSWALK, codes)
    return {
        names[link.member]
        for link in links
        if link.dataset in {CDP, CEADS} and link.match_type == "own"
    }


class Command(BaseCommand):
    help = (
        "Write the data-coverage report (per member and scale, the indicator families with a "
        "value and their newest year, with the issue's totals) as Markdown, from the database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", type=Path, help="write to this file instead of stdout")

    def handle(self, *args: Any, **options: Any) -> None:
        members, rows = selectors.member_coverage()
        report = coverage.summarise(members, rows, own_inventory_members())
        text = coverage.render_markdown(report, generated=timezone.now().date().isoformat())
        if options["out"]:
            options["out"].write_text(text, encoding="utf-8")
            self.stdout.write(
                f"{options['out']}: {len(report.emissions_city_or_region)} members with an "
                f"emissions figure at core-city or region scale "
                f"({len(report.emissions_own_inventory)} their own government's inventory), "
                f"{len(report.hospital_access)} with a hospital-access share"
            )
        else:
            self.stdout.write(text)
