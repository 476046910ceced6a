"""Query parameters the API shares, with their bounds in the schema: a value outside them is
refused with 400 (metroscope.api turns query validation errors into 400) before any work."""

from __future__ import annotations

from typing import Annotated, Any

from ninja import Field, Path, Query

from metroscope.core.params import FIRST_YEAR, LAST_YEAR


def year_query(description: str = "a year") -> Any:
    return Query(
        None, ge=FIRST_YEAR, le=LAST_YEAR, description=f"{description}, {FIRST_YEAR}–{LAST_YEAR}"
    )


YEAR = year_query()


# The largest primary key either database holds (Django's BigAutoField): a larger id is a bad
# request, never an integer the database cannot compare.
MAX_ID = 2**63 - 1

RecordId = Annotated[int, Path(..., ge=1, le=MAX_ID, description="a record's id")]
"""A path parameter naming a record by its id, with its bounds in the schema."""

BodyId = Annotated[int, Field(ge=1, le=MAX_ID, description="a record's id")]
"""A body field naming a record by its id, with the same bounds."""

BodyYear = Annotated[int, Field(ge=FIRST_YEAR, le=LAST_YEAR)]
"""A body field holding a year the platform can describe."""
