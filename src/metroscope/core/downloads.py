"""Table downloads for pages: the same typed rows as CSV, as a CSV that Excel opens right in
the reader's language, and as XLSX.

Excel guesses a CSV's encoding and separator from the computer's regional settings: without a
byte-order mark it reads UTF-8 as the local code page ("SÃ£o Paulo"), and where the decimal
sign is a comma (French, Spanish) it expects `;` between cells and reads "20.5" as text or a
date. The "Excel" variant therefore starts with a UTF-8 BOM and, in French and Spanish, separates
cells with `;` and writes decimal commas. The plain CSV stays RFC 4180 for programs.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.http import FileResponse, HttpResponseBase, StreamingHttpResponse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from metroscope.core import exports
from metroscope.core.exports import Field

DECIMAL_COMMA_LANGUAGES = frozenset({"fr", "es"})
# The formats a page table downloads in, with their button labels.
TABLE_FORMATS = {
    "csv": _("CSV"),
    "csv-excel": _("CSV for Excel"),
    "xlsx": _("XLSX (Excel)"),
}


def decimal_comma(language: str | None = None) -> bool:
    return (language or get_language() or "en").split("-")[0] in DECIMAL_COMMA_LANGUAGES


def excel_csv_stream(
    fields: Sequence[Field], rows: Iterable[Sequence[Any]], *, language: str | None = None
) -> Iterator[bytes]:
    """CSV for Excel: UTF-8 with a BOM; in French and Spanish `;` between cells and a decimal
    comma, elsewhere `,` and a decimal point. Same typed values as exports.csv_stream."""
    comma = decimal_comma(language)
    return exports.csv_stream(
        fields, rows, delimiter=";" if comma else ",", bom=True, decimal_comma=comma
    )


def table_download(
    fmt: str,
    fields: Sequence[Field],
    rows: Iterable[Sequence[Any]],
    *,
    name: str,
    about: Sequence[tuple[str, str]] = (),
) -> HttpResponseBase:
    """A page table as a download in one of TABLE_FORMATS; ValueError for another format."""
    if fmt in ("csv", "csv-excel"):
        chunks = (
            exports.csv_stream(fields, rows) if fmt == "csv" else excel_csv_stream(fields, rows)
        )
        response: HttpResponseBase = StreamingHttpResponse(
            chunks, content_type=exports.MEDIA_TYPES["csv"]
        )
        suffix = "" if fmt == "csv" else "-excel"
        return exports.attachment(response, f"{exports.safe_stem(name)}{suffix}.csv")
    if fmt == "xlsx":
        handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - FileResponse closes it
        exports.write_xlsx(fields, rows, handle, about=about)
        handle.seek(0)
        filename = exports.safe_filename(name, extension="xlsx")
        response = FileResponse(handle, as_attachment=True, filename=filename)
        response["Content-Type"] = exports.MEDIA_TYPES["xlsx"]
        return response
    raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(TABLE_FORMATS)}")
