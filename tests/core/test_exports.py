"""Open-data exports, read back with the tools our users read them with: the csv module,
json, openpyxl, pyarrow and the Frictionless validator. No database needed."""

from __future__ import annotations

import csv
import gc
import io
import json
import tracemalloc
import zipfile
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import frictionless
import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from openpyxl.worksheet import _writer as openpyxl_writer

from metroscope.core import exports
from metroscope.core.exports import (
    ExportTooLarge,
    Field,
    Resource,
    csv_stream,
    json_stream,
    neutralise,
    table_schema,
    unneutralise,
    write_datapackage,
    write_parquet,
    write_xlsx,
)

FIELDS = [
    Field("city", "string", title="City", description="Name in the member's own spelling"),
    Field("year", "year"),
    Field("population", "integer"),
    Field("change", "number", description="Change on the previous year, %"),
    Field("capital", "boolean"),
    Field("measured_on", "date"),
]
ROWS: list[tuple[Any, ...]] = [
    ("São Paulo", 2020, 12_325_232, -3.5, False, date(2020, 7, 1)),
    ("Zürich", 2021, 421_878, 0.25, False, date(2021, 1, 1)),
    ("Ōsaka", 2022, None, None, None, None),
    ('Say "hi", then,\nleave', 2023, 5, 1.0, True, date(2023, 12, 31)),
]
INJECTION = "=cmd|' /C calc'!A0"
LICENCE = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0",
}
SOURCE = {"title": "Metropolis Observatory", "path": "https://www.metropolis.org"}


def csv_text(fields: list[Field], rows: Any) -> str:
    return b"".join(csv_stream(fields, rows)).decode("utf-8")


def csv_records(fields: list[Field], rows: Any) -> list[list[str]]:
    return list(csv.reader(io.StringIO(csv_text(fields, rows), newline="")))


# --- neutralise ------------------------------------------------------------------------------


@pytest.mark.parametrize("trigger", ["=", "+", "-", "@", "\t", "\r"])
def test_neutralise_prefixes_an_apostrophe_to_each_formula_trigger(trigger):
    assert neutralise(trigger + "SUM(A1:A9)") == "'" + trigger + "SUM(A1:A9)"


@pytest.mark.parametrize("text", ["Barcelona", "", "3-4 bedrooms", "'quoted", "a=b", "Ōsaka"])
def test_neutralise_leaves_harmless_text_alone(text):
    assert neutralise(text) == text


@pytest.mark.parametrize(
    "text", ["-chn-106", "=SUM(A1)", "+34", "@x", "Barcelona", "", "'quoted", "'", "a=b"]
)
def test_unneutralise_reads_back_what_neutralise_was_given(text):
    assert unneutralise(neutralise(text)) == text


def test_unneutralise_leaves_an_apostrophe_before_anything_else():
    assert unneutralise("'quoted'") == "'quoted'"


# --- CSV -------------------------------------------------------------------------------------


def test_csv_round_trips_unicode_commas_quotes_and_newlines():
    records = csv_records(FIELDS, ROWS)
    assert records[0] == [field.name for field in FIELDS]
    assert [record[0] for record in records[1:]] == [row[0] for row in ROWS]
    assert records[1] == ["São Paulo", "2020", "12325232", "-3.5", "false", "2020-07-01"]


def test_csv_writes_missing_values_as_empty_cells():
    assert csv_records(FIELDS, ROWS)[3] == ["Ōsaka", "2022", "", "", "", ""]


def test_csv_is_utf8_without_bom_with_crlf_line_ends():
    raw = b"".join(csv_stream(FIELDS, ROWS[:1]))
    assert raw.startswith(b"city,year,")
    assert raw.endswith(b"\r\n")
    assert "São".encode() in raw


def test_csv_neutralises_text_but_keeps_negative_numbers_numeric():
    fields = [Field("label", "string"), Field("value", "number")]
    records = csv_records(fields, [(INJECTION, -3.5), ("-3.5", -3.5)])
    assert records[1] == ["'" + INJECTION, "-3.5"]
    assert records[2] == ["'-3.5", "-3.5"]


def test_csv_writes_whole_floats_in_integer_columns_as_integers():
    fields = [Field("count", "integer"), Field("year", "year")]
    records = csv_records(fields, [(12.0, 2020.0), (Decimal("7"), 999)])
    assert records[1:] == [["12", "2020"], ["7", "0999"]]


def test_csv_treats_nan_and_infinity_as_missing_numbers():
    fields = [Field("value", "number")]
    records = csv_records(fields, [(float("nan"),), (float("inf"),), (Decimal("2.5"),)])
    assert records[1:] == [[""], [""], ["2.5"]]


def test_csv_writes_datetimes_in_utc():
    fields = [Field("loaded_at", "datetime")]
    paris = timezone(timedelta(hours=1))
    records = csv_records(fields, [(datetime(2024, 3, 1, 13, 30, tzinfo=paris),)])
    assert records[1] == ["2024-03-01T12:30:00Z"]


def test_csv_refuses_a_fraction_in_an_integer_column_and_names_the_cell():
    with pytest.raises(ValueError, match=r"row 2, column 'population' \(integer\)"):
        csv_text(FIELDS, [ROWS[0], ("Lima", 2020, 10.5, 1.0, False, None)])


def test_csv_refuses_text_in_a_number_column():
    with pytest.raises(ValueError, match="column 'change'"):
        csv_text(FIELDS, [("Lima", 2020, 10, "-3.5", False, None)])


def test_csv_refuses_a_row_of_the_wrong_length():
    with pytest.raises(ValueError, match="row 1 has 2 values for 6 fields"):
        csv_text(FIELDS, [("Lima", 2020)])


def test_csv_yields_chunks_of_about_64_kib():
    rows = (("Ciudad de México", 2000 + i % 25, i, i / 7, True, None) for i in range(20_000))
    chunks = list(csv_stream(FIELDS, rows))
    assert len(chunks) > 3
    # The buffer counts characters; "é" takes two bytes, so a chunk is a little larger.
    assert all(exports.CHUNK_SIZE <= len(chunk) < 2 * exports.CHUNK_SIZE for chunk in chunks[:-1])


def test_csv_stream_memory_stays_flat():
    def rows() -> Iterator[tuple[Any, ...]]:
        for i in range(150_000):
            yield ("São Paulo", 2000 + i % 25, i, i * 0.5 - 3, i % 2 == 0, None)

    written = 0
    tracemalloc.start()
    try:
        for chunk in csv_stream(FIELDS, rows()):
            written += len(chunk)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # Holding the output, or the rows, would need several times the written size.
    assert written > 5_000_000
    assert peak < 2_000_000


# --- JSON ------------------------------------------------------------------------------------


def test_json_parses_and_holds_meta_fields_and_rows():
    meta = {"source": "Metropolis", "generated_at": datetime(2024, 5, 1, 8, 0, tzinfo=UTC)}
    document = json.loads(b"".join(json_stream(FIELDS, ROWS, meta=meta)))
    assert document["meta"] == {"source": "Metropolis", "generated_at": "2024-05-01T08:00:00Z"}
    assert document["fields"] == [field.name for field in FIELDS]
    expected = [
        {
            field.name: value.isoformat() if isinstance(value, date) else value
            for field, value in zip(FIELDS, row, strict=True)
        }
        for row in ROWS
    ]
    assert document["data"] == expected


def test_json_writes_nan_as_null_and_keeps_text_exactly():
    fields = [Field("label", "string"), Field("value", "number")]
    raw = b"".join(json_stream(fields, [(INJECTION, float("nan"))], meta={}))
    assert b"NaN" not in raw
    assert json.loads(raw)["data"] == [{"label": INJECTION, "value": None}]


def test_json_of_no_rows_is_valid():
    assert json.loads(b"".join(json_stream(FIELDS, [], meta={})))["data"] == []


def test_json_streams_in_chunks_that_join_into_valid_json():
    rows = [("Seoul", 2020, i, i / 3, False, None) for i in range(10_000)]
    chunks = list(json_stream(FIELDS, rows, meta={}))
    assert len(chunks) > 2
    assert len(json.loads(b"".join(chunks))["data"]) == 10_000


# --- XLSX ------------------------------------------------------------------------------------


def read_xlsx(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def test_xlsx_has_a_bold_header_and_typed_values():
    target = io.BytesIO()
    assert write_xlsx(FIELDS, ROWS, target) == len(ROWS)
    sheet = read_xlsx(target.getvalue())["data"]
    header = next(sheet.iter_rows(max_row=1))
    assert [cell.value for cell in header] == [field.name for field in FIELDS]
    assert all(cell.font.b for cell in header)
    values = list(sheet.iter_rows(min_row=2, values_only=True))
    assert values[0][:5] == ("São Paulo", 2020, 12_325_232, -3.5, False)
    assert values[0][5].date() == date(2020, 7, 1)
    assert values[2] == ("Ōsaka", 2022, None, None, None, None)
    assert values[3][0] == 'Say "hi", then,\nleave'


def test_xlsx_keeps_negative_numbers_numeric_and_neutralises_formulas():
    fields = [Field("label", "string"), Field("value", "number")]
    target = io.BytesIO()
    write_xlsx(fields, [(INJECTION, -3.5), ("@SUM(A1)", 2)], target)
    sheet = read_xlsx(target.getvalue()).active
    label, value = sheet["A2"], sheet["B2"]
    assert label.value == "'" + INJECTION
    assert label.data_type == "s"
    assert value.value == -3.5
    assert value.data_type == "n"
    assert sheet["A3"].value == "'@SUM(A1)"


def test_xlsx_about_sheet_holds_key_value_rows():
    target = io.BytesIO()
    about = [("source", "Metropolis"), ("filters", "=1+1"), ("licence", "CC-BY-4.0")]
    write_xlsx(FIELDS, ROWS, target, sheet_title="members", about=about)
    workbook = read_xlsx(target.getvalue())
    assert workbook.sheetnames == ["members", "about"]
    rows = list(workbook["about"].iter_rows(values_only=True))
    assert rows == [("source", "Metropolis"), ("filters", "'=1+1"), ("licence", "CC-BY-4.0")]


def test_xlsx_without_about_has_one_sheet():
    target = io.BytesIO()
    write_xlsx(FIELDS, ROWS, target)
    assert read_xlsx(target.getvalue()).sheetnames == ["data"]


def test_xlsx_stores_datetimes_as_utc_wall_time():
    fields = [Field("loaded_at", "datetime")]
    paris = timezone(timedelta(hours=1))
    target = io.BytesIO()
    write_xlsx(fields, [(datetime(2024, 3, 1, 13, 30, tzinfo=paris),)], target)
    utc_wall_time = datetime(2024, 3, 1, 12, 30, tzinfo=UTC).replace(tzinfo=None)
    assert read_xlsx(target.getvalue()).active["A2"].value == utc_wall_time


def test_xlsx_drops_control_characters_xml_cannot_hold():
    target = io.BytesIO()
    write_xlsx([Field("label", "string")], [("bell\x07 here",)], target)
    assert read_xlsx(target.getvalue()).active["A2"].value == "bell here"


@pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")
def test_xlsx_refuses_more_rows_than_excel_holds(monkeypatch):
    monkeypatch.setattr(exports, "XLSX_MAX_ROWS", 5)
    rows = (("Lagos", 2020, i, 1.0, False, None) for i in range(6))
    files_before = list(openpyxl_writer.ALL_TEMP_FILES)
    target = io.BytesIO()
    with pytest.raises(ExportTooLarge, match="more than 5 rows"):
        write_xlsx(FIELDS, rows, target)
    assert target.getvalue() == b""
    assert files_before == openpyxl_writer.ALL_TEMP_FILES
    gc.collect()  # an abandoned sheet writer would complain here, when it is collected


def test_xlsx_accepts_exactly_as_many_rows_as_excel_holds(monkeypatch):
    monkeypatch.setattr(exports, "XLSX_MAX_ROWS", 5)
    rows = (("Lagos", 2020, i, 1.0, False, None) for i in range(5))
    assert write_xlsx(FIELDS, rows, io.BytesIO()) == 5


def test_export_too_large_is_a_value_error():
    assert issubclass(ExportTooLarge, ValueError)


# --- Parquet ---------------------------------------------------------------------------------


def test_parquet_keeps_types_values_and_metadata():
    target = io.BytesIO()
    metadata = {"source": "Metropolis", "licence": "CC-BY-4.0"}
    assert write_parquet(FIELDS, ROWS, target, metadata=metadata) == len(ROWS)
    table = pq.read_table(io.BytesIO(target.getvalue()))
    assert [table.schema.field(f.name).type for f in FIELDS] == [
        pa.string(),
        pa.int32(),
        pa.int64(),
        pa.float64(),
        pa.bool_(),
        pa.date32(),
    ]
    assert table.to_pylist()[0] == dict(zip([f.name for f in FIELDS], ROWS[0], strict=True))
    assert table.column("population").to_pylist() == [12_325_232, 421_878, None, 5]
    assert table.schema.metadata[b"source"] == b"Metropolis"
    assert table.schema.metadata[b"licence"] == b"CC-BY-4.0"
    assert table.schema.field("city").metadata[b"title"] == b"City"


def test_parquet_keeps_text_exactly_and_datetimes_in_utc():
    fields = [Field("label", "string"), Field("loaded_at", "datetime")]
    paris = timezone(timedelta(hours=1))
    target = io.BytesIO()
    write_parquet(fields, [(INJECTION, datetime(2024, 3, 1, 13, 30, tzinfo=paris))], target)
    row = pq.read_table(io.BytesIO(target.getvalue())).to_pylist()[0]
    assert row["label"] == INJECTION
    assert row["loaded_at"] == datetime(2024, 3, 1, 12, 30, tzinfo=UTC)


def test_parquet_writes_record_batches(monkeypatch):
    monkeypatch.setattr(exports, "PARQUET_BATCH_ROWS", 10)
    rows = (("Lagos", 2020, i, i / 2, False, None) for i in range(25))
    target = io.BytesIO()
    assert write_parquet(FIELDS, rows, target) == 25
    parquet = pq.ParquetFile(io.BytesIO(target.getvalue()))
    assert parquet.metadata.num_row_groups == 3
    assert parquet.read().column("population").to_pylist() == list(range(25))


def test_parquet_of_no_rows_keeps_the_schema():
    target = io.BytesIO()
    assert write_parquet(FIELDS, [], target) == 0
    table = pq.read_table(io.BytesIO(target.getvalue()))
    assert table.num_rows == 0
    assert table.schema.names == [field.name for field in FIELDS]


# --- Table Schema and Data Package -----------------------------------------------------------


def test_table_schema_describes_fields_and_primary_key():
    schema = table_schema(FIELDS[:2], primary_key=["city", "year"])
    assert schema == {
        "fields": [
            {
                "name": "city",
                "type": "string",
                "title": "City",
                "description": "Name in the member's own spelling",
            },
            {"name": "year", "type": "year"},
        ],
        "missingValues": [""],
        "primaryKey": ["city", "year"],
    }


def test_table_schema_refuses_an_unknown_primary_key():
    with pytest.raises(ValueError, match="unknown field"):
        table_schema(FIELDS, primary_key=["metro"])


def test_field_refuses_unknown_types_and_names_that_are_not_snake_case():
    with pytest.raises(ValueError, match="unknown type"):
        Field("city", "text")
    with pytest.raises(ValueError, match="snake_case"):
        Field("City Name", "string")


def package_rows() -> list[tuple[Any, ...]]:
    return [*ROWS, (INJECTION, 1999, -12, -0.5, True, date(1999, 1, 1))]


def write_package(tmp_path: Path, rows: list[tuple[Any, ...]]) -> Path:
    target = io.BytesIO()
    write_datapackage(
        target,
        name="metroscope-cities",
        title="Cities",
        description="Population of member cities.",
        licenses=[LICENCE],
        sources=[SOURCE],
        resources=[
            Resource("cities", "Cities", FIELDS, rows, primary_key=["city"]),
            Resource("years", "Years", [Field("year", "year")], [(2020,), (2021,)]),
        ],
    )
    folder = tmp_path / "package"
    with zipfile.ZipFile(io.BytesIO(target.getvalue())) as archive:
        archive.extractall(folder)
    return folder


def error_types(report: frictionless.Report) -> set[str]:
    return {error_type for (error_type,) in report.flatten(["type"])}


def test_datapackage_is_a_valid_frictionless_package(tmp_path):
    folder = write_package(tmp_path, package_rows())
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["name"] == "metroscope-cities"
    assert descriptor["licenses"] == [LICENCE]
    assert descriptor["sources"] == [SOURCE]
    assert datetime.strptime(descriptor["created"], "%Y-%m-%dT%H:%M:%SZ")  # noqa: DTZ007
    resource = descriptor["resources"][0]
    assert resource["path"] == "data/cities.csv"
    assert (resource["format"], resource["mediatype"], resource["encoding"]) == (
        "csv",
        "text/csv",
        "utf-8",
    )
    assert resource["schema"] == table_schema(FIELDS, primary_key=["city"])
    report = frictionless.validate(str(folder / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    assert report.stats["tasks"] == 2


def test_datapackage_csv_is_the_csv_export(tmp_path):
    folder = write_package(tmp_path, package_rows())
    assert (folder / "data" / "cities.csv").read_bytes() == b"".join(
        csv_stream(FIELDS, package_rows())
    )


def test_frictionless_reports_a_wrong_type_in_an_integer_column(tmp_path):
    folder = write_package(tmp_path, package_rows())
    data = folder / "data" / "cities.csv"
    data.write_bytes(data.read_bytes().replace(b",12325232,", b",lots,"))
    report = frictionless.validate(str(folder / "datapackage.json"))
    assert not report.valid
    assert ["population", "type-error"] in report.flatten(["fieldName", "type"])


def test_frictionless_reports_a_changed_file_through_its_hash(tmp_path):
    folder = write_package(tmp_path, package_rows())
    data = folder / "data" / "cities.csv"
    data.write_bytes(data.read_bytes().replace(b",12325232,", b",12325233,"))
    report = frictionless.validate(str(folder / "datapackage.json"))
    assert error_types(report) == {"hash-count"}


def test_frictionless_reports_a_duplicate_primary_key(tmp_path):
    folder = write_package(tmp_path, [*ROWS, ROWS[0]])
    report = frictionless.validate(str(folder / "datapackage.json"))
    assert error_types(report) == {"primary-key"}


def test_datapackage_refuses_names_frictionless_would_reject():
    with pytest.raises(ValueError, match="not a data package name"):
        write_datapackage(
            io.BytesIO(),
            name="Metroscope Cities",
            title="",
            description="",
            licenses=[],
            sources=[],
            resources=[],
        )
