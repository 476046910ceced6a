"""Edits and deletions of an activity's budget lines and expenses (trips: carbon.services): the
same checks as recording them, one transaction each, the user and the reason in the model's
history (a deletion leaves its last values there too). Staff only."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from metroscope.accountability.ledger.models import BudgetLine, Expense, SpendCategory
from metroscope.accountability.ledger.services import (
    ExpenseIn,
    activity_staff_only,
    check_amount,
    check_category,
    check_year,
    expense_values,
)
from metroscope.core.audit import audited_delete, audited_save

Row = TypeVar("Row", bound=models.Model)


def edited_row(model: type[Row], pk: Any) -> Row:
    """The row to change, locked until the transaction ends."""
    row = model._default_manager.select_for_update().filter(pk=pk).first() if pk else None
    if row is None:
        raise ValidationError(
            _("This %(thing)s no longer exists.") % {"thing": model._meta.verbose_name}
        )
    return row


@transaction.atomic
def budget_line_update(
    *, user: Any, line_id: int, year: Any, category: str, amount_eur: Decimal
) -> BudgetLine:
    """Change a budget line's year, category or amount (one line per year and category)."""
    activity_staff_only(user)
    line = edited_row(BudgetLine, line_id)
    errors = check_category(category) | check_amount(amount_eur, "amount_eur")
    errors |= check_year(year, line.activity.work_plan.year)
    clash = BudgetLine.objects.filter(activity_id=line.activity_id, year=year, category=category)
    if not errors and clash.exclude(pk=line.pk).exists():
        errors["category"] = _(
            "The activity already has a budget line for %(category)s in %(year)s: change that "
            "one, or delete one of the two."
        ) % {"category": SpendCategory(category).label, "year": year}
    if errors:
        raise ValidationError(errors)
    line.year, line.category, line.amount_eur = year, category, amount_eur
    audited_save(line, user=user, reason="budget line edited", clean=True)
    return line


@transaction.atomic
def budget_line_delete(*, user: Any, line_id: int) -> None:
    activity_staff_only(user)
    audited_delete(edited_row(BudgetLine, line_id), user=user, reason="budget line deleted")


@transaction.atomic
def expense_update(*, user: Any, expense_id: int, data: ExpenseIn) -> Expense:
    """Change an expense; its rate follows the same rule as when it was recorded (the ECB's
    of the new date, or the rate and source typed where the ECB has none)."""
    activity_staff_only(user)
    expense = edited_row(Expense, expense_id)
    for name, value in expense_values(data).items():
        setattr(expense, name, value)
    audited_save(expense, user=user, reason="expense edited", clean=True)
    return expense


@transaction.atomic
def expense_delete(*, user: Any, expense_id: int) -> None:
    activity_staff_only(user)
    audited_delete(edited_row(Expense, expense_id), user=user, reason="expense deleted")
