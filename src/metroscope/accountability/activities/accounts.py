"""An activity's accounts, as its page shows them: budget lines, spending over every expense
line, and its trips with their emissions."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count

from metroscope.accountability.activities.models import Activity
from metroscope.accountability.aggregates import Cents, any_flag, euros
from metroscope.accountability.carbon import analytics as carbon
from metroscope.accountability.carbon.models import Trip
from metroscope.accountability.carbon.selectors import trip_outs
from metroscope.accountability.ledger.models import BudgetLine


@dataclass
class ActivityAccounts:
    budget_eur: Decimal
    actual_eur: Decimal
    budget_lines: list[BudgetLine]
    expenses: Any  # the activity's expense lines by date (a queryset; the page pages it)
    trips: list[tuple[Trip, carbon.TripOut]]
    kg_co2e: float
    illustrative: bool
    expense_count: int = 0


def activity_accounts(*, activity: Activity) -> ActivityAccounts:
    """An activity's budget lines, its spending summed over every expense line, and its trips
    (four queries; the expense lines themselves are read a page at a time)."""
    lines = list(activity.budget_lines.all())
    spent = activity.expenses.order_by().aggregate(
        cents=Cents("amount_eur"), n=Count("pk"), flag=any_flag("illustrative")
    )
    trips = list(activity.trips.select_related("activity__work_plan"))
    outs = trip_outs(trips, activity_places_for(activity))
    return ActivityAccounts(
        budget_eur=sum((b.amount_eur for b in lines), Decimal(0)),
        actual_eur=euros(spent["cents"]),
        budget_lines=lines,
        expenses=activity.expenses.order_by("date", "pk"),
        trips=list(zip(trips, outs, strict=True)),
        kg_co2e=sum(o.kg_co2e or 0.0 for o in outs),
        illustrative=any(b.illustrative for b in lines)
        or bool(spent["flag"])
        or any(t.illustrative for t in trips),
        expense_count=spent["n"],
    )


def activity_places_for(activity: Activity) -> dict[int, tuple[str, str]]:
    axis = activity.axis
    return {activity.pk: (axis.line.code, axis.code)} if axis else {}
