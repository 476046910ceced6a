"""Query parameters the API shares, with their bounds in the schema: a value outside them is
refused with 400 (metroscope.api turns query validation errors into 400) before any work."""

from __future__ import annotations

from typing import Any

from ninja import Query

from metroscope.core.params import FIRST_YEAR, LAST_YEAR


def year_query(description: str = "a year") -> Any:
    return Query(
        None, ge=FIRST_YEAR, le=LAST_YEAR, description=f"{description}, {FIRST_YEAR}–{LAST_YEAR}"
    )


YEAR = year_query()
