"""The real activities as loaded by load_open_data: counts, idempotence, and bad input refused
with file, row, column and reason, writing nothing."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import transaction

from metroscope.accountability.activities.loaders import load_activities_data
from metroscope.accountability.activities.models import Activity, ActivityType, Mode, WorkPlan
from metroscope.core.loading import LoadError, LoadReport
from metroscope.members.models import Member

pytestmark = pytest.mark.django_db

DATA = Path(settings.DATA_DIR)


def test_the_39_activities_and_their_work_plans_are_loaded():
    assert Activity.objects.count() == 39
    assert list(WorkPlan.objects.order_by("year").values_list("year", flat=True)) == [
        2018,
        2019,
        2020,
        2021,
        2022,
        2023,
    ]
    assert set(WorkPlan.objects.values_list("status", flat=True)) == {"draft"}
    assert Activity.objects.filter(type=ActivityType.STATUTORY).count() == 5


def test_places_dates_and_members_are_read_from_the_row():
    gauteng = Activity.objects.get(title__startswith="Gauteng Declaration")
    assert gauteng.date_precision == "month"
    assert (str(gauteng.start_date), str(gauteng.end_date)) == ("2018-08-01", "2018-08-31")
    assert sorted(gauteng.members.values_list("name", flat=True)) == ["Gauteng", "Johannesburg"]
    lse = Activity.objects.get(title__startswith="Metropolis and LSE Cities")
    assert list(lse.members.values_list("name", flat=True)) == ["Barcelona (city)"]
    assert lse.program.code == "P-OBS"
    assert lse.program_is_editorial
    assert lse.axis.code == "L2.2"
    assert lse.axis_is_editorial
    congress = Activity.objects.get(title__startswith="13th Metropolis World Congress")
    assert (congress.mode, congress.host_city) == (Mode.ONLINE, "Guangzhou")
    assert Activity.objects.filter(gender_marker__isnull=False).count() == 0


def test_a_second_load_changes_nothing():
    report = LoadReport()
    load_activities_data(DATA, report)
    assert report.changed == 0
    assert report.counts["accountability.Activity"]["unchanged"] == 39


def _copy_with(tmp_path: Path, line: int, column: str, value: str) -> Path:
    (tmp_path / "plan").mkdir(parents=True)
    source = DATA / "plan" / "activities.csv"
    with source.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    rows[line - 2][column] = value
    with (tmp_path / "plan" / "activities.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return tmp_path


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        ("date", "2021-13", "is not a date in the calendar"),
        ("date", "26/08/2018", "is not a date (YYYY-MM-DD, YYYY-MM or YYYY)"),
        ("type", "party", "unknown type 'party'"),
        ("action_line_guess", "L9.9", "no plan axis has the code 'L9.9'"),
        ("source_url", "lsecities.net", "is not a web address"),
        ("title", "", "the title is empty"),
    ],
)
def test_bad_rows_are_refused_with_file_row_and_column(tmp_path, column, value, reason):
    folder = _copy_with(tmp_path, 5, column, value)
    before = Activity.history.count()
    with pytest.raises(LoadError) as error, transaction.atomic():
        load_activities_data(folder, LoadReport())
    message = str(error.value)
    assert message.startswith(f"activities.csv, row 5, column {column!r}: ")
    assert reason in message
    assert Activity.history.count() == before


def test_a_repeated_row_is_refused(tmp_path):
    (tmp_path / "plan").mkdir()
    lines = (DATA / "plan" / "activities.csv").read_text(encoding="utf-8").splitlines()
    (tmp_path / "plan" / "activities.csv").write_text(
        "\n".join([*lines[:3], lines[2]]) + "\n", encoding="utf-8"
    )
    with pytest.raises(LoadError, match=r"row 4, column 'title': same date and title as row 3"):
        load_activities_data(tmp_path, LoadReport())


def test_a_missing_column_is_refused(tmp_path):
    (tmp_path / "plan").mkdir()
    shutil.copy(DATA / "plan" / "activities.csv", tmp_path / "plan" / "activities.csv")
    path = tmp_path / "plan" / "activities.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("source_url", "url", 1), "utf-8")
    with pytest.raises(LoadError, match=r"row 1: missing column\(s\): source_url"):
        load_activities_data(tmp_path, LoadReport())


def test_a_bad_activity_stops_the_whole_open_data_load(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    members = data / "members.csv"
    members.write_text(
        members.read_text(encoding="utf-8").replace(
            "Ajuntament de Barcelona", "SHOULD NOT BE SAVED", 1
        ),
        encoding="utf-8",
    )
    _copy_with(tmp_path / "bad", 7, "type", "party")
    shutil.copy(tmp_path / "bad" / "plan" / "activities.csv", data / "plan" / "activities.csv")
    with pytest.raises(CommandError) as error:
        call_command("load_open_data", data_dir=data, verbosity=0)
    assert str(error.value) == (
        "Nothing was loaded. activities.csv, row 7, column 'type': unknown type 'party'; known: "
        "board meeting, event, general assembly, platform, policy debate, publication, "
        "statement, training"
    )
    assert Member.objects.get(code="barcelona-city").institution == "Ajuntament de Barcelona"
    assert Activity.objects.count() == 39
