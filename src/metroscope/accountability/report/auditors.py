"""The accounts for auditors: activities, budget lines, expenses and funding as CSV or XLSX,
through core.exports' writers (text that a spreadsheet would run as a formula is neutralised)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from metroscope.accountability.activities.models import Activity
from metroscope.accountability.ledger.models import BudgetLine, Expense, FundingSource
from metroscope.core.exports import Field

FORMATS = ("csv", "csv-excel", "xlsx")  # csv-excel: core.downloads.excel_csv_stream


@dataclass(frozen=True)
class Table:
    name: str
    fields: Sequence[Field]
    rows: Callable[[int | None], Iterator[Sequence[Any]]]


def _activities(year: int | None) -> Iterator[Sequence[Any]]:
    qs: QuerySet[Activity] = Activity.objects.select_related("work_plan", "axis", "program")
    if year is not None:
        qs = qs.filter(work_plan__year=year)
    for a in qs.order_by("pk").iterator(chunk_size=2000):
        yield (
            a.pk,
            a.code,
            a.work_plan.year,
            a.title,
            a.type,
            a.status,
            a.axis.code if a.axis else None,
            a.program.code if a.program else None,
            a.start_date,
            a.end_date,
            a.source_url,
        )


def _budget_lines(year: int | None) -> Iterator[Sequence[Any]]:
    qs = BudgetLine.objects.all() if year is None else BudgetLine.objects.filter(year=year)
    rows = qs.order_by("pk").values_list(
        "pk", "activity_id", "year", "category", "amount_eur", "illustrative"
    )
    yield from rows.iterator(chunk_size=5000)


def _expenses(year: int | None) -> Iterator[Sequence[Any]]:
    qs = Expense.objects.all() if year is None else Expense.objects.filter(date__year=year)
    rows = qs.order_by("pk").values_list(
        "pk",
        "activity_id",
        "date",
        "amount",
        "currency",
        "rate_to_eur",
        "rate_origin",
        "rate_date",
        "rate_source",
        "amount_eur",
        "category",
        "supplier",
        "document_reference",
        "reason",
        "illustrative",
    )
    yield from rows.iterator(chunk_size=5000)


def _funding(year: int | None) -> Iterator[Sequence[Any]]:
    qs = FundingSource.objects.all() if year is None else FundingSource.objects.filter(year=year)
    rows = qs.order_by("pk").values_list(
        "pk", "year", "kind", "partner_name", "amount_eur", "note", "illustrative"
    )
    yield from rows.iterator(chunk_size=5000)


def _fields(*spec: tuple[str, str]) -> list[Field]:
    return [Field(name, kind) for name, kind in spec]


TABLES: dict[str, Table] = {
    "activities": Table(
        "activities",
        _fields(
            ("activity_id", "integer"),
            ("code", "string"),
            ("work_plan_year", "year"),
            ("title", "string"),
            ("type", "string"),
            ("status", "string"),
            ("axis", "string"),
            ("programme", "string"),
            ("start_date", "date"),
            ("end_date", "date"),
            ("source_url", "string"),
        ),
        _activities,
    ),
    "budget_lines": Table(
        "budget_lines",
        _fields(
            ("budget_line_id", "integer"),
            ("activity_id", "integer"),
            ("year", "year"),
            ("category", "string"),
            ("amount_eur", "number"),
            ("illustrative", "boolean"),
        ),
        _budget_lines,
    ),
    "expenses": Table(
        "expenses",
        _fields(
            ("expense_id", "integer"),
            ("activity_id", "integer"),
            ("date", "date"),
            ("amount", "number"),
            ("currency", "string"),
            ("rate_to_eur", "number"),
            ("rate_origin", "string"),
            ("rate_date", "date"),
            ("rate_source", "string"),
            ("amount_eur", "number"),
            ("category", "string"),
            ("supplier", "string"),
            ("document_reference", "string"),
            ("reason", "string"),
            ("illustrative", "boolean"),
        ),
        _expenses,
    ),
    "funding": Table(
        "funding",
        _fields(
            ("funding_id", "integer"),
            ("year", "year"),
            ("kind", "string"),
            ("partner", "string"),
            ("amount_eur", "number"),
            ("note", "string"),
            ("illustrative", "boolean"),
        ),
        _funding,
    ),
}


def about(table: Table, year: int | None) -> list[tuple[str, str]]:
    """The XLSX "about" sheet: what the table is, which year, and the illustrative caveat."""
    return [
        ("table", table.name),
        ("year", "all" if year is None else str(year)),
        ("amounts", "EUR at the rate recorded on each expense; amount is in its currency"),
        (
            "rates",
            "rate_origin: ecb (European Central Bank reference rate of rate_date), recorded "
            "(typed by staff where the ECB has none, with rate_source), eur, or unknown",
        ),
        (
            "negative amounts",
            "refunds, credit notes, corrections or reversals, each with its reason; totals "
            "are net of them",
        ),
        ("illustrative", "true marks rows made by load_sample_accounts, not real accounts"),
        ("source", "Metroscope"),
    ]
