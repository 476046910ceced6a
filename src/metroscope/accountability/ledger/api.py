"""API v1 for the money of the plan (read-only aggregates; expense lines stay on the pages)."""

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from metroscope.accountability.ledger import analytics as money
from metroscope.accountability.ledger import selectors as accounts
from metroscope.core.api_params import YEAR

router = Router(tags=["accountability"])


class MixRowOut(Schema):
    kind: str
    amount_eur: float
    share: float


class YearMixOut(Schema):
    year: int
    total_eur: float
    largest_share: float
    hhi: float
    sources: list[MixRowOut]


class BudgetRowOut(Schema):
    key: str
    budget_eur: float
    actual_eur: float
    variance_eur: float
    execution: float | None


class FeeTotalsOut(Schema):
    year: int
    members: int
    due_eur: float
    paid_eur: float
    paid_in_full: int


class MoneyOut(Schema):
    year: int | None
    illustrative: bool
    funding: list[YearMixOut]
    by_action_line: list[BudgetRowOut]
    by_axis: list[BudgetRowOut]
    fees: list[FeeTotalsOut]


def _budget_rows(rows: list[money.BudgetRow]) -> list[dict[str, Any]]:
    return [
        {
            "key": r.key,
            "budget_eur": float(r.budget_eur),
            "actual_eur": float(r.actual_eur),
            "variance_eur": float(r.variance_eur),
            "execution": r.execution,
        }
        for r in rows
    ]


@router.get(
    "/plan/money",
    response=MoneyOut,
    summary="Money of the plan: funding mix, HHI, budget vs actual, fee totals",
)
def plan_money(request: HttpRequest, year: int | None = YEAR) -> dict[str, Any]:
    overview = accounts.money_overview(year=year)
    return {
        "year": year,
        "illustrative": overview.illustrative,
        "funding": [
            {
                "year": m.year,
                "total_eur": float(m.total_eur),
                "largest_share": m.largest_share,
                "hhi": m.hhi,
                "sources": [
                    {"kind": r.kind, "amount_eur": float(r.amount_eur), "share": r.share}
                    for r in m.rows
                ],
            }
            for m in overview.mix
        ],
        "by_action_line": _budget_rows(overview.by_line),
        "by_axis": _budget_rows(overview.by_axis),
        "fees": [
            {
                "year": y,
                "members": t.members,
                "due_eur": float(t.due_eur),
                "paid_eur": float(t.paid_eur),
                "paid_in_full": t.paid_in_full,
            }
            for y, t in overview.fees.items()
        ],
    }
