"""Negative expenses (refunds, credit notes, corrections, reversals) with their reason, netted in
every total (activity page, money page, Board report PDF, auditors' export, IATI), and the rate
to EUR: the ECB's reference rate of the date, else the rate and source staff record. Amounts are
test data; the sums are checked by hand in the comments."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from lxml import etree

from metroscope.accountability.activities import accounts as activity_accounts_module
from metroscope.accountability.activities import iati
from metroscope.accountability.activities.models import Activity
from metroscope.accountability.ledger import rates
from metroscope.accountability.ledger import selectors as accounts
from metroscope.accountability.ledger.models import Expense, RateOrigin
from metroscope.accountability.ledger.services import ExpenseIn, expense_record
from metroscope.accountability.report import render
from tests.accountability.test_board_report import eur, text_of
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
YEAR = 2022


@pytest.fixture
def activity(db):
    return Activity.objects.filter(work_plan__year=YEAR).order_by("pk").first()


def spend(user, activity, amount: str, **change) -> Expense:
    values = {"date": dt.date(YEAR, 3, 15), "currency": "EUR", "category": "venue"} | change
    return expense_record(
        user=user,
        activity_id=activity.pk,
        data=ExpenseIn(amount=Decimal(amount), **values),
    )


def refused(user, activity, amount: str, **change) -> dict[str, list[str]]:
    before = (Expense.objects.count(), Expense.history.count())  # type: ignore[attr-defined]
    with pytest.raises(ValidationError) as caught:
        spend(user, activity, amount, **change)
    assert (Expense.objects.count(), Expense.history.count()) == before  # type: ignore[attr-defined]
    return caught.value.message_dict


# --- negative amounts ------------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_negative_amount_without_a_reason_is_refused(staff, activity, reason):
    errors = refused(staff, activity, "-250.00", reason=reason)
    assert "needs its reason" in errors["reason"][0]


def test_a_refund_with_its_reason_nets_on_the_activity(staff, activity):
    spend(staff, activity, "1234.56", supplier="Test hotel")
    refund = spend(staff, activity, "-234.50", reason="  Refund of the hotel deposit ")
    assert refund.reason == "Refund of the hotel deposit"
    assert refund.amount_eur == Decimal("-234.50")
    assert refund.history.latest().history_user == staff
    money = activity_accounts_module.activity_accounts(activity=activity)
    assert money.actual_eur == Decimal("1000.06")  # 1234.56 − 234.50


def test_a_refund_in_another_currency_converts_like_the_expense(staff, activity):
    paid = spend(staff, activity, "1000.00", currency="USD")
    back = spend(staff, activity, "-1000.00", currency="USD", reason="Flight cancelled")
    # Same date, same ECB rate: 1 EUR = 1.0991 USD on 15 March 2022, so 909.84 each way.
    assert (paid.amount_eur, back.amount_eur) == (Decimal("909.84"), Decimal("-909.84"))
    assert activity_accounts_module.activity_accounts(activity=activity).actual_eur == 0


@pytest.mark.parametrize("reason", ["", "  "])
def test_the_database_refuses_a_negative_amount_without_a_reason(activity, reason):
    with pytest.raises(IntegrityError), transaction.atomic():
        Expense.objects.create(
            activity=activity, date=dt.date(YEAR, 1, 5), amount=Decimal(-5), currency="EUR",
            rate_to_eur=1, amount_eur=Decimal(-5), category="other", reason=reason,
        )  # fmt: skip


def test_the_database_refuses_a_recorded_rate_without_its_source(activity):
    with pytest.raises(IntegrityError), transaction.atomic():
        Expense.objects.create(
            activity=activity, date=dt.date(YEAR, 1, 5), amount=Decimal(5), currency="XOF",
            rate_to_eur=Decimal("0.0015"), amount_eur=Decimal("0.01"), category="other",
            rate_origin=RateOrigin.RECORDED, rate_source=" ",
        )  # fmt: skip


def test_the_money_page_and_the_board_report_total_the_net_sum(staff, activity):
    spend(staff, activity, "1234.56")
    spend(staff, activity, "-234.50", reason="Credit note for the unused room")
    spend(staff, activity, "100.00", date=dt.date(YEAR, 6, 1), category="travel")
    raw = sum(Expense.objects.filter(date__year=YEAR).values_list("amount_eur", flat=True))
    assert raw == Decimal("1100.06")  # 1234.56 − 234.50 + 100
    overview = accounts.money_overview(year=YEAR)
    assert sum(r.actual_eur for r in overview.by_line) == raw
    page = client_for(staff).get(f"/plan/money/?year={YEAR}").content.decode()
    assert "Credit note for the unused room" in page
    assert "Spending is net" in page
    pdf = render.report_pdf(render.scope_for(years=[YEAR], language="en"))
    text = text_of(pdf)
    assert eur(raw, "en") in text  # the report's total spent
    assert eur(Decimal("1000.06"), "en") in text  # the venue category, net of the credit note


def test_the_auditors_export_lists_the_reason_and_the_rate(staff, activity):
    spend(staff, activity, "1000.00", currency="USD")
    spend(staff, activity, "-100.00", reason="Reversal of a double charge")
    response = client_for(staff).get(f"/plan/accounts-export/expenses.csv?year={YEAR}")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert sum(Decimal(r["amount_eur"]) for r in rows) == Decimal("809.84")  # 909.84 − 100
    by_origin = {r["rate_origin"]: r for r in rows}
    assert by_origin["ecb"]["rate_source"] == rates.ECB_SOURCE
    assert by_origin["ecb"]["rate_date"] == "2022-03-15"
    assert by_origin["eur"]["reason"] == "Reversal of a double charge"


def test_iati_publishes_net_yearly_expenditure_even_when_negative(staff, activity):
    spend(staff, activity, "500.00")
    spend(staff, activity, "-200.00", reason="Refund")
    # A refund in the next year, of a spending of this one: that year's expenditure is negative.
    spend(staff, activity, "-75.25", date=dt.date(YEAR + 1, 2, 1), reason="Late refund")
    document = iati.export(year=YEAR)
    assert iati.validate(document) == []
    node = next(
        a
        for a in etree.fromstring(document).iter("iati-activity")
        if a.findtext("title/narrative") == activity.title
    )
    values = {
        t.find("transaction-date").get("iso-date"): t.findtext("value")
        for t in node.iter("transaction")
    }
    assert values == {f"{YEAR}-03-15": "300.00", f"{YEAR + 1}-02-01": "-75.25"}
    assert {t.find("transaction-type").get("code") for t in node.iter("transaction")} == {"4"}
    assert "net of 1 refund" in node.find("transaction/description/narrative").text


def test_iati_leaves_out_the_illustrative_sample(activity):
    from metroscope.accountability.ledger import sample as sample_accounts

    sample_accounts.sample_accounts_load()
    document = iati.export()
    assert iati.validate(document) == []
    assert b"<transaction>" not in document
    assert b"<budget " not in document


# --- rates -----------------------------------------------------------------------------------


def test_an_ecb_rate_is_kept_with_its_date_and_source(staff, activity):
    expense = spend(staff, activity, "1000.00", currency="USD", date=dt.date(2022, 3, 19))
    assert expense.rate_origin == RateOrigin.ECB
    assert expense.rate_date == dt.date(2022, 3, 18)  # a Saturday takes Friday's rate
    assert expense.rate_source == rates.ECB_SOURCE


def test_past_the_ecb_table_the_message_says_its_last_date(staff, activity):
    first, last = rates.coverage("USD")
    later = last + dt.timedelta(days=30)
    errors = refused(staff, activity, "1000", currency="USD", date=later)
    message = errors["rate"][0]
    assert f"no ECB reference rate for USD on {later.isoformat()}" in message
    assert f"from {first.isoformat()} to {last.isoformat()}" in message
    assert "Record the rate" in message


def test_staff_record_the_rate_and_its_source_where_the_ecb_has_none(staff, activity):
    later = rates.coverage("USD")[1] + dt.timedelta(days=30)
    expense = spend(
        staff, activity, "1000.00", currency="USD", date=later,
        rate=Decimal("0.95"), rate_source="  Bank statement of the payment ",
    )  # fmt: skip
    assert expense.rate_origin == RateOrigin.RECORDED
    assert (expense.rate_to_eur, expense.rate_date) == (Decimal("0.95"), later)
    assert expense.rate_source == "Bank statement of the payment"
    assert expense.amount_eur == Decimal("950.00")  # 1000 × 0.95


def test_a_currency_the_ecb_does_not_quote_takes_a_recorded_rate(staff, activity):
    errors = refused(staff, activity, "655957", currency="XOF")
    assert "publishes no reference rate for XOF" in errors["currency"][0]
    expense = spend(
        staff, activity, "655957", currency="XOF",
        rate=Decimal("0.00152449"), rate_source="BCEAO fixed parity (655.957 XOF per EUR)",
    )  # fmt: skip
    assert expense.amount_eur == Decimal("1000.00")  # 655957 × 0.00152449 = 999.99987…


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"rate": Decimal("0.95")}, "rate_source", "Say where the rate comes from"),
        ({"rate_source": "Bank"}, "rate", "Give the rate: EUR for one USD"),
        ({"rate": Decimal(0), "rate_source": "Bank"}, "rate", "a number above 0"),
        ({"rate": Decimal("0.123456789"), "rate_source": "Bank"}, "rate", "eight decimals"),
    ],
)
def test_a_recorded_rate_needs_both_the_rate_and_its_source(
    staff, activity, change, field, message
):
    later = rates.coverage("USD")[1] + dt.timedelta(days=30)
    errors = refused(staff, activity, "10", currency="USD", date=later, **change)
    assert message in errors[field][0]


def test_a_rate_typed_where_the_ecb_has_one_is_refused(staff, activity):
    errors = refused(staff, activity, "10", currency="USD", rate=Decimal(1), rate_source="Bank")
    assert "reference rate of 2022-03-15 applies" in errors["rate"][0]
    errors = refused(staff, activity, "10", rate=Decimal(2), rate_source="Bank")
    assert "An expense in EUR needs no rate" in errors["rate"][0]


def test_the_activity_page_shows_the_rate_its_source_and_the_reason(staff, activity):
    later = rates.coverage("USD")[1] + dt.timedelta(days=30)
    spend(staff, activity, "10", currency="USD")
    spend(
        staff, activity, "20", currency="USD", date=later, rate=Decimal("0.9"),
        rate_source="Test central bank",
    )  # fmt: skip
    spend(staff, activity, "-5", reason="Test correction")
    page = client_for(staff).get(f"/plan/activities/{activity.pk}/").content.decode()
    assert "ECB reference rate of 2022-03-15" in page
    assert f"recorded by staff for {later.isoformat()}: Test central bank" in page
    assert "Test correction" in page
    assert "paid in EUR" in page


def test_the_expense_form_takes_a_reason_and_a_rate(staff, activity):
    later = rates.coverage("USD")[1] + dt.timedelta(days=30)
    url = f"/plan/activities/{activity.pk}/expense/"
    data = {"date": later.isoformat(), "amount": "-40", "currency": "USD", "category": "travel"}
    response = client_for(staff).post(url, data)
    errors = response.context["form"].errors
    assert "needs its reason" in errors["reason"][0]
    assert "Record the rate" in errors["rate"][0]
    data |= {"reason": "Refund of a fare", "rate": "0.9", "rate_source": "Test bank"}
    assert client_for(staff).post(url, data).status_code == 302
    assert Expense.objects.get(reason="Refund of a fare").amount_eur == Decimal("-36.00")
