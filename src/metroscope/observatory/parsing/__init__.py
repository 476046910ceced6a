"""Read an uploaded observations file (CSV or XLSX; tidy, wide or SDMX-CSV) into a lazy stream
of raw records. Nothing here knows the catalogue or the database: checking indicators, metros,
ranges and duplicates is the validator's job. Errors name the row and column a person can find.

The package, by step: `encoding` (which text encoding), `headers` (which row is the header and
which layout it announces), `delimited` and `xlsx` (the two readers), `layouts` (rows of each
layout as records), `numbers` (decimal commas, thousands separators), `records` and `errors`
(what comes out). Callers need only what this module exports.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from metroscope.observatory.parsing.delimited import open_delimited, sniff_delimiter
from metroscope.observatory.parsing.encoding import detect_encoding
from metroscope.observatory.parsing.errors import ImportFileError, place
from metroscope.observatory.parsing.headers import (
    ALIASES,
    OPTIONAL,
    REQUIRED,
    classify_header,
    header_key,
)
from metroscope.observatory.parsing.layouts import sdmx_year
from metroscope.observatory.parsing.numbers import normalise_comma_decimal, normalise_dot_decimal
from metroscope.observatory.parsing.records import ParsedFile, RawRecord
from metroscope.observatory.parsing.xlsx import cell_text, check_workbook_archive, open_xlsx

__all__ = [
    "ALIASES",
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_XLSX_UNCOMPRESSED",
    "OPTIONAL",
    "REQUIRED",
    "ImportFileError",
    "ParsedFile",
    "RawRecord",
    "cell_text",
    "check_workbook_archive",
    "classify_header",
    "detect_encoding",
    "header_key",
    "normalise_comma_decimal",
    "normalise_dot_decimal",
    "open_observations",
    "place",
    "sdmx_year",
    "sniff_delimiter",
]

DEFAULT_MAX_BYTES = 1 << 30  # 1 GiB
DEFAULT_MAX_XLSX_UNCOMPRESSED = 256 << 20  # 256 MiB
_MB = 1 << 20

XLSX_SIGNATURE = b"PK\x03\x04"
XLS_SIGNATURE = b"\xd0\xcf\x11\xe0"


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
        return open_xlsx(path, max_xlsx_uncompressed)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ImportFileError("UTF-16 text is not supported, save as UTF-8 CSV")
    if b"\x00" in head:
        raise ImportFileError("not a CSV or XLSX file (it holds binary data)")
    return open_delimited(path)
