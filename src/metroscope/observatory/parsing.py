"""Read an uploaded observations file (CSV or XLSX; tidy, wide or SDMX-CSV) into a lazy stream
of raw records. Nothing here knows the catalogue or the database: checking indicators, metros,
ranges and duplicates is the validator's job. Errors name the row and column a person can find.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field, fields
from itertools import chain, islice
from pathlib import Path
from typing import IO, Any

DEFAULT_MAX_BYTES = 1 << 30  # 1 GiB
DEFAULT_MAX_XLSX_UNCOMPRESSED = 256 << 20  # 256 MiB
MAX_COMPRESSION_RATIO = 200
RATIO_CHECK_MIN_BYTES = 1 << 20
HEADER_SEARCH_ROWS = 20  # non-blank rows looked at to find the header (preambles are shorter)
MAX_HEADER_LINE_CHARS = 1 << 20
DECIMAL_SAMPLE_ROWS = 1000
SCAN_CHUNK_BYTES = 8 << 20
_MB = 1 << 20

XLSX_SIGNATURE = b"PK\x03\x04"
XLS_SIGNATURE = b"\xd0\xcf\x11\xe0"
WIDE_EMPTY_CELLS = frozenset({"", "..", "...", "na", "n/a", "-", "#n/a"})
_SDMX_FIRST_COLUMNS = frozenset({"dataflow", "structure"})
_SDMX_COLUMNS = frozenset({"time_period", "obs_value"})  # SDMX without its first column
_SDMX_ANNUAL = re.compile(r"(\d{4})-(?:A|A1|A01|Y)")
_YEAR_HEADER = re.compile(r"((?:19|20)\d\d|2100)(?:\s*\[yr\d{4}\])?")
_HEADER_SEPARATORS = re.compile(r"[\s_-]+")
_COMMA_DECIMAL_NUMBER = re.compile(
    r"[+-]?(?:(?:\d{1,3}(?:[. \u00a0\u202f]\d{3})+|\d+)(?:,\d*)?|,\d+)(?:[eE][+-]?\d+)?"
)
_DOT_DECIMAL_GROUPED = re.compile(
    r"[+-]?\d{1,3}(?:[, \u00a0\u202f]\d{3})+(?:\.\d*)?(?:[eE][+-]?\d+)?"
)
_INVALID_UTF8 = re.compile("[\udc80-\udcff]")  # bytes that failed to decode, surrogate-escaped
_VALID_NON_ASCII = re.compile("[\x80-\ud7ff\ue000-\U0010ffff]")
_NON_ASCII_BYTE = re.compile(rb"[\x80-\xff]")
_CP1252_FALLBACK = "metroscope-latin1-fallback"
_C1_BYTES = bytes(range(0x80, 0xA0))
_DTD_MARKERS = (
    b"<!DOCTYPE",
    b"<!ENTITY",
    *("<!DOCTYPE".encode(e) for e in ("utf-16-le", "utf-16-be")),
)


def _latin1_fallback(exc: UnicodeError) -> tuple[str, int]:
    # The five bytes cp1252 leaves undefined read as their Latin-1 code points.
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    return exc.object[exc.start : exc.end].decode("latin-1"), exc.end


codecs.register_error(_CP1252_FALLBACK, _latin1_fallback)


def _aliases(**roles: str) -> dict[str, tuple[str, ...]]:
    return {role: tuple(names.split()) for role, names in roles.items()}


_OPTIONAL_ALIASES = {"sex": "sex", "unit": "unit", "scale": "scale", "source": "source"}
# Header names per role, in order of preference; header cells are matched through header_key().
ALIASES = {
    "tidy": _aliases(
        metro="metro city metro_code metropolitan_area",
        indicator="indicator indicator_code",
        year="year time_period period",
        value="value",
        country="country",
        note="note",
        **_OPTIONAL_ALIASES,
    ),
    "wide": _aliases(
        metro="metro metro_code metropolitan_area city name ref_area country_name country_code",
        indicator="indicator indicator_code series_code indicator_name series_name series",
        country="country country_code country_name",
        note="note",
        **_OPTIONAL_ALIASES,
    ),
    # A city-level column wins over REF_AREA, which then names the country.
    "sdmx": _aliases(
        metro="metro metro_id city fua ref_area",
        indicator="indicator measure series variable",
        year="time_period",
        value="obs_value",
        country="country ref_area",
        sex="sex",
        unit="unit_measure unit",
        scale="unit_mult scale",
        source="source",
        note="obs_comment comment",
        action="action",
    ),
}
REQUIRED = {
    "tidy": ("metro", "indicator", "year", "value"),
    "wide": ("metro", "indicator"),
    "sdmx": ("metro", "indicator", "year", "value"),
}
OPTIONAL = ("country", "sex", "unit", "scale", "source", "note")


def place(row: int | None, column: str | None) -> str:
    """ "row 3, column 'value'", "row 3" or "": where a problem is, for every message."""
    where = [] if row is None else [f"row {row}"]
    if column:
        where.append(f"column {column!r}")
    return ", ".join(where)


class ImportFileError(ValueError):
    """The file as a whole cannot be read. Carries row/column when known."""

    def __init__(self, reason: str, *, row: int | None = None, column: str | None = None) -> None:
        self.reason = reason
        self.row = row
        self.column = column
        super().__init__(str(self))

    def __str__(self) -> str:
        where = place(self.row, self.column)
        return f"{where}: {self.reason}" if where else self.reason


@dataclass(frozen=True, slots=True)
class RawRecord:
    row: int
    value_column: str
    metro: str
    indicator: str
    year: str
    value: str
    country: str = ""
    sex: str = ""
    unit: str = ""
    scale: str = ""
    source: str = ""
    note: str = ""


_NEW = object.__new__
(
    _ROW, _VALUE_COLUMN, _METRO, _INDICATOR, _YEAR, _VALUE,
    _COUNTRY, _SEX, _UNIT, _SCALE, _SOURCE, _NOTE,
) = (getattr(RawRecord, f.name).__set__ for f in fields(RawRecord))  # fmt: skip


def _record(
    row: int, value_column: str, metro: str, indicator: str, year: str, value: str,
    country: str, sex: str, unit: str, scale: str, source: str, note: str,
) -> RawRecord:  # fmt: skip
    """RawRecord(...) about 1.7 times faster: the frozen dataclass __init__ calls
    object.__setattr__ per field, the largest cost of reading a 15-million-row CSV."""
    record: RawRecord = _NEW(RawRecord)
    _ROW(record, row)
    _VALUE_COLUMN(record, value_column)
    _METRO(record, metro)
    _INDICATOR(record, indicator)
    _YEAR(record, year)
    _VALUE(record, value)
    _COUNTRY(record, country)
    _SEX(record, sex)
    _UNIT(record, unit)
    _SCALE(record, scale)
    _SOURCE(record, source)
    _NOTE(record, note)
    return record


@dataclass
class ParsedFile:
    """What was found out about the file, and its records as a lazy iterator.

    The file stays open until the records are exhausted or `close()` is called; use it as a
    context manager when the records may not be read to the end.
    """

    format: str
    kind: str
    encoding: str | None
    delimiter: str | None
    decimal: str
    header: list[str]
    records: Iterator[RawRecord]
    _close: Callable[[], None] = field(default=lambda: None, repr=False)

    def close(self) -> None:
        self._close()

    def __enter__(self) -> ParsedFile:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


@dataclass(frozen=True)
class _Layout:
    format: str
    header_row: int
    header: list[str]
    columns: dict[str, int]  # role -> column index
    years: tuple[tuple[int, str, str], ...] = ()  # wide: (column index, header text, year)


Rows = Iterator[tuple[int, list[str]]]


def open_observations(
    path: Path,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_xlsx_uncompressed: int = DEFAULT_MAX_XLSX_UNCOMPRESSED,
) -> ParsedFile:
    """Open an observations file and describe it; its records are read lazily.

    Raises ImportFileError when the file cannot be read as a whole (too big, empty, unknown
    layout, unsafe workbook, mixed encodings). Problems in single values are left to the
    validator, except rows that cannot be split into the header's columns.
    """
    path = Path(path)
    size = path.stat().st_size
    if size > max_bytes:
        raise ImportFileError(
            f"the file is {size / _MB:,.1f} MB ({size:,} bytes), "
            f"more than the limit of {max_bytes / _MB:,.1f} MB"
        )
    if size == 0:
        raise ImportFileError("the file is empty")
    with path.open("rb") as fh:
        head = fh.read(8192)
    if head.startswith(XLS_SIGNATURE):
        raise ImportFileError("old .xls not supported, save as .xlsx or CSV")
    if head.startswith(XLSX_SIGNATURE) or path.suffix.lower() == ".xlsx":
        return _open_xlsx(path, max_xlsx_uncompressed)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ImportFileError("UTF-16 text is not supported, save as UTF-8 CSV")
    if b"\x00" in head:
        raise ImportFileError("not a CSV or XLSX file (it holds binary data)")
    return _open_delimited(path)


# --- encodings ---------------------------------------------------------------------------


def detect_encoding(path: Path) -> str:
    """Return "utf-8", "utf-8-sig", "latin-1" or "cp1252" by scanning the whole file."""
    scan = _EncodingScan()
    with path.open("rb") as fh:
        bom = fh.read(3)
        sig = bom == codecs.BOM_UTF8
        scan.feed(b"" if sig else bom)
        while chunk := fh.read(SCAN_CHUNK_BYTES):
            scan.feed(chunk)
    scan.finish()
    if scan.first_invalid is None:
        return "utf-8-sig" if sig else "utf-8"
    if sig:
        raise _mixed(scan.first_invalid, 1)
    return "cp1252" if scan.c1_seen else "latin-1"


def _mixed(not_utf8: int, utf8: int) -> ImportFileError:
    return ImportFileError(
        f"mixed encodings: line {not_utf8} is not UTF-8 but line {utf8} is", row=not_utf8
    )


class _EncodingScan:
    """Streaming check of UTF-8 validity that remembers the first line of each kind."""

    def __init__(self) -> None:
        self.carry = b""
        self.lines = 1  # line number at the start of the pending data
        self.first_invalid: int | None = None
        self.first_multibyte: int | None = None
        self.c1_seen = False

    def feed(self, chunk: bytes) -> None:
        data = self.carry + chunk
        cut = _incomplete_tail(data)
        self.carry = data[cut:]
        self._check(data[:cut])

    def finish(self) -> None:
        self._check(self.carry)
        self.carry = b""

    def _check(self, data: bytes) -> None:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            self._check_mixed(data)
        else:
            if self.first_multibyte is None and not data.isascii():
                match = _NON_ASCII_BYTE.search(data)
                position = match.start() if match else 0
                self.first_multibyte = self.lines + data.count(b"\n", 0, position)
                if self.first_invalid is not None:
                    raise _mixed(self.first_invalid, self.first_multibyte)
        self.lines += data.count(b"\n")

    def _check_mixed(self, data: bytes) -> None:
        self.c1_seen = self.c1_seen or len(data.translate(None, _C1_BYTES)) < len(data)
        text = data.decode("utf-8", "surrogateescape")
        if self.first_invalid is None:
            self.first_invalid = self.lines + _lines_before(_INVALID_UTF8.search(text), text)
        # Invalid bytes become one character each, a valid multibyte sequence one for several.
        if self.first_multibyte is None and len(text) < len(data):
            self.first_multibyte = self.lines + _lines_before(_VALID_NON_ASCII.search(text), text)
        if self.first_multibyte is not None:
            raise _mixed(self.first_invalid, self.first_multibyte)


def _lines_before(match: re.Match[str] | None, text: str) -> int:
    return text.count("\n", 0, match.start()) if match else 0


def _incomplete_tail(data: bytes) -> int:
    """Index where a UTF-8 sequence cut by the chunk end starts (len(data) when none is)."""
    end = len(data)
    for back in range(1, min(4, end) + 1):
        byte = data[end - back]
        if byte < 0x80:
            return end
        if byte >= 0xC0:
            needed = 2 if byte < 0xE0 else 3 if byte < 0xF0 else 4
            return end - back if needed > back else end
    return end


# --- delimited text ----------------------------------------------------------------------


def _open_delimited(path: Path) -> ParsedFile:
    encoding = detect_encoding(path)
    fh = _open_text(path, encoding)
    try:
        layout, delimiter = _find_csv_header(fh)
        reader = csv.reader(fh, delimiter=delimiter)
        rows = _csv_rows(reader, offset=layout.header_row)
        sample = list(islice(rows, DECIMAL_SAMPLE_ROWS if delimiter in ";\t" else 1))
        if not sample:
            raise ImportFileError("the file has a header but no data rows", row=layout.header_row)
        decimal = "," if delimiter in ";\t" and _uses_decimal_comma(layout, sample) else "."
        records = _records(layout, chain(sample, rows), decimal)
    except BaseException:
        fh.close()
        raise
    return ParsedFile(
        format=layout.format,
        kind="csv",
        encoding=encoding,
        delimiter=delimiter,
        decimal=decimal,
        header=layout.header,
        records=_closing(records, fh.close),
        _close=fh.close,
    )


def _open_text(path: Path, encoding: str) -> IO[str]:
    if encoding in ("latin-1", "cp1252"):
        return path.open(encoding="cp1252", errors=_CP1252_FALLBACK, newline="")
    return path.open(encoding=encoding, newline="")


def _find_csv_header(fh: IO[str]) -> tuple[_Layout, str]:
    search = _HeaderSearch()
    line_number = 0
    while search.looked_at < HEADER_SEARCH_ROWS:
        line = fh.readline(MAX_HEADER_LINE_CHARS)
        if not line:
            break
        line_number += 1
        if len(line) == MAX_HEADER_LINE_CHARS and not line.endswith(("\n", "\r")):
            raise ImportFileError("line is longer than 1 MB; not a CSV file?", row=line_number)
        if not line.strip():
            continue
        delimiter = sniff_delimiter(line)
        layout = search.offer(
            line_number, _strip_all(next(csv.reader([line], delimiter=delimiter)))
        )
        if layout is not None:
            return layout, delimiter
    raise search.failure()


def sniff_delimiter(line: str) -> str:
    """The delimiter among comma, semicolon and tab that splits the line into most fields."""
    counts = {d: len(next(csv.reader([line], delimiter=d))) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: counts[d])  # ties keep the earlier (comma first)


def _csv_rows(reader: Any, *, offset: int) -> Rows:
    """Non-blank rows with the file line of their first line (csv line_num counts from 0 here)."""
    previous = 0
    try:
        for cells in reader:
            line = offset + previous + 1
            previous = reader.line_num
            if cells and (cells[0].strip() or "".join(cells).strip()):
                yield line, cells
    except csv.Error as exc:
        raise ImportFileError(f"malformed CSV: {exc}", row=offset + reader.line_num) from exc


def _uses_decimal_comma(layout: _Layout, sample: list[tuple[int, list[str]]]) -> bool:
    indexes = [i for i, _, _ in layout.years] if layout.years else [layout.columns["value"]]
    for _, cells in sample:
        for index in indexes:
            value = cells[index] if index < len(cells) else ""
            comma = value.rfind(",")
            if comma >= 0 and value.rfind(".") < comma:
                return True
    return False


def _closing(records: Iterator[RawRecord], close: Callable[[], None]) -> Iterator[RawRecord]:
    try:
        yield from records
    finally:
        close()


# --- header recognition ------------------------------------------------------------------


class _HeaderSearch:
    """Looks at the first rows for a header, remembering what to say when none fits."""

    def __init__(self) -> None:
        self.looked_at = 0
        self.first: tuple[int, list[str]] | None = None
        self.partial: ImportFileError | None = None

    def offer(self, row: int, cells: list[str]) -> _Layout | None:
        self.looked_at += 1
        if self.first is None:
            self.first = (row, cells)
        result = classify_header(cells, row)
        if isinstance(result, _Layout):
            return result
        if self.partial is None:
            self.partial = result
        return None

    def failure(self) -> ImportFileError:
        if self.first is None:
            return ImportFileError("the file is empty")
        if self.partial is not None:
            return self.partial
        row, cells = self.first
        found = ", ".join(repr(c) for c in cells if c) or "none"
        return ImportFileError(
            f"unrecognised header: found columns {found}; expected a tidy table (metro, "
            "indicator, year, value), a wide table (metro or country name, indicator, and year "
            "columns such as 2019) or SDMX-CSV (first column DATAFLOW or STRUCTURE)",
            row=row,
        )


def header_key(cell: str) -> str:
    """Normalised header text for matching: trimmed, BOM-less, lower case, `_` for spaces."""
    return _HEADER_SEPARATORS.sub("_", cell.strip().lstrip("\ufeff").strip().lower())


def classify_header(cells: list[str], row: int) -> _Layout | ImportFileError | None:
    """A layout when `cells` is a complete header; an error when it is a header with missing
    columns; None when it does not look like a header at all."""
    keys = [header_key(c) for c in cells]
    sdmx_keys = [k.partition(":")[0].rstrip("_") for k in keys]  # "REF_AREA: Reference area"
    if sdmx_keys and (sdmx_keys[0] in _SDMX_FIRST_COLUMNS or set(sdmx_keys) >= _SDMX_COLUMNS):
        return _layout("sdmx", cells, sdmx_keys, row)
    tidy = _match_columns(keys, ALIASES["tidy"])
    years = tuple(
        (i, cells[i].strip(), m.group(1))
        for i, c in enumerate(cells)
        if (m := _YEAR_HEADER.fullmatch(c.strip().lower()))
    )
    if "value" in tidy or (not years and len(tidy.keys() & set(REQUIRED["tidy"])) >= 2):
        return _layout("tidy", cells, keys, row)
    if years:
        wide = _match_columns(keys, ALIASES["wide"])
        if "metro" in wide or "indicator" in wide:
            return _layout("wide", cells, keys, row, years)
    return None


def _layout(
    kind: str,
    cells: list[str],
    keys: list[str],
    row: int,
    years: tuple[tuple[int, str, str], ...] = (),
) -> _Layout | ImportFileError:
    columns = _match_columns(keys, ALIASES[kind])
    missing = [role for role in REQUIRED[kind] if role not in columns]
    if missing:
        wanted = "; ".join(f"{role} (one of: {', '.join(ALIASES[kind][role])})" for role in missing)
        return ImportFileError(f"missing required column(s) for a {kind} file: {wanted}", row=row)
    return _Layout(kind, row, list(cells), columns, years)


def _match_columns(keys: list[str], aliases: dict[str, tuple[str, ...]]) -> dict[str, int]:
    position: dict[str, int] = {}
    for number, key in enumerate(keys):
        position.setdefault(key, number)
    columns: dict[str, int] = {}
    for role, names in aliases.items():
        taken = set(columns.values())
        index = next(
            (position[n] for n in names if n in position and position[n] not in taken), None
        )
        if index is not None:
            columns[role] = index
    return columns


# --- records -----------------------------------------------------------------------------


def _records(layout: _Layout, rows: Rows, decimal: str) -> Iterator[RawRecord]:
    normalise = normalise_comma_decimal if decimal == "," else normalise_dot_decimal
    if layout.format == "wide":
        return _wide_records(layout, rows, normalise)
    if layout.format == "sdmx":
        return _sdmx_records(layout, rows, normalise)
    return _tidy_records(layout, rows, normalise)


def _indexes(layout: _Layout, roles: Iterable[str]) -> list[int]:
    """Column indexes for roles; -1 (a blank cell appended to each row) for absent ones."""
    return [layout.columns.get(role, -1) for role in roles]


def _fit(cells: list[str], width: int, row: int) -> list[str]:
    """Pad short rows, refuse rows that spill past the header, append the blank cell."""
    if len(cells) > width and any(c.strip() for c in cells[width:]):
        raise ImportFileError(
            f"this row has {len(cells)} fields but the header has {width} "
            "(a value holding the delimiter must be quoted)",
            row=row,
        )
    cells = cells[:width] if len(cells) > width else cells + [""] * (width - len(cells))
    cells.append("")
    return cells


def _tidy_records(
    layout: _Layout, rows: Rows, normalise: Callable[[str], str]
) -> Iterator[RawRecord]:
    im, ii, iy, iv, ic, isx, iu, isc, iso, ino = _indexes(layout, (*REQUIRED["tidy"], *OPTIONAL))
    value_column = layout.header[iv].strip()
    width = len(layout.header)
    for row, cells in rows:
        if len(cells) != width:
            cells = _fit(cells, width, row)
        else:
            cells.append("")
        yield _record(
            row,
            value_column,
            cells[im].strip(),
            cells[ii].strip(),
            cells[iy].strip(),
            normalise(cells[iv].strip()),
            cells[ic].strip(),
            cells[isx].strip(),
            cells[iu].strip(),
            cells[isc].strip(),
            cells[iso].strip(),
            cells[ino].strip(),
        )


def _sdmx_records(
    layout: _Layout, rows: Rows, normalise: Callable[[str], str]
) -> Iterator[RawRecord]:
    roles = (*REQUIRED["sdmx"], *OPTIONAL, "action")
    im, ii, iy, iv, ic, isx, iu, isc, iso, ino, ia = _indexes(layout, roles)
    value_column = layout.header[iv].partition(":")[0].strip()
    width = len(layout.header)
    for row, cells in rows:
        cells = _fit(cells, width, row)
        if _code(cells[ia]).upper() == "D":
            raise ImportFileError(
                "SDMX action 'D' (delete) is not supported by this import",
                row=row,
                column=layout.header[ia].strip(),
            )
        yield _record(
            row,
            value_column,
            _code(cells[im]),
            _code(cells[ii]),
            sdmx_year(_code(cells[iy])),
            normalise(cells[iv].strip()),
            _code(cells[ic]),
            _code(cells[isx]),
            _code(cells[iu]),
            _code(cells[isc]),
            _code(cells[iso]),
            cells[ino].strip(),
        )


def _code(cell: str) -> str:
    """The code of an SDMX "code: label" cell (labels=both); other cells unchanged."""
    code, separator, _ = cell.partition(": ")
    return code.strip() if separator else cell.strip()


def sdmx_year(period: str) -> str:
    """Annual SDMX periods ("2019-A1", "2019-Y") as the year; others pass through as they are."""
    match = _SDMX_ANNUAL.fullmatch(period)
    return match.group(1) if match else period


def _wide_records(
    layout: _Layout, rows: Rows, normalise: Callable[[str], str]
) -> Iterator[RawRecord]:
    im, ii, ic, isx, iu, isc, iso, ino = _indexes(layout, ("metro", "indicator", *OPTIONAL))
    width = len(layout.header)
    for row, cells in rows:
        cells = _fit(cells, width, row)
        for index, value_column, year in layout.years:
            value = cells[index].strip()
            if value.lower() in WIDE_EMPTY_CELLS:
                continue
            yield _record(
                row,
                value_column,
                cells[im].strip(),
                cells[ii].strip(),
                year,
                normalise(value),
                cells[ic].strip(),
                cells[isx].strip(),
                cells[iu].strip(),
                cells[isc].strip(),
                cells[iso].strip(),
                cells[ino].strip(),
            )


def normalise_comma_decimal(value: str) -> str:
    """Read a decimal-comma number: "1.234,5" and "1 234,5" give "1234.5"; other text stays."""
    if _COMMA_DECIMAL_NUMBER.fullmatch(value):
        return _drop_groups(value, ".").replace(",", ".")
    return value


def normalise_dot_decimal(value: str) -> str:
    """Drop thousands separators: "1,234.5" and "1 234.5" give "1234.5"; other text stays."""
    if (
        "," in value or " " in value or "\u00a0" in value or "\u202f" in value
    ) and _DOT_DECIMAL_GROUPED.fullmatch(value):
        return _drop_groups(value, ",")
    return value


def _drop_groups(value: str, separator: str) -> str:
    # Chained str.replace is several times faster than str.translate with a deletion table.
    return value.replace(separator, "").replace(" ", "").replace("\u00a0", "").replace("\u202f", "")


def _strip_all(cells: list[str]) -> list[str]:
    return [c.strip() for c in cells]


# --- XLSX --------------------------------------------------------------------------------


def _open_xlsx(path: Path, max_uncompressed: int) -> ParsedFile:
    check_workbook_archive(path, max_uncompressed)
    # openpyxl leaves the archive open when a workbook fails to load; owning the file lets
    # every path close it.
    resources = ExitStack()
    try:
        workbook = _load_workbook(resources.enter_context(path.open("rb")))
        resources.callback(workbook.close)
        sheet = _data_sheet(workbook)
        rows = _guarded(_xlsx_rows(sheet))
        layout = _find_rows_header(rows)
        # Cells right of the header are notes a person typed beside the table: nothing shifts.
        width = len(layout.header)
        rows = ((number, cells[:width]) for number, cells in rows)
        first = list(islice(rows, 1))
        if not first:
            raise ImportFileError("the file has a header but no data rows", row=layout.header_row)
        records = _records(layout, chain(first, rows), ".")
    except BaseException:
        resources.close()
        raise
    return ParsedFile(
        format=layout.format,
        kind="xlsx",
        encoding=None,
        delimiter=None,
        decimal=".",
        header=layout.header,
        records=_closing(records, resources.close),
        _close=resources.close,
    )


def check_workbook_archive(path: Path, max_uncompressed: int) -> None:
    """Refuse zip bombs and XML entity declarations before openpyxl parses anything."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            total = sum(m.file_size for m in members)
            if total > max_uncompressed:
                raise ImportFileError(
                    f"the workbook unpacks to {total / _MB:,.1f} MB, more than the limit of "
                    f"{max_uncompressed / _MB:,.1f} MB"
                )
            for member in members:
                _check_member(archive, member)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError) as exc:
        raise ImportFileError(f"not a readable .xlsx workbook: {exc}") from exc


def _check_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
    ratio = member.file_size / max(member.compress_size, 1)
    if member.file_size > RATIO_CHECK_MIN_BYTES and ratio > MAX_COMPRESSION_RATIO:
        raise ImportFileError(
            f"the workbook member {member.filename!r} is compressed {ratio:,.0f}:1 (more than "
            f"{MAX_COMPRESSION_RATIO}:1); refused as a possible zip bomb"
        )
    if member.filename.endswith((".xml", ".rels", ".vml")):
        with archive.open(member) as fh:
            prolog = fh.read(65536)
        if any(marker in prolog for marker in _DTD_MARKERS):
            raise ImportFileError(
                "the workbook contains XML entity declarations; refused for safety"
            )


def _load_workbook(fh: IO[bytes]) -> Any:
    from openpyxl import load_workbook  # openpyxl is slow to import; only workbooks need it

    return _xlsx_call(lambda: load_workbook(fh, read_only=True, data_only=True))


def _xlsx_call(action: Callable[[], Any]) -> Any:
    """Run an openpyxl step, turning its many failure types into ImportFileError."""
    from xml.etree.ElementTree import ParseError

    from openpyxl.utils.exceptions import InvalidFileException

    try:
        return action()
    except ImportFileError:
        raise
    except (
        ParseError, InvalidFileException, zipfile.BadZipFile, KeyError, ValueError,
        TypeError, IndexError, AttributeError, OSError, EOFError,
    ) as exc:  # fmt: skip
        raise _workbook_error(exc) from exc


def _workbook_error(exc: BaseException) -> ImportFileError:
    # openpyxl wraps parse failures in its own ValueError (whose text names the server path):
    # report the innermost cause, and defusedxml's refusals as such.
    from defusedxml import DefusedXmlException

    while not isinstance(exc, DefusedXmlException) and exc.__cause__ is not None:
        exc = exc.__cause__
    if isinstance(exc, DefusedXmlException):
        return ImportFileError("the workbook contains XML entity declarations; refused for safety")
    return ImportFileError(f"not a readable .xlsx workbook: {exc}")


def _data_sheet(workbook: Any) -> Any:
    sheets = workbook.worksheets
    if not sheets:
        raise ImportFileError("the workbook has no worksheet")
    sheet = next((s for s in sheets if s.title.strip().lower() == "data"), sheets[0])
    sheet.reset_dimensions()  # some writers record a wrong size; read every row there is
    return sheet


def _xlsx_rows(sheet: Any) -> Rows:
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        cells = [cell_text(v) for v in values]
        if any(cells):
            yield number, cells


def _guarded(rows: Rows) -> Rows:
    iterator = iter(rows)
    while True:
        item = _xlsx_call(lambda: next(iterator, None))
        if item is None:
            return
        yield item


def _find_rows_header(rows: Rows) -> _Layout:
    search = _HeaderSearch()
    for row, cells in rows:
        layout = search.offer(row, cells)
        if layout is not None:
            return layout
        if search.looked_at >= HEADER_SEARCH_ROWS:
            break
    raise search.failure()


def cell_text(value: object) -> str:
    """A spreadsheet value as the text a CSV would hold: 2019.0 -> "2019", dates in ISO."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date().isoformat()  # Excel keeps every date as a date-time
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value).strip()
