"""Finding the header row among a file's first rows and telling its layout (tidy, wide or
SDMX-CSV) from the column names, each matched to a role (metro, indicator, year, …)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from metroscope.observatory.parsing.errors import ImportFileError

HEADER_SEARCH_ROWS = 20  # non-blank rows looked at to find the header (preambles are shorter)
_SDMX_FIRST_COLUMNS = frozenset({"dataflow", "structure"})
_SDMX_COLUMNS = frozenset({"time_period", "obs_value"})  # SDMX without its first column
_YEAR_HEADER = re.compile(r"((?:19|20)\d\d|2100)(?:\s*\[yr\d{4}\])?")
_HEADER_SEPARATORS = re.compile(r"[\s_-]+")


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
        flags="flags",
        **_OPTIONAL_ALIASES,
    ),
    "wide": _aliases(
        metro="metro metro_code metropolitan_area city name ref_area country_name country_code",
        indicator="indicator indicator_code series_code indicator_name series_name series",
        country="country country_code country_name",
        note="note",
        flags="flags",
        **_OPTIONAL_ALIASES,
    ),
    # SDMX has no column for our flags (Eurostat's OBS_FLAG codes mean something else).
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
OPTIONAL = ("country", "sex", "unit", "scale", "source", "note", "flags")


@dataclass(frozen=True)
class Layout:
    format: str
    header_row: int
    header: list[str]
    columns: dict[str, int]  # role -> column index
    years: tuple[tuple[int, str, str], ...] = ()  # wide: (column index, header text, year)


Rows = Iterator[tuple[int, list[str]]]


class HeaderSearch:
    """Looks at the first rows for a header, remembering what to say when none fits."""

    def __init__(self) -> None:
        self.looked_at = 0
        self.first: tuple[int, list[str]] | None = None
        self.partial: ImportFileError | None = None

    def offer(self, row: int, cells: list[str]) -> Layout | None:
        self.looked_at += 1
        if self.first is None:
            self.first = (row, cells)
        result = classify_header(cells, row)
        if isinstance(result, Layout):
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


def classify_header(cells: list[str], row: int) -> Layout | ImportFileError | None:
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
) -> Layout | ImportFileError:
    columns = _match_columns(keys, ALIASES[kind])
    missing = [role for role in REQUIRED[kind] if role not in columns]
    if missing:
        wanted = "; ".join(f"{role} (one of: {', '.join(ALIASES[kind][role])})" for role in missing)
        return ImportFileError(f"missing required column(s) for a {kind} file: {wanted}", row=row)
    return Layout(kind, row, list(cells), columns, years)


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
