"""Open data out: every format answers a filtered selection; spreadsheets are defused."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import openpyxl
import pyarrow.parquet as pq
import pytest
from frictionless import validate

from metroscope.observatory.models import Observation, Status
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

QUERY = "?metro=barcelona&indicator=pm25_annual_mean"


def fetch(fmt: str, query: str = QUERY, user=None) -> bytes:
    # XLSX, Parquet and data packages are jobs of the task queue: the page sends to the file
    response = client_for(user).get(
        f"/observatory/download/{fmt}/{query}", HTTP_HOST="127.0.0.1", follow=True
    )
    assert response.status_code == 200, response.content[:300]
    if response.streaming:
        return b"".join(response.streaming_content)  # type: ignore[attr-defined]
    return response.content


def expected() -> int:
    return Observation.objects.filter(
        metro__code="barcelona", indicator__code="pm25_annual_mean", status=Status.PUBLISHED
    ).count()


def test_csv_has_source_and_scale_and_only_the_selection():
    rows = list(csv.DictReader(io.StringIO(fetch("csv").decode())))
    assert len(rows) == expected() > 5
    assert {r["metro"] for r in rows} == {"barcelona"}
    assert rows[0]["source"] == "WHO_AAQ_2022_v9"
    assert rows[0]["scale"] == "core_city"  # WHO localities are administrative cities
    assert rows[0]["licence"]


def test_json_xlsx_parquet_hold_the_same_rows():
    data = json.loads(fetch("json"))
    assert len(data["data"]) == expected()
    assert data["meta"]["filters"] == "indicator=pm25_annual_mean, metro=barcelona"
    book = openpyxl.load_workbook(io.BytesIO(fetch("xlsx")), read_only=True)
    assert book.sheetnames[:2] == ["data", "about"]
    assert sum(1 for _ in book["data"].iter_rows()) == expected() + 1
    table = pq.read_table(io.BytesIO(fetch("parquet")))
    assert table.num_rows == expected()
    assert table.schema.field("value").type == "double"


def test_datapackage_is_valid_frictionless(tmp_path):
    path = tmp_path / "package.zip"
    path.write_bytes(fetch("datapackage", "?indicator=life_expectancy_at_birth&country=ESP"))
    with zipfile.ZipFile(path) as archive:
        descriptor = json.loads(archive.read("datapackage.json"))
    assert descriptor["resources"][0]["schema"]["primaryKey"] == [
        "metro",
        "indicator",
        "year",
        "sex",
    ]
    assert any("World Development Indicators" in s["title"] for s in descriptor["sources"])
    report = validate(str(path))
    assert report.valid, report.flatten(["type", "note"])


def test_formula_like_text_is_neutralised_in_csv_and_xlsx(staff):
    obs = Observation.objects.filter(metro__code="barcelona", indicator__code="pm25_annual_mean")
    obs.filter(year=2019).update(note='=HYPERLINK("http://evil")')
    rows = list(csv.DictReader(io.StringIO(fetch("csv").decode())))
    assert next(r for r in rows if r["year"] == "2019")["note"].startswith("'=")
    book = openpyxl.load_workbook(io.BytesIO(fetch("xlsx")), read_only=True)
    notes = [row[13] for row in book["data"].iter_rows(min_row=2, values_only=True)]
    assert any(str(n).startswith("'=") for n in notes)


def test_unpublished_values_stay_out_of_public_downloads(staff):
    obs = Observation.objects.get(
        metro__code="barcelona", indicator__code="pm25_annual_mean", year=2019
    )
    Observation.objects.filter(pk=obs.pk).update(status=Status.PROVISIONAL)
    public = fetch("csv").decode()
    assert ",2019," not in public
    staff_view = fetch("csv", QUERY + "&status=provisional", staff).decode()
    assert ",2019," in staff_view


def test_unknown_format_is_not_found():
    response = client_for(None).get("/observatory/download/xls/", HTTP_HOST="127.0.0.1")
    assert response.status_code == 404


def test_fast_csv_is_byte_identical_to_the_generic_writer():
    from metroscope.core.exports import csv_stream
    from metroscope.observatory.downloads import FIELDS, csv_chunks
    from metroscope.observatory.selectors import ObservationFilters, observation_rows

    Observation.objects.filter(metro__code="barcelona", year=2019).update(
        note='=1+1, "quoted"\nsecond line'
    )
    filters = ObservationFilters(metros=["barcelona", "sao-paulo"])
    fast = b"".join(csv_chunks(filters))
    generic = b"".join(csv_stream(FIELDS, observation_rows(filters)))
    assert fast == generic
    assert b'"\'=1+1, ""quoted""\nsecond line"' in fast
