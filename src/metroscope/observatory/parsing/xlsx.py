"""Reading an Excel workbook (.xlsx) safely: zip bombs and XML entity declarations are refused
before openpyxl parses anything, and openpyxl's many failures become one readable error."""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Callable
from contextlib import ExitStack
from itertools import chain, islice
from pathlib import Path
from typing import IO, Any

from metroscope.observatory.parsing.errors import ImportFileError
from metroscope.observatory.parsing.headers import HEADER_SEARCH_ROWS, HeaderSearch, Layout, Rows
from metroscope.observatory.parsing.layouts import layout_records
from metroscope.observatory.parsing.records import ParsedFile, close_when_done

MAX_COMPRESSION_RATIO = 200
RATIO_CHECK_MIN_BYTES = 1 << 20
_MB = 1 << 20
_DTD_MARKERS = (
    b"<!DOCTYPE",
    b"<!ENTITY",
    *("<!DOCTYPE".encode(e) for e in ("utf-16-le", "utf-16-be")),
)


def open_xlsx(path: Path, max_uncompressed: int) -> ParsedFile:
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
        records = layout_records(layout, chain(first, rows), ".")
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
        records=close_when_done(records, resources.close),
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


def _find_rows_header(rows: Rows) -> Layout:
    search = HeaderSearch()
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
