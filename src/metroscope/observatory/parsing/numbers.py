"""Numbers as people write them: decimal commas and thousands separators made plain."""

from __future__ import annotations

import re

_COMMA_DECIMAL_NUMBER = re.compile(
    r"[+-]?(?:(?:\d{1,3}(?:[. \u00a0\u202f]\d{3})+|\d+)(?:,\d*)?|,\d+)(?:[eE][+-]?\d+)?"
)
_DOT_DECIMAL_GROUPED = re.compile(
    r"[+-]?\d{1,3}(?:[, \u00a0\u202f]\d{3})+(?:\.\d*)?(?:[eE][+-]?\d+)?"
)


def normalise_comma_decimal(value: str) -> str:
    """Read a decimal-comma number: "1.234,5" and "1 234,5" give "1234.5"; other text stays."""
    if _COMMA_DECIMAL_NUMBER.fullmatch(value):
        return _drop_groups(value, ".").replace(",", ".")
    return value


def normalise_dot_decimal(value: str) -> str:
    """Drop thousands separators: "1,234.5" and "1 234.5" give "1234.5"; other text stays."""
    if (
        "," in value or " " in value or "\u00a0" in value or "\u202f" in value
    ) and _DOT_DECIMAL_GROUPED.fullmatch(value):
        return _drop_groups(value, ",")
    return value


def _drop_groups(value: str, separator: str) -> str:
    # Chained str.replace is several times faster than str.translate with a deletion table.
    return value.replace(separator, "").replace(" ", "").replace("\u00a0", "").replace("\u202f", "")
