"""Staff forms of an activity: create and edit it, add a budget line, record an expense (ECB
rate of its date) and a trip (between places the observatory knows). Good input writes with
the user in the history, each bad input names its field and writes nothing, only staff may
write (anonymous, officer and board member get 403 or the sign-in page), pinned queries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from metroscope.accountability.activities.models import Activity, WorkPlan
from metroscope.accountability.carbon.models import Trip
from metroscope.accountability.ledger import rates
from metroscope.accountability.ledger.models import BudgetLine, Expense
from metroscope.plan.models import Outcome, Theme
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def activity(db):
    return Activity.objects.select_related("work_plan").order_by("pk").first()


def counts() -> tuple[int, ...]:
    return (
        Activity.objects.count(),
        Activity.history.count(),  # type: ignore[attr-defined]
        BudgetLine.objects.count(),
        Expense.objects.count(),
        Trip.objects.count(),
    )


def good_activity(**change: object) -> dict[str, object]:
    data: dict[str, object] = {
        "title": "Test workshop on metropolitan finance",
        "description": "Test data.",
        "work_plan": WorkPlan.objects.order_by("year").first().year,
        "type": "training",
        "status": "planned",
        "outcomes": [Outcome.objects.order_by("code").first().code],
        "themes": [Theme.objects.order_by("pk").first().pk],
        "members": ["seoul", "barcelona-city"],
        "gender_marker": "1",
        "mode": "in_person",
        "host_city": "Seoul",
        "start_date": "2022-05-10",
        "end_date": "2022-05-12",
    }
    data.update(change)
    return data


def post(user, url: str, data: dict[str, object]):
    return client_for(user).post(url, data)


# --- permissions -------------------------------------------------------------------------


def urls(activity: Activity) -> list[str]:
    pk = activity.pk
    return [
        "/plan/activities/new/",
        f"/plan/activities/{pk}/edit/",
        f"/plan/activities/{pk}/budget/",
        f"/plan/activities/{pk}/expense/",
        f"/plan/activities/{pk}/trip/",
    ]


@pytest.mark.parametrize(
    ("persona", "status"),
    [(None, 302), ("officer_seoul", 403), ("board_member", 403), ("staff", 200)],
)
def test_form_permission_matrix(request, activity, persona, status):
    user = request.getfixturevalue(persona) if persona else None
    before = counts()
    for url in urls(activity):
        assert client_for(user).get(url).status_code == status, url
        if persona != "staff":
            refused = post(user, url, good_activity())
            assert refused.status_code == status, url
            if status == 302:
                assert "/accounts/login/" in refused["Location"] or "login" in refused["Location"]
    assert counts() == before


@pytest.mark.parametrize(
    ("persona", "links"), [(None, False), ("officer_seoul", False), ("board_member", False),
                           ("staff", True)],
)  # fmt: skip
def test_activity_page_links_to_the_forms_for_staff_only(request, activity, persona, links):
    user = request.getfixturevalue(persona) if persona else None
    page = client_for(user).get(f"/plan/activities/{activity.pk}/").content.decode()
    for url in urls(activity)[1:]:
        assert (f'href="{url}"' in page) is links
    listing = client_for(user).get("/plan/activities/").content.decode()
    assert ('href="/plan/activities/new/"' in listing) is links


def test_services_refuse_non_staff_too(officer_seoul, activity):
    from django.core.exceptions import PermissionDenied

    from metroscope.accountability.ledger import services as ledger_services

    with pytest.raises(PermissionDenied):
        ledger_services.budget_line_record(
            user=officer_seoul, activity_id=activity.pk, category="staff", amount_eur=Decimal(1)
        )


# --- activities ----------------------------------------------------------------------------


def test_staff_create_an_activity_with_its_tags_and_history(staff):
    user_client = client_for(staff)
    response = user_client.post("/plan/activities/new/", good_activity())
    assert response.status_code == 302
    made = Activity.objects.get(title="Test workshop on metropolitan finance")
    assert response["Location"] == f"/plan/activities/{made.pk}/"
    assert made.code.startswith("test-workshop-on-metropolitan-finance-")
    assert made.gender_marker == 1
    assert made.host_city == "Seoul"
    assert made.end_date == dt.date(2022, 5, 12)
    assert {m.code for m in made.members.all()} == {"seoul", "barcelona-city"}
    assert made.outcomes.count() == 1
    assert made.themes.count() == 1
    record = made.history.latest()
    assert record.history_user == staff
    assert record.history_change_reason == "activity created"
    page = user_client.get(f"/plan/activities/{made.pk}/").content.decode()
    assert "The activity was created." in page


def test_staff_edit_an_activity_and_keep_its_code(staff, activity):
    code = activity.code
    page = client_for(staff).get(f"/plan/activities/{activity.pk}/edit/").content.decode()
    assert f'value="{activity.title}"' in page or activity.title in page
    data = good_activity(
        title="Renamed (test)", work_plan=activity.work_plan.year, mode="online", host_city=""
    )
    assert post(staff, f"/plan/activities/{activity.pk}/edit/", data).status_code == 302
    activity.refresh_from_db()
    assert (activity.title, activity.code, activity.mode) == ("Renamed (test)", code, "online")
    assert activity.history.latest().history_change_reason == "activity edited"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"title": ""}, "title", "This field is required."),
        ({"type": "party"}, "type", "Select a valid choice."),
        ({"work_plan": "1999"}, "work_plan", "Select a valid choice."),
        ({"end_date": "2022-05-01"}, "end_date", "The end date is before the start date."),
        ({"host_city": ""}, "host_city", "An activity held in person names its host city."),
        ({"mode": "online"}, "host_city", "An online activity has no host city"),
        ({"members": ["nowhere"]}, "members", "Select a valid choice."),
        ({"start_date": "2022-13-01"}, "start_date", "Enter a valid date."),
    ],
)
def test_bad_activity_names_its_field_and_writes_nothing(staff, change, field, message):
    before = counts()
    response = post(staff, "/plan/activities/new/", good_activity(**change))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert counts() == before


# --- budget lines ------------------------------------------------------------------------


def test_staff_add_a_budget_line_then_replace_it(staff, activity):
    url = f"/plan/activities/{activity.pk}/budget/"
    page = client_for(staff).get(url).content.decode()
    assert f'value="{activity.work_plan.year}"' in page
    data = {"year": activity.work_plan.year, "category": "venue", "amount_eur": "12000.50"}
    response = post(staff, url, data)
    assert response["Location"] == f"/plan/activities/{activity.pk}/#accounts"
    post(staff, url, {**data, "amount_eur": "9000"})
    line = BudgetLine.objects.get(activity=activity, category="venue")
    assert line.amount_eur == Decimal("9000")
    assert not line.illustrative
    assert line.history.count() == 2
    assert line.history.latest().history_user == staff


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"amount_eur": "-5"}, "amount_eur", "A budget is 0 or more"),
        ({"amount_eur": "1.005"}, "amount_eur", "at most two decimals"),
        ({"amount_eur": "lots"}, "amount_eur", "Enter a number."),
        ({"category": "bribes"}, "category", "Select a valid choice."),
        ({"year": "20"}, "year", "Give the budget's year"),
    ],
)
def test_bad_budget_line_writes_nothing(staff, activity, change, field, message):
    before = counts()
    data = {"year": 2022, "category": "venue", "amount_eur": "100", **change}
    response = post(staff, f"/plan/activities/{activity.pk}/budget/", data)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert counts() == before


# --- expenses ------------------------------------------------------------------------------


def good_expense(**change: object) -> dict[str, object]:
    data: dict[str, object] = {
        "date": "2022-03-15",
        "amount": "1000.00",
        "currency": "usd",
        "category": "travel",
        "supplier": "Test airline",
        "document_reference": "TEST-001",
    }
    data.update(change)
    return data


def test_staff_record_an_expense_at_the_ecb_rate_of_its_date(staff, activity):
    url = f"/plan/activities/{activity.pk}/expense/"
    assert post(staff, url, good_expense()).status_code == 302
    expense = Expense.objects.get(document_reference="TEST-001")
    # ECB reference rate of 15 March 2022: 1 EUR = 1.0991 USD
    assert expense.currency == "USD"
    assert expense.rate_to_eur == (Decimal(1) / Decimal("1.0991")).quantize(rates.RATE_PLACES)
    assert expense.amount_eur == Decimal("909.84")
    assert expense.history.latest().history_user == staff


def test_an_expense_on_a_weekend_takes_the_fridays_rate(staff, activity):
    saturday, friday = dt.date(2022, 3, 19), dt.date(2022, 3, 18)
    assert rates.rate_to_eur("USD", saturday) == (rates.rate_to_eur("USD", friday)[0], friday)
    post(staff, f"/plan/activities/{activity.pk}/expense/", good_expense(date="2022-03-19"))
    assert (
        Expense.objects.get(document_reference="TEST-001").rate_to_eur
        == (rates.rate_to_eur("USD", friday)[0])
    )


def test_an_expense_in_eur_has_the_rate_one(staff, activity):
    post(staff, f"/plan/activities/{activity.pk}/expense/", good_expense(currency="EUR"))
    expense = Expense.objects.get(document_reference="TEST-001")
    assert (expense.rate_to_eur, expense.amount_eur) == (1, Decimal("1000.00"))


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"currency": "XYZ"}, "currency", "publishes no reference rate for XYZ"),
        ({"currency": "E1"}, "currency", "three letters"),
        ({"date": "1990-01-02"}, "rate", "no ECB reference rate for USD on 1990-01-02"),
        ({"date": "2099-01-02"}, "rate", "no ECB reference rate for USD on 2099-01-02"),
        ({"amount": "-20"}, "reason", "A negative amount (a refund"),
        ({"amount": ""}, "amount", "This field is required."),
        ({"date": ""}, "date", "This field is required."),
        ({"category": "x"}, "category", "Select a valid choice."),
    ],
)
def test_bad_expense_names_its_field_and_writes_nothing(staff, activity, change, field, message):
    before = counts()
    response = post(staff, f"/plan/activities/{activity.pk}/expense/", good_expense(**change))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert counts() == before


# --- trips ---------------------------------------------------------------------------------


def good_trip(**change: object) -> dict[str, object]:
    data: dict[str, object] = {
        "origin": "Barcelona",
        "destination": "Seoul",
        "mode": "air",
        "cabin_class": "economy",
        "passengers": "2",
        "round_trip": "on",
    }
    data.update(change)
    return data


def test_staff_record_a_trip_between_known_places(staff, activity):
    assert post(staff, f"/plan/activities/{activity.pk}/trip/", good_trip()).status_code == 302
    trip = Trip.objects.get(activity=activity, illustrative=False)
    assert (trip.origin, trip.destination, trip.passengers, trip.round_trip) == (
        "Barcelona",
        "Seoul",
        2,
        True,
    )
    assert 41 < trip.origin_latitude < 42
    assert 37 < trip.destination_latitude < 38
    assert trip.history.latest().history_user == staff
    page = client_for(staff).get(f"/plan/activities/{activity.pk}/").content.decode()
    assert "t CO2e from the trips recorded" in page


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"origin": "Qwzxy Town"}, "origin", "Unknown place “Qwzxy Town”"),
        ({"destination": "Nowhere City"}, "destination", "Unknown place “Nowhere City”"),
        ({"destination": "Barcelona"}, "destination", "The destination is the place of origin"),
        ({"cabin_class": ""}, "cabin_class", "A flight has a cabin class."),
        ({"mode": "rail"}, "cabin_class", "Only flights have a cabin class."),
        ({"passengers": "0"}, "passengers", "at least one passenger"),
        ({"mode": "boat"}, "mode", "Select a valid choice."),
    ],
)
def test_bad_trip_names_its_field_and_writes_nothing(staff, activity, change, field, message):
    before = counts()
    response = post(staff, f"/plan/activities/{activity.pk}/trip/", good_trip(**change))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert counts() == before


def test_unknown_activity_is_404_for_staff(staff):
    assert client_for(staff).get("/plan/activities/999999/expense/").status_code == 404


# --- navigation and pinned queries ---------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "link"),
    [(None, False), ("officer_seoul", False), ("board_member", True), ("staff", True)],
)
@pytest.mark.parametrize("url", ["/plan/money/", "/plan/carbon/", "/plan/activities/"])
def test_plan_navigation_links_the_board_report_for_its_readers(request, persona, link, url):
    user = request.getfixturevalue(persona) if persona else None
    page = client_for(user).get(url).content.decode()
    assert ('href="/plan/report/"' in page) is link


@pytest.mark.parametrize(
    ("url", "queries"),
    [  # each + 1 for the header's unread notifications
        ("/plan/activities/new/", 12),
        ("/plan/activities/{pk}/edit/", 17),
        ("/plan/activities/{pk}/budget/", 6),
        ("/plan/activities/{pk}/expense/", 6),
        ("/plan/activities/{pk}/trip/", 6),
    ],
)
def test_form_pages_query_counts_are_pinned(
    staff, activity, url, queries, django_assert_num_queries
):
    user_client = client_for(staff)
    with django_assert_num_queries(queries):
        assert user_client.get(url.format(pk=activity.pk)).status_code == 200


def test_recording_a_trip_query_count_is_pinned(staff, activity, django_assert_max_num_queries):
    user_client = client_for(staff)
    # 25: the place resolver also reads the members' own places (one query, issue 17)
    with django_assert_max_num_queries(25):
        response = user_client.post(f"/plan/activities/{activity.pk}/trip/", good_trip())
    assert response.status_code == 302
