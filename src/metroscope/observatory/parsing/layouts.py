"""Rows of a recognised layout (tidy, wide or SDMX-CSV) turned into raw records.

A note or flags column the file does not have gives None, not "": the import then keeps the
notes and flags already held, where an empty cell clears them."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator

from metroscope.observatory.parsing.errors import ImportFileError
from metroscope.observatory.parsing.headers import OPTIONAL, REQUIRED, Layout, Rows
from metroscope.observatory.parsing.numbers import normalise_comma_decimal, normalise_dot_decimal
from metroscope.observatory.parsing.records import RawRecord, new_record

WIDE_EMPTY_CELLS = frozenset({"", "..", "...", "na", "n/a", "-", "#n/a"})
_SDMX_ANNUAL = re.compile(r"(\d{4})-(?:A|A1|A01|Y)")


def layout_records(layout: Layout, rows: Rows, decimal: str) -> Iterator[RawRecord]:
    normalise = normalise_comma_decimal if decimal == "," else normalise_dot_decimal
    if layout.format == "wide":
        return _wide_records(layout, rows, normalise)
    if layout.format == "sdmx":
        return _sdmx_records(layout, rows, normalise)
    return _tidy_records(layout, rows, normalise)


def _indexes(layout: Layout, roles: Iterable[str]) -> list[int]:
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
    layout: Layout, rows: Rows, normalise: Callable[[str], str]
) -> Iterator[RawRecord]:
    roles = (*REQUIRED["tidy"], *OPTIONAL)
    im, ii, iy, iv, ic, isx, iu, isc, iso, ino, ifl = _indexes(layout, roles)
    value_column = layout.header[iv].strip()
    width = len(layout.header)
    has_note, has_flags = "note" in layout.columns, "flags" in layout.columns
    for row, cells in rows:
        if len(cells) != width:
            cells = _fit(cells, width, row)
        else:
            cells.append("")
        yield new_record(
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
            cells[ino].strip() if has_note else None,
            cells[ifl].strip() if has_flags else None,
        )


def _sdmx_records(
    layout: Layout, rows: Rows, normalise: Callable[[str], str]
) -> Iterator[RawRecord]:
    roles = (*REQUIRED["sdmx"], *OPTIONAL, "action")
    im, ii, iy, iv, ic, isx, iu, isc, iso, ino, _ifl, ia = _indexes(layout, roles)
    value_column = layout.header[iv].partition(":")[0].strip()
    width = len(layout.header)
    has_note = "note" in layout.columns
    for row, cells in rows:
        cells = _fit(cells, width, row)
        if _code(cells[ia]).upper() == "D":
            raise ImportFileError(
                "SDMX action 'D' (delete) is not supported by this import",
                row=row,
                column=layout.header[ia].strip(),
            )
        yield new_record(
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
            cells[ino].strip() if has_note else None,
            None,
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
    layout: Layout, rows: Rows, normalise: Callable[[str], str]
) -> Iterator[RawRecord]:
    im, ii, ic, isx, iu, isc, iso, ino, ifl = _indexes(layout, ("metro", "indicator", *OPTIONAL))
    width = len(layout.header)
    has_note, has_flags = "note" in layout.columns, "flags" in layout.columns
    for row, cells in rows:
        cells = _fit(cells, width, row)
        for index, value_column, year in layout.years:
            value = cells[index].strip()
            if value.lower() in WIDE_EMPTY_CELLS:
                continue
            yield new_record(
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
                cells[ino].strip() if has_note else None,
                cells[ifl].strip() if has_flags else None,
            )
