"""The exchange's open data: 53 real solutions in four collections, loaded once; a bad row
stops the whole load with its row and column, and nothing is written."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import transaction

from metroscope.core.loading import LoadError, LoadReport
from metroscope.exchange.loaders import load_exchange_data
from metroscope.exchange.models import Collection, ReviewStep, Solution, SolutionStatus

pytestmark = pytest.mark.django_db

SOLUTIONS = Path(settings.DATA_DIR) / "exchange" / "solutions.csv"


def rows() -> list[dict[str, str]]:
    with SOLUTIONS.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def data_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(settings.DATA_DIR, target)
    return target


def rewrite(data: Path, index: int, **changes: str) -> None:
    """Change one data row (0 is the file's row 2) and the summary of the first row, so a load
    that wrote anything before failing would show."""
    table = rows()
    table[0]["summary"] = "SHOULD NOT BE SAVED"
    table[index].update(changes)
    with (data / "exchange" / "solutions.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(table[0]))
        writer.writeheader()
        writer.writerows(table)


def test_all_53_solutions_are_loaded_published_in_their_collections():
    table = rows()
    assert len(table) == Solution.objects.count() == 53
    assert Solution.objects.filter(status=SolutionStatus.PUBLISHED).count() == 53
    assert set(Collection.objects.values_list("code", flat=True)) == {
        "use",
        "cities-for-global-health",
        "guangzhou-award",
        "other",
    }
    seoul = Solution.objects.get(slug="the-sharing-city-seoul")
    assert seoul.collection.code == "use"
    assert seoul.sdgs == [10, 11, 12, 13]
    assert seoul.metro is not None
    assert seoul.metro.code == "seoul"
    assert {t.code for t in seoul.themes.all()} == {"T-SUS", "T-SOC", "T-ECO"}
    assert list(seoul.members.values_list("code", flat=True)) == ["seoul"]
    assert ReviewStep.objects.filter(solution=seoul, action="import").count() == 1


def test_second_load_changes_nothing():
    history = Solution.history.count()
    steps = ReviewStep.objects.count()
    report = LoadReport()
    load_exchange_data(Path(settings.DATA_DIR), report)
    assert report.changed == 0
    assert report.counts["exchange.Solution"]["unchanged"] == 53
    assert Solution.history.count() == history
    assert ReviewStep.objects.count() == steps


@pytest.mark.parametrize(
    ("index", "changes", "message"),
    [
        (
            4,
            {"themes": "sustainability; happiness"},
            "solutions.csv, row 6, column 'themes': unknown plan theme 'happiness'",
        ),
        (
            9,
            {"sdgs": "11; 18"},
            "solutions.csv, row 11, column 'sdgs': SDGs are numbered 1 to 17",
        ),
        (
            2,
            {"sdgs": "eleven"},
            "solutions.csv, row 4, column 'sdgs': SDGs must be numbers 1-17",
        ),
    ],
    ids=["unknown-theme", "sdg-out-of-range", "sdg-not-a-number"],
)
def test_bad_row_names_row_and_column_and_writes_nothing(tmp_path, index, changes, message):
    data = data_copy(tmp_path)
    rewrite(data, index, **changes)
    with pytest.raises(LoadError) as raised, transaction.atomic():
        load_exchange_data(data, LoadReport())
    assert message in str(raised.value)
    with pytest.raises(CommandError, match="Nothing was loaded"):
        call_command("load_open_data", data_dir=data, verbosity=0)
    assert not Solution.objects.filter(summary="SHOULD NOT BE SAVED").exists()
    assert Solution.objects.count() == 53
