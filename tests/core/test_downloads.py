"""Table downloads: the plain CSV, the CSV for Excel in the reader's language, and XLSX."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from metroscope.core.downloads import excel_csv_stream, table_download
from metroscope.core.exports import Field

FIELDS = [
    Field("city", "string"),
    Field("value", "number"),
    Field("year", "year"),
    Field("day", "date"),
]
ROWS = [("São Paulo", 20.5, 2020, date(2024, 3, 1)), ("=cmd", None, 2021, None)]


def _text(chunks) -> str:
    return b"".join(chunks).decode("utf-8")


def test_excel_csv_in_french_has_a_bom_semicolons_and_decimal_commas():
    text = _text(excel_csv_stream(FIELDS, ROWS, language="fr"))
    assert text.startswith("\ufeff")
    lines = text.lstrip("\ufeff").splitlines()
    assert lines[0] == "city;value;year;day"
    assert lines[1] == "São Paulo;20,5;2020;2024-03-01"
    assert lines[2] == "'=cmd;;2021;"  # a formula is defused, a missing value stays empty


def test_excel_csv_in_spanish_too_and_in_english_commas_and_points():
    assert "São Paulo;20,5;" in _text(excel_csv_stream(FIELDS, ROWS, language="es"))
    english = _text(excel_csv_stream(FIELDS, ROWS, language="en"))
    assert english.startswith("\ufeffcity,value,year,day")
    assert "São Paulo,20.5,2020,2024-03-01" in english


def test_table_download_answers_each_format_and_refuses_others():
    plain = table_download("csv", FIELDS, ROWS, name="t")
    assert plain["Content-Disposition"] == 'attachment; filename="t.csv"'
    assert not _text(plain.streaming_content).startswith("\ufeff")
    excel = table_download("csv-excel", FIELDS, ROWS, name="t")
    assert excel["Content-Disposition"] == 'attachment; filename="t-excel.csv"'
    xlsx = table_download("xlsx", FIELDS, ROWS, name="t", about=[("source", "test")])
    book = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content)))
    assert [c.value for c in book["data"][2]][:3] == ["São Paulo", 20.5, 2020]
    assert book["about"]["B1"].value == "test"
    with pytest.raises(ValueError, match="unknown format"):
        table_download("pdf", FIELDS, ROWS, name="t")
