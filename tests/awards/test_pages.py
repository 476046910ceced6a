"""The award's pages in the three languages, the real results with their source, and the
pinned number of queries of each page."""

from __future__ import annotations

import pytest

from metroscope.awards import services
from metroscope.awards.models import Juror
from tests.awards.conftest import make_edition
from tests.conftest import BARCELONA, client_for, make_user

pytestmark = pytest.mark.django_db


def test_the_editions_list_names_the_real_winners():
    body = client_for(None).get("/awards/").content.decode()
    assert "2018" in body
    assert "Wuhan" in body


def test_a_past_edition_shows_its_results_with_their_source():
    answer = client_for(None).get("/awards/2018/")
    body = answer.content.decode()
    wuhan = next(r for r in answer.context["winners"] if r.city == "Wuhan")
    assert wuhan.source_url in body
    assert "Finalists" in body
    assert "data/awards/awards.csv" in body


@pytest.mark.parametrize(
    ("prefix", "title"),
    [
        ("", "The Guangzhou Award"),
        ("/fr", "Le Prix de Guangzhou"),
        ("/es", "El Premio de Guangzhou"),
    ],
)
def test_the_pages_speak_three_languages(prefix, title):
    assert title in client_for(None).get(f"{prefix}/awards/").content.decode()


def test_an_open_edition_offers_the_form_to_officers(officer_barcelona):
    edition = make_edition()
    body = client_for(officer_barcelona).get(f"/awards/{edition.year}/").content.decode()
    assert f"/awards/{edition.year}/submit/" in body
    assert (
        f"/awards/{edition.year}/submit/"
        not in client_for(None).get(f"/awards/{edition.year}/").content.decode()
    )


def test_the_list_runs_a_fixed_number_of_queries(django_assert_max_num_queries):
    client = client_for(None)
    client.get("/awards/")
    with django_assert_max_num_queries(4):  # editions, past results, winners, finalists
        assert client.get("/awards/").status_code == 200


def test_the_edition_page_runs_a_fixed_number_of_queries(django_assert_max_num_queries):
    client = client_for(None)
    client.get("/awards/2018/")
    with django_assert_max_num_queries(4):  # edition, results, winners, finalists
        assert client.get("/awards/2018/").status_code == 200


def test_the_assignments_run_a_fixed_number_of_queries(judging, django_assert_max_num_queries):
    other = make_edition(year=2035, status="judging")
    Juror.objects.create(edition=other, user=judging["juror_a"])
    client = client_for(judging["juror_a"])
    client.get("/awards/jury/")
    with django_assert_max_num_queries(8):  # session, user, seats, conflicts, subs, crit, scores
        assert client.get("/awards/jury/").status_code == 200


def test_the_score_page_runs_a_fixed_number_of_queries(judging, django_assert_max_num_queries):
    client = client_for(judging["juror_b"])
    path = f"/awards/submissions/{judging['subs'][BARCELONA].pk}/score/"
    client.get(path)
    with django_assert_max_num_queries(9):  # + the header's unread notifications
        assert client.get(path).status_code == 200


def test_the_ranking_runs_a_fixed_number_of_queries(judging, staff, django_assert_max_num_queries):
    for juror in ("juror_a", "juror_b"):
        services.score_record(
            user=judging[juror],
            submission=judging["subs"][BARCELONA],
            values={c.pk: 5 for c in judging["edition"].criteria.all()},
        )
    client = client_for(staff)
    path = f"/awards/{judging['edition'].year}/ranking/"
    client.get(path)
    with django_assert_max_num_queries(9):  # + the header's unread notifications
        assert client.get(path).status_code == 200


def test_the_submissions_api_runs_a_fixed_number_of_queries(
    judging, staff, django_assert_max_num_queries
):
    client = client_for(staff)
    client.get("/api/v1/awards/submissions")
    with django_assert_max_num_queries(5):
        assert len(client.get("/api/v1/awards/submissions").json()) == 2


def test_a_non_juror_has_no_assignments(db):
    body = client_for(make_user("nobody")).get("/awards/jury/").content.decode()
    assert "You do not sit on the jury" in body
