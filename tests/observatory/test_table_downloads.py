"""Compare and the gender lens: downloads (CSV, CSV for Excel, XLSX), the lens's chart and
its sortable columns; the crosswalk's notes are all in the catalogues."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from metroscope.observatory import selectors
from metroscope.observatory.charts import gender_chart
from metroscope.observatory.crosswalk_notes import CROSSWALK_NOTES
from metroscope.observatory.models import Metro, MetroMember

pytestmark = pytest.mark.django_db


def _csv(response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_compare_download_holds_the_values_the_page_shows(client):
    metros = [Metro.objects.get(code="barcelona"), Metro.objects.get(code="paris")]
    table = selectors.compare(metros)
    shown = sum(1 for row in table for cell in row["cells"] if cell is not None)
    rows = _csv(client.get("/observatory/compare/download/csv/?metros=barcelona,paris"))
    assert len(rows) == shown
    first = table[0]["cells"][0]
    assert rows[0]["metro"] == "barcelona"
    assert float(rows[0]["value"]) == first.value
    assert {r["country"] for r in rows} == {"Spain", "France"}

    page = client.get("/observatory/compare/?metros=barcelona,paris").content.decode()
    assert 'href="/observatory/compare/download/xlsx/?metros=barcelona%2Cparis"' in page
    xlsx = client.get("/fr/observatory/compare/download/xlsx/?metros=barcelona,paris")
    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content)))["data"]
    assert sheet.max_row == shown + 1
    assert sheet["G2"].value == "Espagne"


def test_compare_download_refuses_bad_input_with_a_clear_message(client):
    one = client.get("/observatory/compare/download/csv/?metros=barcelona")
    assert one.status_code == 400
    assert "2 to 5 metros" in one.content.decode()
    unknown = client.get("/observatory/compare/download/csv/?metros=barcelona,qwxzqwxz")
    assert unknown.status_code == 400
    assert "qwxzqwxz" in unknown.content.decode()
    assert client.get("/observatory/compare/download/pdf/?metros=a,b").status_code == 404


def test_gender_lens_sorts_by_a_column_and_downloads_in_that_order(client):
    lens = selectors.gender_lens(members_only=True, sort="-gap")
    entry = next(e for e in lens if len(e["rows"]) > 2)
    gaps = [r["gap"] for r in entry["rows"]]
    assert gaps == sorted(gaps, reverse=True)
    by_name = selectors.gender_lens(members_only=True, sort="metro")
    names = [
        r["metro"].name
        for r in next(e for e in by_name if e["indicator"] == entry["indicator"])["rows"]
    ]
    assert names == sorted(names)

    rows = _csv(client.get("/observatory/gender/download/csv/?sort=-gap"))
    mine = [r for r in rows if r["indicator"] == entry["indicator"].code]
    assert [r["metro"] for r in mine] == [r["metro"].code for r in entry["rows"]]
    excel = b"".join(client.get("/es/observatory/gender/download/csv-excel/").streaming_content)
    assert excel.decode("utf-8").startswith("\ufeffindicator;indicator_name;")


def test_gender_page_has_sortable_headers_a_chart_and_download_links(client):
    html = client.get("/observatory/gender/?sort=ratio").content.decode()
    assert 'aria-sort="ascending"' in html
    assert 'href="?all=0&amp;sort=-ratio#' in html
    assert 'data-chart="chart-' in html
    assert 'href="/observatory/gender/download/csv-excel/?all=0&amp;sort=ratio"' in html


def test_gender_chart_draws_each_ratio_with_a_parity_line():
    entry = next(e for e in selectors.gender_lens(members_only=True) if e["rows"])
    spec = gender_chart(entry)
    assert spec is not None
    bars, parity = spec["layer"]
    values = [row["value"] for row in spec["data"]["values"]]
    assert values == [r["ratio"] for r in entry["rows"] if r["ratio"] is not None]
    assert parity["encoding"]["x"]["datum"] == 1
    assert gender_chart({**entry, "rows": []}) is None


def test_every_crosswalk_note_of_the_open_data_is_in_the_catalogues():
    notes = set(MetroMember.objects.exclude(note="").values_list("note", flat=True))
    assert notes
    assert notes <= CROSSWALK_NOTES


def test_a_crosswalk_note_reads_in_the_readers_language(client):
    html = client.get("/es/observatory/metros/barcelona/").content.decode()
    assert "aglomeración urbana WUP; sus límites difieren de los del AMB" in html
