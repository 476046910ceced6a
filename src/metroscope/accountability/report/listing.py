"""Long tables of the Board report as listings: one line of fixed-width columns per row, set in
a monospaced font. WeasyPrint lays out a table cell by cell, about a millisecond each: an annex
of 500 activities × 12 columns took 7 s and 17 pages; as lines of text it takes under a second
and 10 pages. Pure functions: strings in, strings out."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

GAP = "  "
MORE = "…"


@dataclass(frozen=True)
class Column:
    title: str
    width: int
    right: bool = False  # numbers
    wrap: bool = False  # long text goes on over the next lines of the row, else it is cut


def fit(text: object, width: int, *, right: bool = False) -> str:
    """The text on one line, cut with "…" when longer than the width, padded to it."""
    flat = " ".join(str(text).split())
    if len(flat) > width:
        flat = flat[: width - 1] + MORE
    return flat.rjust(width) if right else flat.ljust(width)


def line(columns: Sequence[Column], values: Sequence[object]) -> str:
    return GAP.join(
        fit(v, c.width, right=c.right) for c, v in zip(columns, values, strict=True)
    ).rstrip()


def row(columns: Sequence[Column], values: Sequence[object]) -> str:
    """One row, over several lines when a column that wraps needs them."""
    parts = [
        textwrap.wrap(" ".join(str(v).split()), c.width) or [""] if c.wrap else [str(v)]
        for c, v in zip(columns, values, strict=True)
    ]
    height = max(len(p) for p in parts)
    return "\n".join(
        line(columns, [p[n] if n < len(p) else "" for p in parts]) for n in range(height)
    )


def header(columns: Sequence[Column]) -> list[str]:
    """The column titles, each wrapped within its width, as many lines as the longest needs
    (aligned at the bottom, like a table's header)."""
    wrapped = [textwrap.wrap(c.title, c.width) or [""] for c in columns]
    height = max(len(w) for w in wrapped)
    lines = []
    for n in range(height):
        cells = []
        for parts in wrapped:
            index = n - (height - len(parts))
            cells.append(parts[index] if index >= 0 else "")
        lines.append(line(columns, cells))
    return lines


def rule(columns: Sequence[Column]) -> str:
    return GAP.join("─" * c.width for c in columns)
