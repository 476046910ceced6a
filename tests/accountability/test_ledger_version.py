"""The version of the plan's data (plan 0005's triggers) and the figures kept per process: every
kind of write changes the token, whatever makes it, and the cached figures follow."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import connection, transaction

from metroscope.accountability import version as ledger_version
from metroscope.accountability.activities.models import Activity, WorkPlan
from metroscope.accountability.ledger import selectors as accounts
from metroscope.accountability.ledger import services as ledger_services
from metroscope.accountability.ledger.models import BudgetLine, Expense
from metroscope.accountability.risks.models import Risk
from metroscope.plan.models import Outcome, Theme

pytestmark = pytest.mark.django_db


def _activity() -> Activity:
    return Activity.objects.order_by("pk").first()


def _expense(activity: Activity, amount: str = "10.00") -> Expense:
    return Expense(
        activity=activity,
        date=dt.date(2021, 5, 1),
        amount=Decimal(amount),
        currency="EUR",
        rate_to_eur=Decimal(1),
        amount_eur=Decimal(amount),
        category="venue",
    )


def changes_token(write) -> bool:
    before = ledger_version.current()
    write()
    return ledger_version.current() != before


def test_every_table_of_the_plan_and_accountability_apps_has_the_triggers():
    tables = {
        model._meta.db_table
        for label in ("plan", "accountability")
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
        if not model.__name__.startswith("Historical") and model is not ledger_version.LedgerVersion
    }
    assert "plan_theme" in tables
    assert "plan_expense" in tables
    assert "plan_activity_members" in tables  # the many-to-many links too
    assert tables <= ledger_version.tables_with_triggers()


def test_the_history_tables_have_none():
    # the dashboards never read the audit trail; writing it must not discard their figures
    assert "plan_historicalexpense" not in ledger_version.tables_with_triggers()
    assert "plan_ledgerversion" not in ledger_version.tables_with_triggers()


def test_inserts_updates_and_deletes_through_the_orm_change_it():
    activity = _activity()
    expense = _expense(activity)
    assert changes_token(expense.save)
    expense.supplier = "Changed"
    assert changes_token(expense.save)
    assert changes_token(expense.delete)


def test_bulk_writes_queryset_updates_and_raw_sql_change_it():
    activity = _activity()
    assert changes_token(lambda: Expense.objects.bulk_create([_expense(activity)] * 1))
    assert changes_token(lambda: Expense.objects.update(supplier="Bulk"))
    assert changes_token(lambda: Expense.objects.all().delete())

    def raw() -> None:
        with connection.cursor() as cursor:
            cursor.execute("UPDATE plan_workplan SET note = 'raw' WHERE year = 2021")

    assert changes_token(raw)


def test_links_cascades_and_the_framework_change_it():
    activity = Activity.objects.filter(themes=None).order_by("pk").first()  # not tagged yet
    theme = Theme.objects.first()
    assert changes_token(lambda: activity.themes.add(theme))
    assert changes_token(lambda: activity.themes.remove(theme))
    risk = Risk.objects.create(title="Test risk", category="financial", likelihood=2, impact=2,
                               owner="Test")  # fmt: skip
    assert changes_token(lambda: risk.outcomes.add(Outcome.objects.first()))
    line = BudgetLine.objects.create(activity=activity, year=2021, category="venue",
                                     amount_eur=Decimal(5))  # fmt: skip
    assert changes_token(lambda: BudgetLine.objects.filter(pk=line.pk).delete())
    assert changes_token(lambda: Theme.objects.filter(pk=theme.pk).update(name_fr="Thème"))


def test_a_service_write_changes_it(staff):
    activity = _activity()
    assert changes_token(
        lambda: ledger_services.expense_record(
            user=staff,
            activity_id=activity.pk,
            data=ledger_services.ExpenseIn(
                date=dt.date(2021, 5, 3), amount=Decimal("12.50"), currency="EUR", category="venue"
            ),
        )
    )


def test_a_rolled_back_write_leaves_it_as_it_was():
    before = ledger_version.current()
    inside = []

    def refused_write() -> None:
        with transaction.atomic():
            _expense(_activity()).save()
            inside.append(ledger_version.current())
            raise RuntimeError("refused")

    with pytest.raises(RuntimeError):
        refused_write()
    assert inside
    assert inside[0] != before
    assert ledger_version.current() == before


def test_cached_figures_are_computed_once_per_token():
    calls = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    assert ledger_version.cached("test", 1, compute) == 1
    assert ledger_version.cached("test", 1, compute) == 1
    assert ledger_version.cached("test", 2, compute) == 2  # another key
    WorkPlan.objects.filter(year=2021).update(note="changed")
    assert ledger_version.cached("test", 1, compute) == 3
    assert len(calls) == 3


def test_the_money_page_figures_follow_a_new_expense(staff):
    activity = Activity.objects.filter(axis__isnull=False).order_by("pk").first()
    line = activity.axis.line.code
    before = {r.key: r.actual_eur for r in accounts.money_overview(year=2021).by_line}
    ledger_services.expense_record(
        user=staff,
        activity_id=activity.pk,
        data=ledger_services.ExpenseIn(
            date=dt.date(2021, 6, 1), amount=Decimal("123.45"), currency="EUR", category="venue"
        ),
    )
    after = {r.key: r.actual_eur for r in accounts.money_overview(year=2021).by_line}
    assert after[line] - before.get(line, Decimal(0)) == Decimal("123.45")
