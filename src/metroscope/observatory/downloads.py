"""Open-data downloads of any filtered selection of values, in five formats.

CSV and JSON stream straight from the database cursor (flat memory, any size); XLSX, Parquet
and the Frictionless data package need a whole, seekable file: the task queue writes them once
per selection and data version (observatory.download_jobs).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from django.http import HttpResponseBase, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from metroscope.core import exports
from metroscope.core.downloads import excel_csv_stream
from metroscope.core.exports import Field
from metroscope.observatory import selectors
from metroscope.observatory.models import Source
from metroscope.observatory.selectors import ObservationFilters, observation_rows, observations

# Each format and its button label; "csv-excel" is the CSV that Excel opens right (core.downloads).
FORMATS = {
    "csv": _("CSV"),
    "csv-excel": _("CSV for Excel"),
    "json": _("JSON"),
    "xlsx": _("XLSX (Excel)"),
    "parquet": _("Parquet"),
    "datapackage": _("Data package (ZIP)"),
}

FIELDS = (
    Field("metro", "string", "Metro code"),
    Field("metro_name", "string", "Metro"),
    Field("country_iso3", "string", "Country (ISO 3166-1 alpha-3)"),
    Field("indicator", "string", "Indicator code"),
    Field("year", "integer", "Year"),
    Field("sex", "string", "Sex (total, female, male)"),
    Field("value", "number", "Value"),
    Field("unit", "string", "Unit"),
    Field("scale", "string", "Area the value describes (metro, core_city, region, national_proxy)"),
    Field("status", "string", "Status"),
    Field("source", "string", "Source code"),
    Field("source_title", "string", "Source"),
    Field("licence", "string", "Licence of the source"),
    Field("note", "string", "Note"),
    Field("synthetic", "boolean", "Synthetic (benchmark) data, not real"),
    # Added after the first columns so that readers by position keep working:
    Field("citation", "string", "Citation the source requires with its values"),
    Field(
        "flags",
        "string",
        "What to know about the value, comma-separated: projection, low_coverage (WHO temporal "
        "coverage below 75 %), self_reported (CDP), source_boundary, sum_of_components, "
        "check_value",
    ),
)
PRIMARY_KEY = ("metro", "indicator", "year", "sex")
TITLE = "Metroscope Observatory — metropolitan indicator values"


def _about(filters: ObservationFilters) -> list[tuple[str, str]]:
    chosen = ", ".join(f"{k}={v}" for k, v in filters.as_query().items()) or "none"
    return [
        ("title", TITLE),
        ("generated", timezone.now().isoformat(timespec="seconds")),
        ("filters", chosen),
        ("statuses", ", ".join(filters.statuses)),
        ("sources", "see the source, source_title, licence and citation columns of each row"),
        ("caveat", "scale=national_proxy marks a national figure standing in for the metro"),
        (
            "flags",
            "the flags column marks projections, low temporal coverage, self-reported "
            "values and boundaries stated by the source",
        ),
    ]


def file_stem(filters: ObservationFilters) -> str:
    """The file's name from the first two indicators and metros asked for that exist, by their
    codes as stored: nothing of the query string reaches the header as it was typed."""
    indicators = selectors.existing_indicator_codes(filters.indicators[:2])
    metros = selectors.existing_metro_codes(filters.metros[:2])
    return exports.safe_stem("metroscope-observations", *indicators, *metros)


def observation_rows_for(filters: ObservationFilters) -> Iterator[tuple[Any, ...]]:
    return observation_rows(filters)


_NEEDS_QUOTES = re.compile(r'[,"\r\n]')


def _cell(text: str) -> str:
    """One CSV cell (RFC 4180 quoting), defused against spreadsheet formulas."""
    text = exports.neutralise(text)
    if _NEEDS_QUOTES.search(text):
        return '"' + text.replace('"', '""') + '"'
    return text


def csv_chunks(filters: ObservationFilters) -> Iterator[bytes]:
    """The CSV of a selection, as exports.csv_stream would write it, but built from text
    fragments prepared once per metro, indicator and source: the per-row work is a lookup and
    one string join, which keeps whole-table exports fast (see docs/performance.md)."""
    lookups = selectors.export_lookups()
    metros = {
        pk: f"{_cell(code)},{_cell(name)},{_cell(iso3)}"
        for pk, (code, name, iso3, _synthetic) in lookups.metros.items()
    }
    synthetic = {pk: "true" if m[3] else "false" for pk, m in lookups.metros.items()}
    indicators = {pk: (_cell(code), _cell(unit)) for pk, (code, unit) in lookups.indicators.items()}
    sources = {pk: ",".join(_cell(t) for t in src[:3]) for pk, src in lookups.sources.items()}
    citations = {pk: _cell(src[3]) for pk, src in lookups.sources.items()}
    parts = [",".join(field.name for field in FIELDS) + "\r\n"]
    size = 0
    for metro, ind, year, sex, value, scale, status, source, note, flags in selectors.plain_rows(
        filters
    ):
        code, unit = indicators[ind]
        line = (
            f"{metros[metro]},{code},{year},{sex},{value!r},{unit},{scale},{status},"
            f"{sources[source]},{_cell(note) if note else ''},{synthetic[metro]},"
            f"{citations[source]},{_cell(flags) if flags else ''}\r\n"
        )
        parts.append(line)
        size += len(line)
        if size >= exports.CHUNK_SIZE:
            yield "".join(parts).encode("utf-8")
            parts, size = [], 0
    yield "".join(parts).encode("utf-8")


def download(filters: ObservationFilters, fmt: str) -> HttpResponseBase:
    """A streamed response for CSV, CSV for Excel or JSON (the whole-file formats are jobs:
    observatory.download_jobs); raises ValueError for any other format."""
    name = file_stem(filters)
    if fmt == "csv":
        response: HttpResponseBase = StreamingHttpResponse(
            csv_chunks(filters), content_type=exports.MEDIA_TYPES["csv"]
        )
        return exports.attachment(response, f"{name}.csv")
    if fmt == "csv-excel":
        response = StreamingHttpResponse(
            excel_csv_stream(FIELDS, observation_rows_for(filters)),
            content_type=exports.MEDIA_TYPES["csv"],
        )
        return exports.attachment(response, f"{name}-excel.csv")
    if fmt == "json":
        meta = dict(_about(filters))
        response = StreamingHttpResponse(
            exports.json_stream(FIELDS, observation_rows_for(filters), meta=meta),
            content_type=exports.MEDIA_TYPES["json"],
        )
        return exports.attachment(response, f"{name}.json")
    raise ValueError(f"{fmt!r} is not streamed; choose one of csv, csv-excel, json")


def write_file(
    filters: ObservationFilters, fmt: str, rows: Iterator[tuple[Any, ...]], name: str, handle: Any
) -> None:
    """Write the selection's `rows` as an XLSX, Parquet or data package to `handle`."""
    if fmt == "xlsx":
        exports.write_xlsx(FIELDS, rows, handle, about=_about(filters))
    elif fmt == "parquet":
        exports.write_parquet(FIELDS, rows, handle, metadata=dict(_about(filters)))
    elif fmt == "datapackage":
        _write_package(filters, name, handle, rows)
    else:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")


def _write_package(
    filters: ObservationFilters, name: str, handle: Any, rows: Iterator[tuple[Any, ...]]
) -> None:
    sources = [
        {"title": f"{s.title}. {s.citation}" if s.citation else s.title}
        | ({"path": s.url} if s.url else {})
        for s in Source.objects.filter(pk__in=observations(filters).values("source_id"))
    ]
    exports.write_datapackage(
        handle,
        name=name,
        title=TITLE,
        description=(
            "Values of metropolitan indicators selected on Metroscope, with their source, "
            "licence and the scale each value describes. Filters: "
            + (", ".join(f"{k}={v}" for k, v in filters.as_query().items()) or "none")
        ),
        licenses=[
            {
                "name": "various",
                "title": "Each row's licence is the licence of its source (see column licence)",
            }
        ],
        sources=sources or [{"title": "Metroscope"}],
        resources=[
            exports.Resource(
                name="observations",
                title="Observations",
                fields=FIELDS,
                rows=rows,
                primary_key=PRIMARY_KEY,
            )
        ],
    )
