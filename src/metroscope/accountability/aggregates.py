"""Sums of euro amounts done by the database, exactly: the dashboards group hundreds of
thousands of expenses in SQL rather than in Python, and must give the same euros and cents.

SQLite keeps a DECIMAL column as a binary float, and its SUM adds floats: over 500,000 rows the
total could drift from the exact one. Each amount is therefore turned into whole cents before
adding (exact: amounts have two decimals); PostgreSQL adds NUMERIC exactly anyway.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Aggregate, BigIntegerField, IntegerField, Max
from django.db.models.functions import Cast


class Cents(Aggregate):
    """The sum of a two-decimal amount column, in whole cents (None over no rows)."""

    function = "SUM"
    name = "Cents"
    output_field = BigIntegerField()

    def as_sql(  # type: ignore[override]
        self, compiler: Any, connection: Any, **extra_context: Any
    ) -> Any:
        if connection.vendor == "sqlite":
            extra_context["template"] = "SUM(CAST(ROUND(%(expressions)s * 100) AS INTEGER))"
        else:
            extra_context["template"] = "CAST(SUM(%(expressions)s) * 100 AS BIGINT)"
        return super().as_sql(compiler, connection, **extra_context)


def euros(cents: int | None) -> Decimal:
    """Whole cents → euros with two decimals (0.00 for None)."""
    return Decimal(cents or 0).scaleb(-2)


def any_flag(field: str) -> Max:
    """1 when a boolean is set on any row of the group, else 0 (MAX over booleans is not
    portable)."""
    return Max(Cast(field, IntegerField()))
