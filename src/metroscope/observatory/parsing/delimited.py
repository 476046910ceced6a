"""Reading delimited text (CSV, semicolon or tab separated) in any of the accepted encodings."""

from __future__ import annotations

import csv
from itertools import chain, islice
from pathlib import Path
from typing import IO, Any

from metroscope.observatory.parsing.encoding import detect_encoding, open_text
from metroscope.observatory.parsing.errors import ImportFileError
from metroscope.observatory.parsing.headers import HEADER_SEARCH_ROWS, HeaderSearch, Layout, Rows
from metroscope.observatory.parsing.layouts import layout_records
from metroscope.observatory.parsing.records import ParsedFile, close_when_done

MAX_HEADER_LINE_CHARS = 1 << 20
DECIMAL_SAMPLE_ROWS = 1000


def open_delimited(path: Path) -> ParsedFile:
    encoding = detect_encoding(path)
    fh = open_text(path, encoding)
    try:
        layout, delimiter = _find_csv_header(fh)
        reader = csv.reader(fh, delimiter=delimiter)
        rows = _csv_rows(reader, offset=layout.header_row)
        sample = list(islice(rows, DECIMAL_SAMPLE_ROWS if delimiter in ";\t" else 1))
        if not sample:
            raise ImportFileError("the file has a header but no data rows", row=layout.header_row)
        decimal = "," if delimiter in ";\t" and _uses_decimal_comma(layout, sample) else "."
        records = layout_records(layout, chain(sample, rows), decimal)
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
        records=close_when_done(records, fh.close),
        _close=fh.close,
    )


def _find_csv_header(fh: IO[str]) -> tuple[Layout, str]:
    search = HeaderSearch()
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


def _uses_decimal_comma(layout: Layout, sample: list[tuple[int, list[str]]]) -> bool:
    indexes = [i for i, _, _ in layout.years] if layout.years else [layout.columns["value"]]
    for _, cells in sample:
        for index in indexes:
            value = cells[index] if index < len(cells) else ""
            comma = value.rfind(",")
            if comma >= 0 and value.rfind(".") < comma:
                return True
    return False


def _strip_all(cells: list[str]) -> list[str]:
    return [c.strip() for c in cells]
