"""Integer query parameters with bounds: a value outside them is a clear 400 (a page, or the
API's JSON error), never an overflow deep in a query or a date (a 500)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

# The years any figure of the platform can describe: the plan, the Observatory's series, events.
FIRST_YEAR = 1900
LAST_YEAR = 2100


class BadParameter(ValueError):
    """A query parameter the request cannot mean; its message says which and why."""


def bounded_int(params: Any, name: str, *, low: int, high: int) -> int | None:
    """`params[name]` as an integer from low to high; None when absent or empty."""
    raw = str(params.get(name, "") or "").strip()
    if not raw:
        return None
    digits = raw[1:] if raw[:1] in "+-" else raw
    if not (digits.isascii() and digits.isdigit()) or not low <= int(raw) <= high:
        raise BadParameter(
            _("“%(name)s” must be a whole number from %(low)s to %(high)s, not “%(value)s”.")
            % {"name": name, "low": low, "high": high, "value": raw[:40]}
        )
    return int(raw)


def year(params: Any, name: str = "year") -> int | None:
    """A year from FIRST_YEAR to LAST_YEAR; None when absent or empty."""
    return bounded_int(params, name, low=FIRST_YEAR, high=LAST_YEAR)
