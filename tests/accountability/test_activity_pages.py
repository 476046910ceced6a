"""Work plans, activities, activity detail and plan progress as pages."""

from __future__ import annotations

import pytest

from metroscope.accountability.activities.models import Activity
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_work_plans_list_and_detail(client):
    html = client.get("/plan/work-plans/").content.decode()
    assert 'href="/plan/work-plans/2021/"' in html
    page = client.get("/plan/work-plans/2023/")
    assert page.status_code == 200
    assert "Launch of the 6th Guangzhou Award" in page.content.decode()
    assert client.get("/plan/work-plans/1999/").status_code == 404


def test_activities_filter_and_count(client):
    response = client.get("/plan/activities/", {"year": 2020, "type": "publication"})
    assert response.context["facets"].total == 2
    html = response.content.decode()
    assert "2 activities" in html
    assert "EGI Policy Brief #01" in html
    assert "Launch of the USE" not in html
    assert 'href="/plan/activities/iati.xml?year=2020"' in html


def test_filters_through_themes_and_markers(client, activity_with_result):
    response = client.get("/plan/activities/", {"theme": "T-GEN", "gender_marker": "1"})
    assert [a.pk for a in response.context["activities"]] == [activity_with_result.pk]
    none = client.get("/plan/activities/", {"gender_marker": "none"})
    assert none.context["facets"].total == 38
    programme = client.get("/plan/activities/", {"program": "P-GZA"})
    assert programme.context["facets"].total == 8


def test_unknown_filter_values_are_ignored(client):
    response = client.get("/plan/activities/", {"type": "party"})
    assert response.context["facets"].total == 39


def test_a_year_that_is_not_one_is_a_bad_request_naming_it(client):
    response = client.get("/plan/activities/", {"year": "soon"})
    assert response.status_code == 400
    assert "“year” must be a whole number from 1900 to 2100" in response.content.decode()


def test_activities_list_query_count_is_pinned(client, django_assert_num_queries):
    with django_assert_num_queries(11):
        client.get("/plan/activities/", {"year": 2021})


def test_activity_detail_shows_plan_links_members_and_progress(client, activity_with_result):
    html = client.get(f"/plan/activities/{activity_with_result.pk}/").content.decode()
    assert "L1.2.1" in html
    assert "Gender equality" in html
    assert "1 — significant objective" in html
    assert "on track" in html
    assert "share of the year elapsed" in html


def test_activity_detail_lists_host_members(client):
    activity = Activity.objects.get(title__startswith="Metropolis Board of Directors meeting 2019")
    html = client.get(f"/plan/activities/{activity.pk}/").content.decode()
    assert 'href="/members/montevideo/"' in html
    assert "Metroscope's classification" in html
    assert "No result indicator recorded yet" in html


def test_activity_page_in_spanish(client):
    activity = Activity.objects.get(title__startswith="Metropolis Board of Directors meeting 2019")
    html = client.get(f"/es/plan/activities/{activity.pk}/").content.decode()
    assert 'lang="es"' in html
    assert client.get("/plan/activities/999999/").status_code == 404


def test_progress_tree_counts_activities_per_line_axis_and_outcome(client, activity_with_result):
    response = client.get("/plan/progress/")
    tree = response.context["tree"]
    counts = {node.line.code: node.activities for node in tree}
    assert counts == {"L1": 13, "L2": 20, "L3": 6}
    axis = next(a for n in tree for a in n.axes if a.axis.code == "L1.2")
    outcome = next(o for o in axis.outcomes if o.outcome.code == "L1.2.1")
    assert outcome.activities == 1
    assert axis.activities == 5  # the activity has axis L1.2 and outcome L1.2.1: counted once
    assert "Plan progress" in response.content.decode()


def test_plan_page_links_the_accountability_pages(client):
    html = client.get("/plan/").content.decode()
    for url in ("/plan/progress/", "/plan/work-plans/", "/plan/activities/"):
        assert f'href="{url}"' in html


@pytest.mark.parametrize(
    ("url", "queries"),
    [("/plan/progress/", 11), ("/plan/work-plans/", 3), ("/plan/work-plans/2020/", 7)],
)
def test_other_accountability_pages_query_counts_are_pinned(
    client, django_assert_num_queries, url, queries
):
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200


def test_activity_detail_query_count_does_not_grow_with_results(
    client, activity_with_result, django_assert_num_queries
):
    second = activity_with_result.indicators.create(title="Second", measure="2")
    second.periods.create(year=2021, target=50, actual=10)
    second.periods.create(year=2022, target=80)
    with django_assert_num_queries(12):  # 11, and the programs panel: its event, if any
        html = client.get(f"/plan/activities/{activity_with_result.pk}/").content.decode()
    assert "off track" in html
    assert "not assessed" in html


def test_staff_names_for_secretariat_and_board_only(staff, board_member, activity_with_result):
    staff.first_name, staff.last_name = "Ana", "Responsable"
    staff.save()
    activity_with_result.responsible_staff = staff
    activity_with_result.save()
    url = f"/plan/activities/{activity_with_result.pk}/"
    edit = f'href="/admin/accountability/activity/{activity_with_result.pk}/change/"'
    anonymous = client_for(None).get(url).content.decode()
    assert "Ana Responsable" not in anonymous
    assert edit not in anonymous
    board = client_for(board_member).get(url).content.decode()
    assert "Ana Responsable" in board
    assert edit not in board
    secretariat = client_for(staff).get(url).content.decode()
    assert "Ana Responsable" in secretariat
    assert edit in secretariat


def test_the_back_office_addresses_of_the_plan_era_answer_301(staff):
    # issue 16 moved accountability's models out of the plan app, and their admin pages with them
    client = client_for(staff)
    moved = client.get("/admin/plan/activity/12/change/?_changelist_filters=x")
    assert moved.status_code == 301
    assert moved["Location"] == "/admin/accountability/activity/12/change/?_changelist_filters=x"
    assert client.get("/admin/plan/risk/").headers["Location"] == "/admin/accountability/risk/"
    # the plan framework's own models stay where they were
    assert client.get("/admin/plan/theme/").status_code == 200
