"""/plan/money/, /plan/carbon/, the activity page's money and carbon sections and their API:
who sees what, the illustrative label, and pinned query counts."""

from __future__ import annotations

import pytest

from metroscope.accountability.activities.models import Activity
from metroscope.accountability.carbon.models import Trip
from metroscope.accountability.ledger import sample as sample_accounts
from metroscope.accountability.ledger.models import Expense
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
LABEL = "Illustrative figures, not Metropolis's accounts"


@pytest.fixture
def sample(db):
    sample_accounts.sample_accounts_load()


def page(user, url: str) -> str:
    response = client_for(user).get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_pages_without_accounts_say_so_and_carry_no_label(client):
    money = client.get("/plan/money/").content.decode()
    assert "No funding has been recorded yet." in money
    assert "Record a funding source" not in money  # a visitor may not: no link
    assert LABEL not in money
    carbon = client.get("/plan/carbon/").content.decode()
    assert "No trip has been recorded yet." in carbon
    assert 'id="emissions-by-year-spec"' not in carbon  # no chart without data
    assert LABEL not in carbon
    assert "Not checked against the publication:" in carbon  # the factors' provenance


def test_money_page_shows_mix_hhi_budgets_and_fee_totals_with_the_label(client, sample):
    html = client.get("/plan/money/").content.decode()
    assert LABEL in html
    for testid in (
        "funding-mix",
        "concentration",
        "budget-by-line",
        "budget-by-axis",
        "fee-totals",
    ):
        assert f'data-testid="{testid}"' in html
    assert "HHI (0–1)" in html
    assert 'id="funding-mix-spec"' in html


@pytest.mark.parametrize(
    ("persona", "fees", "expenses"),
    [
        (None, False, False),
        ("officer_barcelona", False, False),
        ("board_member", True, False),
        ("staff", True, True),
    ],
)
def test_money_page_permission_matrix(request, sample, persona, fees, expenses):
    user = request.getfixturevalue(persona) if persona else None
    html = page(user, "/plan/money/")
    supplier = Expense.objects.first().supplier
    assert ('data-testid="member-fees"' in html) is fees
    assert ('data-testid="expense-lines"' in html) is expenses
    assert (supplier in html) is expenses
    assert ("ILL-" in html) is expenses


@pytest.mark.parametrize(
    ("persona", "expenses"), [(None, False), ("board_member", False), ("staff", True)]
)
def test_activity_page_shows_money_and_carbon_and_suppliers_only_to_the_secretariat(
    request, sample, persona, expenses
):
    user = request.getfixturevalue(persona) if persona else None
    activity = Trip.objects.first().activity
    html = page(user, f"/plan/activities/{activity.pk}/")
    assert LABEL in html
    assert 'data-testid="activity-money"' in html
    assert 'data-testid="activity-carbon"' in html
    assert "Barcelona" in html
    assert ('data-testid="activity-expenses"' in html) is expenses


def test_activity_page_without_accounts_has_no_label(client):
    activity = Activity.objects.filter(mode="online").first()
    html = client.get(f"/plan/activities/{activity.pk}/").content.decode()
    assert LABEL not in html
    assert "Held online: no trips." in html


def test_carbon_page_per_year_line_target_and_online_savings(client, sample):
    html = client.get("/plan/carbon/").content.decode()
    assert LABEL in html
    for testid in ("emissions-by-year", "emissions-by-line", "online-savings", "emission-factors"):
        assert f'data-testid="{testid}"' in html
    assert "Baseline year 2019" in html
    response = client.get("/plan/carbon/", {"year": 2023})
    assert response.context["overview"].year == 2023


def test_money_api_aggregates_without_suppliers(client, sample):
    data = client.get("/api/v1/plan/money").json()
    assert data["illustrative"] is True
    years = {m["year"] for m in data["funding"]}
    assert 2021 in years
    for mix in data["funding"]:
        assert 0 < mix["hhi"] <= 1
        assert sum(s["share"] for s in mix["sources"]) == pytest.approx(1)
        assert mix["largest_share"] == max(s["share"] for s in mix["sources"])
    assert "Supplier" not in str(data)
    one = client.get("/api/v1/plan/money", {"year": 2021}).json()
    assert [m["year"] for m in one["funding"]] == [2021]
    assert [f["year"] for f in one["fees"]] == [2021]


def test_carbon_api_totals_match_the_year_rows(client, sample):
    data = client.get("/api/v1/plan/carbon").json()
    assert data["illustrative"] is True
    assert data["trips"] == Trip.objects.count()
    total = sum(r["kg_co2e"] for r in data["by_year"])
    assert sum(r["kg_co2e"] for r in data["by_action_line"]) == pytest.approx(total)
    assert data["baseline_year"] == 2019
    one = client.get("/api/v1/plan/carbon", {"year": 2023}).json()
    assert one["trips"] < data["trips"]


def test_empty_apis_are_not_illustrative(client):
    assert client.get("/api/v1/plan/money").json()["illustrative"] is False
    assert client.get("/api/v1/plan/carbon").json()["trips"] == 0


# when the figures are computed (the first request after a write); tests/plan/
# test_dashboard_queries.py pins them with many more rows, and once the process has them
@pytest.mark.parametrize(("url", "queries"), [("/plan/money/", 11), ("/plan/carbon/", 11)])
def test_accounts_pages_query_counts_are_pinned(
    client, sample, django_assert_num_queries, url, queries
):
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200


def test_money_page_for_staff_query_count_is_pinned(staff, sample, django_assert_num_queries):
    user_client = client_for(staff)
    # + may the user record (the empty states), + the header's unread notifications
    with django_assert_num_queries(22):
        assert user_client.get("/plan/money/").status_code == 200
