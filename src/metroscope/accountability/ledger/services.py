"""Writes of an activity's accounts: budget lines, expenses (converted to EUR at the ECB rate of
their date) and trips (between places the observatory knows). Each checks its input field by
field (a ValidationError naming the field writes nothing), runs in one transaction and records
who made the change in the model's history (as people_services does)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from metroscope.accountability.access import can_edit_activities
from metroscope.accountability.ledger import analytics as money
from metroscope.accountability.ledger import rates
from metroscope.accountability.ledger.models import BudgetLine, Expense, RateOrigin, SpendCategory
from metroscope.accountability.people.services import resolve_activity
from metroscope.core.audit import audited_save


def activity_staff_only(user: Any) -> None:
    if not can_edit_activities(user):
        raise PermissionDenied(_("Only the Secretariat's staff may record this."))


def check_category(category: str) -> dict[str, str]:
    if category not in SpendCategory.values:
        return {"category": _("Choose a spending category.")}
    return {}


def check_amount(amount: Any, field: str = "amount", *, negative: bool = False) -> dict[str, str]:
    """A sum of money in cents; negative only where the caller accepts it (an expense)."""
    if not isinstance(amount, Decimal) or not amount.is_finite():
        return {field: _("Give the amount as a number, e.g. 1250.50.")}
    if amount < 0 and not negative:
        return {field: _("A budget is 0 or more; record a cut by lowering the amount.")}
    if amount.as_tuple().exponent < -2:  # type: ignore[operator]
        return {field: _("An amount has at most two decimals (cents).")}
    return {}


def check_year(year: Any, example: int) -> dict[str, str]:
    if isinstance(year, int) and not isinstance(year, bool) and 1900 <= year <= 2200:
        return {}
    return {"year": _("Give the budget's year, e.g. %(year)s.") % {"year": example}}


@transaction.atomic
def budget_line_record(
    *,
    user: Any,
    activity_id: int,
    category: str,
    amount_eur: Decimal,
    year: int | None = None,
) -> BudgetLine:
    """Set what the work plan sets aside for an activity in a year and category (a second
    record of the same year and category replaces the amount; the history keeps the old)."""
    activity_staff_only(user)
    activity = resolve_activity(activity_id)
    year = year or activity.work_plan.year
    errors = check_category(category) | check_amount(amount_eur, "amount_eur")
    errors |= check_year(year, activity.work_plan.year)
    if errors:
        raise ValidationError(errors)
    line = BudgetLine.objects.filter(
        activity=activity, year=year, category=category
    ).first() or BudgetLine(activity=activity, year=year, category=category)
    line.amount_eur = amount_eur
    line.illustrative = False
    audited_save(line, user=user, reason="budget line recorded", clean=True)
    return line


@dataclass(frozen=True)
class ExpenseIn:
    """An expense as typed: `rate` (EUR for one unit) and `rate_source` only where the ECB's
    table has no rate for the currency on the date."""

    date: Any
    amount: Any
    currency: str
    category: str
    supplier: str = ""
    document_reference: str = ""
    reason: str = ""
    rate: Decimal | None = None
    rate_source: str = ""


@dataclass(frozen=True)
class Rate:
    to_eur: Decimal
    origin: str
    day: dt.date
    source: str


MAX_RATE = Decimal(10) ** 8  # Expense.rate_to_eur: 16 digits, 8 of them decimals


def _no_ecb_rate(currency: str, day: dt.date) -> str:
    """Why the shipped ECB table has no rate, with the dates it covers for the currency."""
    covered = rates.coverage(currency)
    if covered is None:
        return _(
            "The European Central Bank publishes no reference rate for %(currency)s: check the "
            "code (ISO 4217), or record the rate and its source."
        ) % {"currency": currency}
    return _(
        "There is no ECB reference rate for %(currency)s on %(date)s: the ECB table Metroscope "
        "ships covers %(currency)s from %(first)s to %(last)s. Record the rate (EUR for one "
        "%(currency)s on that date) and its source."
    ) % {
        "currency": currency,
        "date": day.isoformat(),
        "first": covered[0].isoformat(),
        "last": covered[1].isoformat(),
    }


def _recorded_rate(data: ExpenseIn, currency: str, errors: dict[str, str]) -> Rate | None:
    """The rate staff recorded where the ECB has none: both the rate and its source."""
    rate, source = data.rate, (data.rate_source or "").strip()
    if rate is None and not source:
        field = "rate" if rates.coverage(currency) else "currency"
        errors[field] = _no_ecb_rate(currency, data.date)
        return None
    if rate is None:
        errors["rate"] = _("Give the rate: EUR for one %(currency)s on %(date)s.") % {
            "currency": currency,
            "date": data.date.isoformat(),
        }
    elif not rate.is_finite() or rate <= 0 or rate >= MAX_RATE:
        errors["rate"] = _("A rate is a number above 0, e.g. 0.92 (EUR for one unit).")
    elif rate.as_tuple().exponent < -8:  # type: ignore[operator]
        errors["rate"] = _("A rate has at most eight decimals.")
    if not source:
        errors["rate_source"] = _(
            "Say where the rate comes from, e.g. the central bank or the bank statement."
        )
    if rate is None or "rate" in errors or "rate_source" in errors:
        return None
    return Rate(rate, RateOrigin.RECORDED, data.date, source)


def _rate(data: ExpenseIn, currency: str, errors: dict[str, str]) -> Rate | None:
    """The ECB's reference rate of the date (or EUR's 1); else the rate staff recorded."""
    given = data.rate is not None or bool((data.rate_source or "").strip())
    if currency == "EUR":
        if given:
            errors["rate"] = _(
                "An expense in EUR needs no rate: leave the rate and its source empty."
            )
            return None
        return Rate(Decimal(1), RateOrigin.EUR, data.date, "")
    try:
        rate, day = rates.rate_to_eur(currency, data.date)
    except rates.NoRate:
        return _recorded_rate(data, currency, errors)
    if given:
        errors["rate"] = _(
            "The European Central Bank's reference rate of %(day)s applies (%(rate)s EUR for one "
            "%(currency)s): leave the rate and its source empty."
        ) % {"day": day.isoformat(), "rate": f"{rate.normalize():f}", "currency": currency}
        return None
    return Rate(rate, RateOrigin.ECB, day, rates.ECB_SOURCE)


def expense_values(data: ExpenseIn) -> dict[str, Any]:
    """Check an expense field by field (every problem at once) and return the row's values,
    its EUR amount at the rate used; a ValidationError names each field that is wrong."""
    currency = (data.currency or "").strip().upper()
    reason = (data.reason or "").strip()
    errors = check_category(data.category) | check_amount(data.amount, negative=True)
    if not errors.get("amount") and data.amount < 0 and not reason:
        errors["reason"] = _(
            "A negative amount (a refund, credit note, correction or reversal) needs its "
            "reason, e.g. “refund of the cancelled hotel booking”."
        )
    if not isinstance(data.date, dt.date):
        errors["date"] = _("Give the date of the expense.")
    rate = None
    if len(currency) != 3 or not currency.isalpha():
        errors["currency"] = _("A currency is three letters (ISO 4217), e.g. EUR or USD.")
    elif "date" not in errors:
        rate = _rate(data, currency, errors)
    if errors or rate is None:
        raise ValidationError(errors)
    return {
        "date": data.date,
        "amount": data.amount,
        "currency": currency,
        "rate_to_eur": rate.to_eur,
        "rate_origin": rate.origin,
        "rate_date": rate.day,
        "rate_source": rate.source,
        "amount_eur": money.to_eur(data.amount, rate.to_eur),
        "category": data.category,
        "supplier": (data.supplier or "").strip(),
        "document_reference": (data.document_reference or "").strip(),
        "reason": reason,
    }


@transaction.atomic
def expense_record(*, user: Any, activity_id: int, data: ExpenseIn) -> Expense:
    """Record a spending of an activity (or, negative with its reason, a refund, credit note,
    correction or reversal); its EUR amount uses the rate rule of rates.RATE_RULE."""
    activity_staff_only(user)
    activity = resolve_activity(activity_id)
    expense = Expense(activity=activity, **expense_values(data))
    audited_save(expense, user=user, reason="expense recorded", clean=True)
    return expense
