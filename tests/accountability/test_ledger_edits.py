"""Staff edit and delete an activity's budget lines, expenses and trips from its page: each
change checked like a new record, audited (the user and the reason in the history, a deletion
too), a deletion confirmed first; anonymous visitors are sent to sign in, officers and Board
members get 403 and change nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from metroscope.accountability.activities import accounts as activity_accounts_module
from metroscope.accountability.activities.models import Activity
from metroscope.accountability.carbon import services as carbon_services
from metroscope.accountability.carbon.models import Trip
from metroscope.accountability.ledger import services as ledger_services
from metroscope.accountability.ledger.models import BudgetLine, Expense
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows(staff):
    """A budget line, an expense and a trip of one activity (test data), and another activity."""
    activity, other = Activity.objects.select_related("work_plan").order_by("pk")[:2]
    line = ledger_services.budget_line_record(
        user=staff, activity_id=activity.pk, category="venue", amount_eur=Decimal(5000)
    )
    expense = ledger_services.expense_record(
        user=staff,
        activity_id=activity.pk,
        data=ledger_services.ExpenseIn(
            date=dt.date(2022, 3, 15), amount=Decimal("1200.00"), currency="EUR",
            category="venue", supplier="Test venue", document_reference="TEST-9",
        ),
    )  # fmt: skip
    trip = carbon_services.trip_record(
        user=staff,
        activity_id=activity.pk,
        data=carbon_services.TripIn(
            origin="Barcelona", destination="Seoul", mode="air", cabin_class="economy"
        ),
    )
    return {"activity": activity, "other": other, "budget": line, "expense": expense, "trip": trip}


def url(rows, kind: str, verb: str, activity=None) -> str:
    return f"/plan/activities/{(activity or rows['activity']).pk}/{kind}/{rows[kind].pk}/{verb}/"


def snapshot() -> tuple[object, ...]:
    return (
        list(BudgetLine.objects.values_list("pk", "year", "category", "amount_eur")),
        list(Expense.objects.values_list("pk", "amount", "amount_eur")),
        list(Trip.objects.values_list("pk", "origin", "passengers")),
    )


POSTS = {
    "budget": {"year": "2022", "category": "venue", "amount_eur": "1"},
    "expense": {"date": "2022-03-15", "amount": "1", "currency": "EUR", "category": "venue"},
    "trip": {"origin": "Barcelona", "destination": "Seoul", "mode": "rail", "passengers": "1"},
}


@pytest.mark.parametrize(
    ("persona", "status"),
    [(None, 302), ("officer_seoul", 403), ("board_member", 403), ("staff", 200)],
)
@pytest.mark.parametrize("kind", ["budget", "expense", "trip"])
def test_edit_and_delete_permission_matrix(request, rows, persona, status, kind):
    user = request.getfixturevalue(persona) if persona else None
    before = snapshot()
    for verb in ("edit", "delete"):
        assert client_for(user).get(url(rows, kind, verb)).status_code == status
        if persona != "staff":
            response = client_for(user).post(url(rows, kind, verb), POSTS[kind])
            assert response.status_code == status
            if status == 302:
                assert "login" in response["Location"]
    assert snapshot() == before


@pytest.mark.parametrize("kind", ["budget", "expense", "trip"])
def test_a_row_of_another_activity_is_not_found(staff, rows, kind):
    for verb in ("edit", "delete"):
        assert client_for(staff).get(url(rows, kind, verb, rows["other"])).status_code == 404
    missing = f"/plan/activities/{rows['activity'].pk}/trip/0/edit/"
    assert client_for(staff).get(missing).status_code == 404


@pytest.mark.parametrize(
    ("persona", "links"), [(None, False), ("board_member", False), ("staff", True)]
)
def test_the_activity_page_links_edit_and_delete_for_staff_only(request, rows, persona, links):
    user = request.getfixturevalue(persona) if persona else None
    page = client_for(user).get(f"/plan/activities/{rows['activity'].pk}/").content.decode()
    for kind in ("budget", "trip"):  # the expense lines are shown to the Secretariat only
        for verb in ("edit", "delete"):
            assert (f'href="{url(rows, kind, verb)}"' in page) is links
    assert (f'href="{url(rows, "expense", "delete")}"' in page) is links


# --- budget lines ----------------------------------------------------------------------------


def test_staff_edit_a_budget_line_and_the_budget_follows(staff, rows):
    page = client_for(staff).get(url(rows, "budget", "edit")).content.decode()
    assert 'value="5000.00"' in page
    data = {"year": "2022", "category": "travel", "amount_eur": "3250.50"}
    response = client_for(staff).post(url(rows, "budget", "edit"), data)
    assert response["Location"] == f"/plan/activities/{rows['activity'].pk}/#accounts"
    line = BudgetLine.objects.get(pk=rows["budget"].pk)
    assert (line.year, line.category, line.amount_eur) == (2022, "travel", Decimal("3250.50"))
    assert (line.history.latest().history_user, line.history.latest().history_change_reason) == (
        staff,
        "budget line edited",
    )
    assert activity_accounts_module.activity_accounts(
        activity=rows["activity"]
    ).budget_eur == Decimal("3250.50")


def test_a_budget_line_cannot_take_the_place_of_another(staff, rows):
    BudgetLine.objects.create(
        activity=rows["activity"], year=2022, category="travel", amount_eur=Decimal(10)
    )
    before = snapshot()
    data = {"year": "2022", "category": "travel", "amount_eur": "99"}
    response = client_for(staff).post(url(rows, "budget", "edit"), data)
    assert (
        "already has a budget line for Travel in 2022"
        in response.context["form"].errors["category"][0]
    )
    assert snapshot() == before


# --- expenses --------------------------------------------------------------------------------


def test_staff_edit_an_expense_into_a_refund_with_its_reason(staff, rows):
    edit = url(rows, "expense", "edit")
    page = client_for(staff).get(edit).content.decode()
    assert 'value="TEST-9"' in page
    data = {"date": "2022-03-15", "amount": "-200", "currency": "EUR", "category": "venue"}
    before = snapshot()
    response = client_for(staff).post(edit, data)
    assert "needs its reason" in response.context["form"].errors["reason"][0]
    assert snapshot() == before
    client_for(staff).post(edit, {**data, "reason": "Deposit returned"})
    expense = Expense.objects.get(pk=rows["expense"].pk)
    assert (expense.amount_eur, expense.reason) == (Decimal("-200.00"), "Deposit returned")
    assert expense.history.latest().history_change_reason == "expense edited"
    assert expense.history.latest().history_user == staff


def test_an_edited_expense_takes_the_rate_of_its_new_date(staff, rows):
    data = {"date": "2022-03-19", "amount": "1000", "currency": "USD", "category": "venue"}
    client_for(staff).post(url(rows, "expense", "edit"), data)
    expense = Expense.objects.get(pk=rows["expense"].pk)
    assert (expense.rate_origin, expense.rate_date) == ("ecb", dt.date(2022, 3, 18))


def test_deleting_an_expense_asks_first_then_is_audited(staff, rows):
    delete = url(rows, "expense", "delete")
    page = client_for(staff).get(delete).content.decode()
    assert "Yes, delete it" in page
    assert "Test venue" in page
    assert Expense.objects.filter(pk=rows["expense"].pk).exists()
    response = client_for(staff).post(delete)
    assert response["Location"] == f"/plan/activities/{rows['activity'].pk}/#accounts"
    assert not Expense.objects.filter(pk=rows["expense"].pk).exists()
    last = Expense.history.filter(id=rows["expense"].pk).latest()  # type: ignore[attr-defined]
    assert (last.history_type, last.history_user, last.history_change_reason) == (
        "-",
        staff,
        "expense deleted",
    )
    assert activity_accounts_module.activity_accounts(activity=rows["activity"]).actual_eur == 0


# --- trips -----------------------------------------------------------------------------------


def test_staff_edit_a_trip_and_its_emissions_change(staff, rows):
    activity = rows["activity"]
    before = activity_accounts_module.activity_accounts(activity=activity).kg_co2e
    assert before > 0
    page = client_for(staff).get(url(rows, "trip", "edit")).content.decode()
    assert 'value="Barcelona"' in page
    data = {**POSTS["trip"], "mode": "air", "cabin_class": "economy", "passengers": "3"}
    data["round_trip"] = "on"
    assert client_for(staff).post(url(rows, "trip", "edit"), data).status_code == 302
    after = activity_accounts_module.activity_accounts(activity=activity).kg_co2e
    assert after == pytest.approx(before * 3)  # three passengers instead of one
    trip = Trip.objects.get(pk=rows["trip"].pk)
    assert (trip.origin, trip.destination) == ("Barcelona", "Seoul")
    assert trip.history.latest().history_change_reason == "trip edited"


def test_a_trip_edited_to_an_unknown_place_changes_nothing(staff, rows):
    before = snapshot()
    data = {**POSTS["trip"], "destination": "Qwzxy Town"}
    response = client_for(staff).post(url(rows, "trip", "edit"), data)
    assert "Unknown place “Qwzxy Town”" in response.context["form"].errors["destination"][0]
    assert snapshot() == before


def test_deleting_a_trip_and_a_budget_line(staff, rows):
    for kind, model in (("trip", Trip), ("budget", BudgetLine)):
        assert client_for(staff).post(url(rows, kind, "delete")).status_code == 302
        assert not model.objects.filter(pk=rows[kind].pk).exists()
        last = model.history.filter(id=rows[kind].pk).latest()  # type: ignore[attr-defined]
        assert (last.history_type, last.history_user) == ("-", staff)


def test_editing_an_expense_shows_its_recorded_rate_and_source(staff, rows):
    expense = ledger_services.expense_record(
        user=staff,
        activity_id=rows["activity"].pk,
        data=ledger_services.ExpenseIn(
            date=dt.date(2022, 3, 15), amount=Decimal(5), currency="KWD", category="other",
            rate=Decimal(10), rate_source="Test rate",
        ),
    )  # fmt: skip
    edit = f"/plan/activities/{rows['activity'].pk}/expense/{expense.pk}/edit/"
    page = client_for(staff).get(edit).content.decode()
    assert 'name="rate" value="10"' in page
    assert 'value="Test rate"' in page
    ecb = client_for(staff).get(url(rows, "expense", "edit")).content.decode()
    assert 'name="rate" value=' not in ecb  # an ECB or EUR rate is not typed again
