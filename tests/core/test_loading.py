from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from metroscope.core.loading import LoadError, LoadReport, read_csv
from metroscope.members.loaders import load_members_data
from metroscope.members.models import Country, Member, Region
from metroscope.plan.models import Outcome

pytestmark = pytest.mark.django_db


def data_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(settings.DATA_DIR, target)
    return target


def rewrite_csv(path: Path, change) -> None:  # type: ignore[no-untyped-def]
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        header = list(reader.fieldnames or [])
        rows = list(reader)
    header, rows = change(header, rows)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)


def csv_rows(name: str) -> list[dict[str, str]]:
    with (Path(settings.DATA_DIR) / name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_every_member_of_the_file_is_loaded_with_its_country_and_region():
    rows = csv_rows("members.csv")
    assert Member.objects.count() == len(rows) == 141
    loaded = {
        m.name: (m.country.iso3, m.country.region.name_en)
        for m in Member.objects.select_related("country__region")
    }
    for row in rows:
        assert loaded[row["member_name"]] == (row["country_iso3"], row["region"])
    assert Country.objects.filter(members__isnull=False).distinct().count() == len(
        {r["country_iso3"] for r in rows}
    )
    assert Region.objects.count() == 5


def test_second_load_changes_nothing_and_writes_no_history(capsys):
    history_before = Member.history.count()
    call_command("load_open_data")
    out = capsys.readouterr().out
    assert "0 change(s)." in out
    assert Member.history.count() == history_before


def test_a_changed_value_is_updated_on_the_next_load(tmp_path):
    data = data_copy(tmp_path)

    def rename(header, rows):  # type: ignore[no-untyped-def]
        rows[0]["institution"] = "District Autonome d'Abidjan"
        return header, rows

    rewrite_csv(data / "members.csv", rename)
    call_command("load_open_data", data_dir=data, verbosity=0)
    assert Member.objects.get(code="abidjan").institution == "District Autonome d'Abidjan"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda h, r: (h, [*r[:5], {**r[5], "country_iso3": "XXX"}, *r[6:]]),
            "members.csv, row 7, column 'country_iso3': unknown country 'XXX'",
        ),
        (
            lambda h, r: (h, [*r[:9], {**r[9], "latitude": "95.2"}, *r[10:]]),
            "members.csv, row 11, column 'latitude': 95.2 is outside -90..90",
        ),
        (
            lambda h, r: (h, [*r[:3], {**r[3], "longitude": "east"}, *r[4:]]),
            "members.csv, row 5, column 'longitude': 'east' is not a number",
        ),
        (
            lambda h, r: (h, [*r, dict(r[0])]),
            "members.csv, row 143, column 'member_name': duplicate value 'Abidjan' "
            "(first on row 2)",
        ),
        (
            lambda h, r: (
                [c for c in h if c != "institution"],
                [{k: v for k, v in row.items() if k != "institution"} for row in r],
            ),
            "members.csv, row 1: missing column(s): institution",
        ),
        (
            lambda h, r: (h, [*r[:2], {**r[2], "region": "Asia"}, *r[3:]]),
            "members.csv, row 4, column 'region': region 'Asia' differs from 'Africa'",
        ),
        (
            lambda h, r: (h, [*r[:1], {**r[1], "entity_type": "galaxy"}, *r[2:]]),
            "members.csv, row 3, column 'entity_type': entity type 'galaxy' has no kind",
        ),
    ],
    ids=[
        "unknown-country",
        "latitude-range",
        "not-a-number",
        "duplicate",
        "missing-column",
        "region-mismatch",
        "unknown-kind",
    ],
)
def test_bad_member_file_names_the_row_and_column_and_changes_nothing(tmp_path, change, message):
    data = data_copy(tmp_path)

    def with_early_edit(header, rows):  # type: ignore[no-untyped-def]
        header, rows = change(header, rows)
        if "institution" in header:
            rows[0] = {**rows[0], "institution": "SHOULD NOT BE SAVED"}
        return header, rows

    rewrite_csv(data / "members.csv", with_early_edit)
    with pytest.raises(CommandError) as excinfo:
        call_command("load_open_data", data_dir=data, verbosity=0)
    assert message in str(excinfo.value)
    assert "Nothing was loaded" in str(excinfo.value)
    assert Member.objects.get(code="abidjan").institution == "District d'Abidjan"
    assert Member.objects.count() == 141


def test_bad_plan_file_stops_the_whole_load(tmp_path):
    data = data_copy(tmp_path)
    plan = data / "strategic-plan-2021-2023.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("code: L2.2\n", "code: L9.9\n"))
    rewrite_csv(
        data / "members.csv",
        lambda h, r: (h, [{**r[0], "institution": "SHOULD NOT BE SAVED"}, *r[1:]]),
    )
    with pytest.raises(CommandError, match="axis 'L9.9' is not under line 'L2'"):
        call_command("load_open_data", data_dir=data, verbosity=0)
    assert Member.objects.get(code="abidjan").institution == "District d'Abidjan"
    assert Outcome.objects.filter(axis__code="L2.2").count() == 7


def test_missing_file_is_reported(tmp_path):
    data = data_copy(tmp_path)
    (data / "countries.csv").unlink()
    with pytest.raises(LoadError, match="countries.csv: file not found"):
        load_members_data(data, LoadReport())


def test_read_csv_rejects_rows_longer_than_the_header(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("a,b\n1,2\n1,2,3\n", encoding="utf-8")
    with pytest.raises(LoadError, match=r"x.csv, row 3: more fields than the header has"):
        read_csv(path, ["a", "b"])
