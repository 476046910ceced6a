"""The award's API: public editions with their sources; a juror's assignments only; a
conflicted submission refused, as on the services."""

from __future__ import annotations

from metroscope.awards.models import Score
from tests.conftest import BARCELONA, SEOUL, client_for


def test_editions_are_public_with_their_sources(db):
    body = client_for(None).get("/api/v1/awards/editions").json()
    edition_2018 = next(e for e in body if e["year"] == 2018)
    wuhan = next(r for r in edition_2018["results"] if r["city"] == "Wuhan")
    assert wuhan["source_url"].startswith("http://www.guangzhouaward.org/")
    assert wuhan["result"] == "winner"


def test_a_juror_sees_only_their_assignments(judging, officer_seoul):
    mine = client_for(judging["juror_a"]).get("/api/v1/awards/assignments").json()
    assert [a["member"] for a in mine] == [BARCELONA]
    both = client_for(judging["juror_b"]).get("/api/v1/awards/assignments").json()
    assert sorted(a["member"] for a in both) == sorted([BARCELONA, SEOUL])
    assert client_for(officer_seoul).get("/api/v1/awards/assignments").json() == []


def _sheet(edition, value):
    return {str(pk): value for pk in edition.criteria.values_list("pk", flat=True)}


def test_a_conflicted_juror_cannot_score_through_the_api(judging):
    seoul = judging["subs"][SEOUL]
    answer = client_for(judging["juror_a"]).post(
        "/api/v1/awards/scores",
        {"submission": seoul.pk, "scores": _sheet(judging["edition"], 7)},
        content_type="application/json",
    )
    assert answer.status_code == 403
    assert "conflict" in answer.json()["detail"]
    assert not Score.objects.exists()


def test_a_juror_scores_through_the_api(judging):
    barcelona = judging["subs"][BARCELONA]
    answer = client_for(judging["juror_a"]).post(
        "/api/v1/awards/scores",
        {"submission": barcelona.pk, "scores": _sheet(judging["edition"], 7)},
        content_type="application/json",
    )
    assert answer.status_code == 201
    assert Score.objects.filter(submission=barcelona).count() == 3


def test_an_out_of_range_score_is_refused(judging):
    answer = client_for(judging["juror_b"]).post(
        "/api/v1/awards/scores",
        {"submission": judging["subs"][BARCELONA].pk, "scores": _sheet(judging["edition"], 12)},
        content_type="application/json",
    )
    assert answer.status_code == 400
    assert not Score.objects.exists()


def test_anonymous_cannot_score(judging):
    answer = client_for(None).post(
        "/api/v1/awards/scores",
        {"submission": judging["subs"][BARCELONA].pk, "scores": {}},
        content_type="application/json",
    )
    assert answer.status_code == 401
