"""The real activities' themes, challenges and factors from data/plan/activity_tags.csv: each
tag backed by words of the record, checked at load; the opportunity matrix counts an activity
in every theme × challenge cell of its tags, and says how many activities are in none."""

from __future__ import annotations

import csv
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from metroscope.accountability.activities.loaders import load_activities_data
from metroscope.accountability.activities.models import Activity
from metroscope.accountability.dashboards import analytics as dashboards
from metroscope.core.loading import LoadError, LoadReport
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

DATA = Path(settings.DATA_DIR)
TAGS = DATA / "plan" / "activity_tags.csv"


def _rows() -> list[dict[str, str]]:
    with TAGS.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_every_tag_of_the_file_is_on_its_activity():
    rows = _rows()
    assert rows, "the tags file is not empty"
    relation = {"T-": "themes", "C-": "challenges", "X-": "factors"}
    for row in rows:
        activity = Activity.objects.get(title=row["title"], source_url=row["source_url"])
        codes = set(getattr(activity, relation[row["tag"][:2]]).values_list("code", flat=True))
        assert row["tag"] in codes, (row["title"], row["tag"])


def test_an_activity_the_file_does_not_tag_has_no_tag():
    # the African Metropolis Forum's record names no theme, challenge or factor
    forum = Activity.objects.get(title="Inaugural meeting of the African Metropolis Forum")
    assert not forum.themes.exists()
    assert not forum.challenges.exists()


def test_a_second_load_adds_no_tag():
    report = LoadReport()
    load_activities_data(DATA, report)
    assert report.changed == 0


def _folder_with_tags(tmp_path: Path, rows: list[dict[str, str]]) -> Path:
    (tmp_path / "plan").mkdir()
    shutil.copy(DATA / "plan" / "activities.csv", tmp_path / "plan" / "activities.csv")
    with (tmp_path / "plan" / "activity_tags.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return tmp_path


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        ("quote", "affordable housing for all", "not word for word"),
        ("tag", "T-NOPE", "no theme, challenge or factor"),
        ("title", "An activity that never was", "no activity"),
        ("field", "notes", "not one of"),
        ("source_url", "https://example.org/", "not the activity's source"),
    ],
)
def test_a_tag_the_record_does_not_support_is_refused_and_nothing_is_written(
    tmp_path, column, value, reason
):
    rows = _rows()
    rows[2][column] = value
    folder = _folder_with_tags(tmp_path, rows)
    before = Activity.themes.through.objects.count()
    with pytest.raises(LoadError) as error:
        load_activities_data(folder, LoadReport())
    assert reason in str(error.value)
    assert "activity_tags.csv, row 4" in str(error.value)
    assert Activity.themes.through.objects.count() == before


def test_an_activity_with_two_themes_and_two_challenges_counts_in_four_cells():
    activity = dashboards.Tagged(
        pk=1, themes=frozenset({"T-SUS", "T-SOC"}), challenges=frozenset({"C-GROWTH", "C-RESIL"})
    )
    grid = dashboards.opportunity_matrix(
        challenges=["C-GROWTH", "C-RESIL", "C-LEGIT"],
        themes=["T-SUS", "T-SOC", "T-GEN"],
        activities=[activity],
        spending={1: Decimal("10.00")},
        solutions=[],
    )
    counted = {(c.challenge, c.theme) for row in grid for c in row if c.activities == [1]}
    assert counted == {
        ("C-GROWTH", "T-SUS"),
        ("C-GROWTH", "T-SOC"),
        ("C-RESIL", "T-SUS"),
        ("C-RESIL", "T-SOC"),
    }
    assert sum(c.spending_eur for row in grid for c in row) == Decimal("40.00")


def test_the_matrix_counts_the_untagged_with_a_link_for_staff_only(staff):
    untagged = sum(
        1
        for a in Activity.objects.prefetch_related("themes", "challenges")
        if not a.themes.all() or not a.challenges.all()
    )
    assert 0 < untagged < Activity.objects.count()
    link = 'href="/plan/activities/?untagged=1"'
    public = client_for(None).get("/plan/matrix/").content.decode()
    assert f"{untagged} activities are in no cell" in public
    assert link not in public
    assert 'id="opportunity-matrix-spec"' in public  # tagged activities: a chart to draw
    assert link in client_for(staff).get("/plan/matrix/").content.decode()
    listed = client_for(staff).get("/plan/activities/?untagged=1").content.decode()
    assert f"{untagged} activities" in listed


def test_no_matrix_chart_is_drawn_without_a_tagged_activity():
    for relation in (Activity.themes, Activity.challenges):
        relation.through.objects.all().delete()
    page = client_for(None).get("/plan/matrix/").content.decode()
    assert 'id="opportunity-matrix-spec"' not in page
    assert 'data-testid="matrix-empty"' in page
    assert "0.000000" not in page
