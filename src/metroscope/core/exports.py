"""Open-data exports: CSV, JSON, XLSX, Parquet and Frictionless data packages from typed rows.

Metroscope publishes its numbers as open data that tools read directly (spreadsheets, pandas,
R, DuckDB, the Frictionless validators), so every format carries real types: a number is written
as a number, a missing value as an empty cell or null, never as the text "nan". All formats take
their values from one conversion step (`typed_rows`), so a download cannot disagree with another
download of the same rows.

Text cells reach spreadsheets, where a cell that starts with `=`, `+`, `-` or `@` is run as a
formula (CSV/formula injection: a city name typed as `=HYPERLINK(...)` would act when a reader
opens the file). CSV and XLSX therefore neutralise text cells with a leading apostrophe; only text
cells, because a real negative number in a number column must stay a number. JSON and Parquet are
read by programs, not spreadsheets, and keep the text exactly.

Exports stream: rows come from an iterator (a queryset's `.iterator()`, a DuckDB cursor) and leave
in chunks or record batches, so memory stays flat whether a table has a hundred rows or millions,
and a Django `StreamingHttpResponse` starts sending at once.

`core` knows no domain: callers describe their columns with `Field` and pass plain row tuples.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import numbers
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, BinaryIO

import pyarrow as pa
import pyarrow.parquet as pq
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

# Big enough that a streaming response sends few, full network writes; small enough to stay flat.
CHUNK_SIZE = 64 * 1024
PARQUET_BATCH_ROWS = 50_000
# Excel holds 1,048,576 rows per sheet; one is the header. Read at call time so tests can lower it.
XLSX_MAX_ROWS = 1_048_575
XLSX_MAX_CELL_CHARS = 32_767

FIELD_TYPES = ("string", "integer", "number", "year", "date", "datetime", "boolean")
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "parquet": "application/vnd.apache.parquet",
    "zip": "application/zip",
}

_FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_FIELD_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
# Data Package names: lower-case letters, digits and . _ - (Frictionless spec v1).
_PACKAGE_NAME = re.compile(r"^[a-z0-9._-]+$")


class ExportTooLarge(ValueError):
    """The rows do not fit the format (Excel's row or cell limits)."""


@dataclass(frozen=True)
class Field:
    """One column: a snake_case name and a Table Schema type that every format honours."""

    name: str
    type: str
    title: str = ""
    description: str = ""

    def __post_init__(self) -> None:
        if not _FIELD_NAME.match(self.name):
            raise ValueError(f"field name {self.name!r} is not snake_case")
        if self.type not in FIELD_TYPES:
            raise ValueError(f"field {self.name!r}: unknown type {self.type!r}")


@dataclass(frozen=True)
class Resource:
    """One table of a data package; `rows` is consumed once, while the package is written."""

    name: str
    title: str
    fields: Sequence[Field]
    rows: Iterable[Sequence[Any]]
    description: str = ""
    primary_key: Sequence[str] = ()


_UNSAFE_IN_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def safe_stem(*parts: object) -> str:
    """A download's file name (without extension) from codes the server resolved: anything
    but letters, digits, dots, hyphens and underscores becomes a hyphen, so no quote,
    semicolon or path from a request can reach the header (reflected file download)."""
    words = (_UNSAFE_IN_NAME.sub("-", str(p)).strip("-.") for p in parts)
    return "-".join(w for w in words if w)[:120] or "metroscope"


def safe_filename(*parts: object, extension: str) -> str:
    return f"{safe_stem(*parts)}.{_UNSAFE_IN_NAME.sub('', extension)}"


def attachment(response: Any, filename: str) -> Any:
    """Marks a response as a download of `filename` (RFC 6266: a quoted ASCII name, or
    `filename*=utf-8''…` percent-encoded), and returns it."""
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def neutralise(text: str) -> str:
    """Prefix an apostrophe to text a spreadsheet would run as a formula (OWASP's advice)."""
    if text.startswith(_FORMULA_TRIGGERS):
        return "'" + text
    return text


def unneutralise(text: str) -> str:
    """The text `neutralise` was given: a file downloaded here and read back (an import) means
    "-chn-106", not "'-chn-106"."""
    if text[:1] == "'" and text[1:2] in _FORMULA_TRIGGERS:
        return text[1:]
    return text


# --- one conversion step for every format ---------------------------------------------------
# Each converter returns None or one canonical Python type per field type, so that the writers
# below only format; they never decide what a value means.


def _as_string(value: Any) -> str | None:
    if value is None or type(value) is str:
        return value
    return str(value)


def _as_integer(value: Any) -> int | None:
    # Exact-type checks first: ABC isinstance checks are slow and this runs for every cell.
    if value is None or type(value) is int:
        return value
    if isinstance(value, bool):
        raise TypeError(f"{value!r} is a boolean, not an integer")
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, Decimal | numbers.Real):
        number = Decimal(value) if isinstance(value, Decimal) else float(value)
        if math.isnan(number):
            return None
        if math.isinf(number) or number != int(number):
            raise ValueError(f"{value!r} is not a whole number")
        return int(number)
    raise TypeError(f"{type(value).__name__} {value!r} is not an integer")


def _as_year(value: Any) -> int | None:
    year = value if type(value) is int else _as_integer(value)
    # Table Schema years are four digits.
    if year is not None and not 0 <= year <= 9999:
        raise ValueError(f"{year} is not a year between 0 and 9999")
    return year


def _as_number(value: Any) -> int | float | None:
    if type(value) is float:
        return value if math.isfinite(value) else None
    if value is None or type(value) is int:
        return value
    if isinstance(value, bool):
        raise TypeError(f"{value!r} is a boolean, not a number")
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, Decimal | numbers.Real):
        number = float(value)
        # JSON has no token for NaN or infinity, and an infinite indicator is a division by
        # zero upstream, not a measurement: both are missing values.
        return number if math.isfinite(number) else None
    raise TypeError(f"{type(value).__name__} {value!r} is not a number")


def _as_boolean(value: Any) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    raise TypeError(f"{type(value).__name__} {value!r} is not a boolean")


def _as_date(value: Any) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime) or not isinstance(value, date):
        raise TypeError(f"{type(value).__name__} {value!r} is not a date")
    return value


def _as_datetime(value: Any) -> datetime | None:
    """Datetimes leave in UTC; a naive one is taken to be UTC already (Django stores UTC)."""
    if value is None:
        return None
    if not isinstance(value, datetime):
        raise TypeError(f"{type(value).__name__} {value!r} is not a datetime")
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


_CONVERTERS: dict[str, Callable[[Any], Any]] = {
    "string": _as_string,
    "integer": _as_integer,
    "number": _as_number,
    "year": _as_year,
    "date": _as_date,
    "datetime": _as_datetime,
    "boolean": _as_boolean,
}


def typed_rows(fields: Sequence[Field], rows: Iterable[Sequence[Any]]) -> Iterator[list[Any]]:
    """Rows with each value checked against its field's type, the shared first step of every
    writer; a bad value raises ValueError naming its row (1-based, header excluded) and column.
    """
    converters = [_CONVERTERS[field.type] for field in fields]
    for index, row in enumerate(rows, start=1):
        if len(row) != len(converters):
            raise ValueError(f"row {index} has {len(row)} values for {len(fields)} fields")
        try:
            values = [convert(value) for convert, value in zip(converters, row, strict=True)]
        except (TypeError, ValueError) as exc:
            raise _locate(fields, row, index) from exc
        yield values


def _locate(fields: Sequence[Field], row: Sequence[Any], index: int) -> ValueError:
    for field, value in zip(fields, row, strict=True):
        try:
            _CONVERTERS[field.type](value)
        except (TypeError, ValueError) as exc:
            return ValueError(f"row {index}, column {field.name!r} ({field.type}): {exc}")
    return ValueError(f"row {index}: cannot convert")  # pragma: no cover


def _iso_utc(value: datetime) -> str:
    return value.replace(tzinfo=None).isoformat() + "Z"


# --- CSV and JSON: streamed text -------------------------------------------------------------

_CSV_TEXT: dict[str, Callable[[Any], str]] = {
    "string": neutralise,
    "integer": str,
    "number": repr,  # the shortest text that reads back to the same float
    "year": lambda year: f"{year:04d}",
    "date": date.isoformat,
    "datetime": _iso_utc,
    "boolean": lambda flag: "true" if flag else "false",
}


def _comma(text: Callable[[Any], str]) -> Callable[[Any], str]:
    return lambda value: text(value).replace(".", ",")


def csv_stream(
    fields: Sequence[Field],
    rows: Iterable[Sequence[Any]],
    *,
    delimiter: str = ",",
    bom: bool = False,
    decimal_comma: bool = False,
) -> Iterator[bytes]:
    """RFC 4180 CSV in UTF-8 without a BOM, header = field names, missing values empty.
    (The "CSV for Excel" variant, core/downloads.py, asks for a BOM, `;` and decimal commas.)

    Yields chunks of about CHUNK_SIZE bytes, for StreamingHttpResponse or a zip member.
    """
    formats = [_CSV_TEXT[field.type] for field in fields]
    if decimal_comma:
        formats = [
            _comma(text) if f.type == "number" else text
            for f, text in zip(fields, formats, strict=True)
        ]
    buffer = io.StringIO()
    if bom:
        buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow([field.name for field in fields])
    for row in typed_rows(fields, rows):
        writer.writerow(
            ["" if value is None else text(value) for text, value in zip(formats, row, strict=True)]
        )
        if buffer.tell() >= CHUNK_SIZE:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return _iso_utc(value.astimezone(UTC) if value.tzinfo else value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return _as_number(value)
    return str(value)


def json_stream(
    fields: Sequence[Field], rows: Iterable[Sequence[Any]], *, meta: Mapping[str, Any]
) -> Iterator[bytes]:
    """`{"meta": {...}, "fields": [names], "data": [{name: value}, ...]}`, one row per line.

    Valid JSON built piece by piece (no NaN: missing numbers are null), in chunks of about
    CHUNK_SIZE bytes.
    """
    encoder = json.JSONEncoder(
        ensure_ascii=False, allow_nan=False, default=_json_default, separators=(",", ":")
    )
    names = [field.name for field in fields]
    head = f'{{"meta":{encoder.encode(dict(meta))},"fields":{encoder.encode(names)},"data":['
    parts = [head]
    size = len(head)
    separator = "\n"
    for row in typed_rows(fields, rows):
        part = separator + encoder.encode(dict(zip(names, row, strict=True)))
        separator = ",\n"
        parts.append(part)
        size += len(part)
        if size >= CHUNK_SIZE:
            yield "".join(parts).encode("utf-8")
            parts, size = [], 0
    parts.append("\n]}\n")
    yield "".join(parts).encode("utf-8")


# --- XLSX ------------------------------------------------------------------------------------


def _xlsx_text(value: str) -> str:
    # openpyxl refuses control characters that XML cannot hold; they carry no meaning in data.
    text = neutralise(ILLEGAL_CHARACTERS_RE.sub("", value))
    if len(text) > XLSX_MAX_CELL_CHARS:
        raise ExportTooLarge(
            f"a text cell has {len(text):,} characters; Excel holds at most "
            f"{XLSX_MAX_CELL_CHARS:,} per cell"
        )
    return text


_XLSX_VALUE: dict[str, Callable[[Any], Any]] = {
    "string": _xlsx_text,
    # Excel has no time zones: the cell holds the UTC wall time.
    "datetime": lambda moment: moment.replace(tzinfo=None),
}


def _bold(sheet: WriteOnlyWorksheet, value: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.font = Font(bold=True)
    return cell


def write_xlsx(
    fields: Sequence[Field],
    rows: Iterable[Sequence[Any]],
    target: BinaryIO,
    *,
    sheet_title: str = "data",
    about: Sequence[tuple[str, str]] = (),
) -> int:
    """Write a workbook: sheet `sheet_title` with a bold, frozen header row and typed cells, then
    (when `about` is given) an "about" sheet of key/value rows such as source, licence, filters.

    Returns the number of data rows. Raises ExportTooLarge past Excel's XLSX_MAX_ROWS rows,
    before anything is written to `target`.
    """
    limit = XLSX_MAX_ROWS
    formats = [_XLSX_VALUE.get(field.type) for field in fields]
    workbook = Workbook(write_only=True)
    try:
        sheet = workbook.create_sheet(sheet_title)
        sheet.freeze_panes = "A2"
        sheet.append([_bold(sheet, field.name) for field in fields])
        count = 0
        for row in typed_rows(fields, rows):
            count += 1
            if count > limit:
                raise ExportTooLarge(
                    f"more than {limit:,} rows: Excel cannot open them; "
                    "narrow the selection or download CSV or Parquet"
                )
            sheet.append(
                [
                    value if value is None or fmt is None else fmt(value)
                    for fmt, value in zip(formats, row, strict=True)
                ]
            )
        if about:
            notes = workbook.create_sheet("about")
            for key, value in about:
                notes.append([_bold(notes, _xlsx_text(key)), _xlsx_text(value)])
        workbook.save(target)
    except BaseException:
        _discard_sheet_files(workbook)
        raise
    return count


def _discard_sheet_files(workbook: Workbook) -> None:
    """Remove the temporary files a write-only workbook streams its sheets into.

    openpyxl deletes them on save, otherwise only at interpreter exit: a long-running server
    refusing large exports would fill its disk.
    """
    for sheet in workbook.worksheets:
        # Closing finishes the sheet's XML, so the row writer has nothing left to flush when
        # it is garbage-collected after its file is gone.
        with suppress(Exception):
            sheet.close()
        writer = getattr(sheet, "_writer", None)
        if writer is not None:
            with suppress(OSError, ValueError):
                writer.cleanup()


# --- Parquet ---------------------------------------------------------------------------------

_ARROW_TYPES: dict[str, pa.DataType] = {
    "string": pa.string(),
    "integer": pa.int64(),
    "number": pa.float64(),
    # Parquet stores int16 and int32 alike as INT32, so int32 costs nothing and never overflows.
    "year": pa.int32(),
    "date": pa.date32(),
    "datetime": pa.timestamp("us", tz="UTC"),
    "boolean": pa.bool_(),
}


def arrow_schema(fields: Sequence[Field], metadata: Mapping[str, str] | None = None) -> pa.Schema:
    """Arrow schema for the fields; titles and descriptions travel as field metadata."""
    arrow_fields = []
    for field in fields:
        notes = {
            key: text
            for key, text in (("title", field.title), ("description", field.description))
            if text
        }
        arrow_fields.append(pa.field(field.name, _ARROW_TYPES[field.type], metadata=notes or None))
    return pa.schema(arrow_fields, metadata=dict(metadata or {}) or None)


def write_parquet(
    fields: Sequence[Field],
    rows: Iterable[Sequence[Any]],
    target: BinaryIO,
    *,
    metadata: Mapping[str, str] | None = None,
) -> int:
    """Write Parquet in record batches of PARQUET_BATCH_ROWS rows, so memory stays flat.

    `metadata` (source, licence, generated at...) is stored as key-value metadata on the schema.
    Returns the number of rows written.
    """
    schema = arrow_schema(fields, metadata)
    count = 0
    with pq.ParquetWriter(target, schema) as writer:
        batch: list[list[Any]] = []
        for row in typed_rows(fields, rows):
            batch.append(row)
            if len(batch) >= PARQUET_BATCH_ROWS:
                writer.write_batch(_record_batch(schema, batch))
                count += len(batch)
                batch = []
        if batch or not count:
            writer.write_batch(_record_batch(schema, batch))
            count += len(batch)
    return count


def _record_batch(schema: pa.Schema, rows: list[list[Any]]) -> pa.RecordBatch:
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in schema]
    arrays = [
        pa.array(column, type=field.type) for column, field in zip(columns, schema, strict=True)
    ]
    return pa.RecordBatch.from_arrays(arrays, schema=schema)


# --- Frictionless Table Schema and Data Package ----------------------------------------------


def table_schema(fields: Sequence[Field], *, primary_key: Sequence[str] = ()) -> dict[str, Any]:
    """Frictionless Table Schema (v1) describing the CSV that `csv_stream` writes."""
    names = [field.name for field in fields]
    unknown = [key for key in primary_key if key not in names]
    if unknown:
        raise ValueError(f"primary key names unknown field(s): {', '.join(unknown)}")
    described = []
    for field in fields:
        entry = {"name": field.name, "type": field.type}
        if field.title:
            entry["title"] = field.title
        if field.description:
            entry["description"] = field.description
        described.append(entry)
    schema: dict[str, Any] = {"fields": described, "missingValues": [""]}
    if primary_key:
        schema["primaryKey"] = list(primary_key)
    return schema


def write_datapackage(
    target: BinaryIO,
    *,
    name: str,
    title: str,
    description: str,
    licenses: Sequence[Mapping[str, str]],
    sources: Sequence[Mapping[str, str]],
    resources: Sequence[Resource],
) -> None:
    """Write a ZIP holding `datapackage.json` (Frictionless Data Package v1) and one CSV per
    resource under `data/`, each streamed into its zip member with its size and SHA-256 recorded.
    """
    _check_names(name, resources)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        described = [_write_resource(archive, resource) for resource in resources]
        descriptor = {
            "profile": "tabular-data-package",
            "name": name,
            "title": title,
            "description": description,
            "created": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "licenses": [dict(licence) for licence in licenses],
            "sources": [dict(source) for source in sources],
            "resources": described,
        }
        archive.writestr(
            "datapackage.json", json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n"
        )


def _check_names(name: str, resources: Sequence[Resource]) -> None:
    names = [name] + [resource.name for resource in resources]
    bad = [item for item in names if not _PACKAGE_NAME.match(item)]
    if bad:
        raise ValueError(f"not a data package name (a-z, 0-9, . _ -): {', '.join(bad)}")
    seen = [resource.name for resource in resources]
    if len(set(seen)) != len(seen):
        raise ValueError("resource names must be unique")


def _write_resource(archive: zipfile.ZipFile, resource: Resource) -> dict[str, Any]:
    path = f"data/{resource.name}.csv"
    digest = hashlib.sha256()
    size = 0
    # force_zip64: the size is unknown until the stream ends and may pass 2 GiB.
    with archive.open(path, "w", force_zip64=True) as member:
        for chunk in csv_stream(resource.fields, resource.rows):
            member.write(chunk)
            digest.update(chunk)
            size += len(chunk)
    entry: dict[str, Any] = {
        "profile": "tabular-data-resource",
        "name": resource.name,
        "title": resource.title,
        "path": path,
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "bytes": size,
        "hash": f"sha256:{digest.hexdigest()}",
        "schema": table_schema(resource.fields, primary_key=resource.primary_key),
    }
    if resource.description:
        entry["description"] = resource.description
    return entry
