"""`metroscope load_sample_accounts [--remove]`: illustrative, deterministic, idempotent, and
never loaded with the open data."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Sum

from metroscope.accountability.carbon.models import Trip
from metroscope.accountability.ledger.analytics import to_eur
from metroscope.accountability.ledger.models import (
    BudgetLine,
    Expense,
    FundingSource,
    MembershipFee,
)
from metroscope.members.models import Member

pytestmark = pytest.mark.django_db
MODELS = (BudgetLine, Expense, FundingSource, MembershipFee, Trip)


def run(*args: str) -> str:
    out = StringIO()
    call_command("load_sample_accounts", *args, stdout=out)
    return out.getvalue()


def fingerprint() -> list[object]:
    return [
        BudgetLine.objects.aggregate(s=Sum("amount_eur"))["s"],
        Expense.objects.aggregate(s=Sum("amount_eur"))["s"],
        FundingSource.objects.aggregate(s=Sum("amount_eur"))["s"],
        MembershipFee.objects.aggregate(s=Sum("paid_eur"))["s"],
        sorted(Trip.objects.values_list("activity_id", "origin", "passengers")),
    ]


def test_open_data_loads_no_illustrative_rows():
    assert not any(m.objects.exists() for m in MODELS)


def test_sample_accounts_are_illustrative_and_cover_every_kind():
    output = run()
    assert "Illustrative figures, not Metropolis's accounts" in output
    for model in MODELS:
        assert model.objects.exists(), model
        assert not model.objects.filter(illustrative=False).exists(), model
    assert MembershipFee.objects.values("member").distinct().count() == Member.objects.count()
    assert FundingSource.objects.filter(kind="partner").exclude(partner_name="").exists()


def test_expenses_record_their_rate_and_convert_with_it():
    run()
    for expense in Expense.objects.all():
        assert expense.amount_eur == to_eur(expense.amount, expense.rate_to_eur)
    assert Expense.objects.exclude(currency="EUR").exists()


def test_a_second_run_changes_nothing_and_writes_no_history():
    run()
    before = fingerprint()
    history = sum(m.history.count() for m in MODELS)
    output = run()
    counts = output.splitlines()[:-1]
    assert counts
    assert all(": 0 created, 0 updated, " in line for line in counts)
    assert fingerprint() == before
    assert sum(m.history.count() for m in MODELS) == history


def test_removal_then_reload_gives_the_same_figures():
    run()
    before = fingerprint()
    assert "rows removed" in run("--remove")
    assert not any(m.objects.exists() for m in MODELS)
    run()
    assert fingerprint() == before


def test_remove_keeps_real_rows_and_loading_keeps_real_fees():
    member = Member.objects.get(code="seoul")
    real = MembershipFee.objects.create(
        member=member, year=2022, due_eur=Decimal(100), paid_eur=Decimal(100),
        paid_on=dt.date(2022, 3, 1),
    )  # fmt: skip
    run()
    real.refresh_from_db()
    assert real.illustrative is False
    assert real.due_eur == Decimal(100)
    run("--remove")
    assert list(MembershipFee.objects.all()) == [real]
