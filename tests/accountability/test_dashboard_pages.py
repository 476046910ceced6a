"""/plan/matrix/ and /plan/engagement/ on the loaded data: figures equal a recount of the rows,
query counts pinned."""

from __future__ import annotations

import pytest

from metroscope.accountability.activities.models import Activity
from metroscope.accountability.dashboards import selectors as dashboard_selectors
from metroscope.accountability.ledger import sample as sample_accounts
from metroscope.members.models import Member
from metroscope.plan.models import Challenge, Theme
from metroscope.plan.selectors import current_plan

pytestmark = pytest.mark.django_db


def test_matrix_cells_match_a_recount_of_the_activities(client):
    activity = Activity.objects.order_by("pk").first()
    challenge, theme = Challenge.objects.order_by("order").first(), Theme.objects.first()
    activity.challenges.add(challenge)
    activity.themes.add(theme)
    view = dashboard_selectors.opportunity_matrix(plan=current_plan(), years=None)
    cells = {(c.challenge, c.theme): c for _, row in view.rows for c in row}
    expected = set(
        Activity.objects.filter(challenges=challenge, themes=theme).values_list("pk", flat=True)
    )
    assert set(cells[(challenge.code, theme.code)].activities) == expected
    assert activity.pk in expected
    assert len(view.rows) == 4
    assert all(len(row) == 5 for _, row in view.rows)
    html = client.get("/plan/matrix/").content.decode()
    assert "Opportunity matrix" in html
    assert f'data-cell="{challenge.code}-{theme.code}"' in html


def test_matrix_page_carries_the_label_with_sample_accounts(client):
    sample_accounts.sample_accounts_load()
    assert "Illustrative figures" in client.get("/plan/matrix/").content.decode()


def test_engagement_counts_every_member_once(client):
    view = dashboard_selectors.member_engagement(years=None)
    involved = set(Activity.members.through.objects.values_list("member_id", flat=True))
    assert view.engagement.reached == len(involved)
    assert len(view.engagement.members) == Member.objects.count()
    assert sum(r.members for r in view.engagement.regions) == Member.objects.count()
    html = client.get("/plan/engagement/?year=2022").content.decode()
    assert "Members never reached" in html


def test_dashboard_query_counts_are_pinned(client, django_assert_num_queries):
    # when the figures are computed; test_dashboard_queries.py pins them with many more rows
    with django_assert_num_queries(11):
        assert client.get("/plan/matrix/").status_code == 200
    with django_assert_num_queries(7):  # whether activities are made up: known already
        assert client.get("/plan/engagement/").status_code == 200
