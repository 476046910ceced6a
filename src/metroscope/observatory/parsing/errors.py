"""The one error of reading a file, and how every message says where a problem is."""

from __future__ import annotations


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
