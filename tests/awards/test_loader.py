"""The past editions load from data/awards/ as facts with their source; a second load changes
nothing; a bad row stops the load with its file, row and column, and nothing is written."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from metroscope.awards.loaders import load_awards_data
from metroscope.awards.models import Edition, PastResult
from metroscope.core.loading import LoadError, LoadReport

DATA = Path(settings.BASE_DIR) / "data"


def test_real_editions_are_loaded_with_sources(db):
    assert list(Edition.objects.values_list("year", flat=True)) == [
        2023,
        2020,
        2018,
        2016,
        2014,
        2012,
    ]
    wuhan = PastResult.objects.get(edition__year=2018, city="Wuhan")
    assert wuhan.result == "winner"
    assert wuhan.source_url == "http://www.guangzhouaward.org/a/828.html?lang=en"
    assert wuhan.solution is not None
    assert wuhan.solution.collection.code == "guangzhou-award"
    assert Edition.objects.get(year=2014).submissions_total == 259
    assert PastResult.objects.count() == 74


def test_a_second_load_changes_nothing(db):
    report = LoadReport()
    load_awards_data(DATA, report)
    assert report.changed == 0


def _copy_with(tmp_path: Path, old: str, new: str) -> Path:
    (tmp_path / "awards").mkdir()
    text = (DATA / "awards" / "awards.csv").read_text(encoding="utf-8")
    assert old in text
    (tmp_path / "awards" / "awards.csv").write_text(text.replace(old, new, 1), encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    ("old", "new", "row", "column"),
    [
        ("2012,Lilongwe,MWI,,winner", "2012,Lilongwe,MWI,,champion", 3, "result"),
        ("2012,Seoul,KOR", "2012,Seoul,KO", 4, "country_iso3"),
        ("2012,Vienna,AUT,,winner,255", "2012,Vienna,AUT,,winner,256", 6, "submissions_total"),
        ("2012,Vancouver", "20x2,Vancouver", 5, "edition"),
    ],
)
def test_a_bad_row_is_refused_with_its_place(db, tmp_path, old, new, row, column):
    folder = _copy_with(tmp_path, old, new)
    before = PastResult.objects.count()
    with pytest.raises(LoadError) as caught:
        load_awards_data(folder, LoadReport())
    assert (caught.value.path.name, caught.value.row, caught.value.column) == (
        "awards.csv",
        row,
        column,
    )
    assert PastResult.objects.count() == before
