"""Who reaches which page of the award: anonymous visitors, an officer of another member, a
conflicted and a non-conflicted juror, and the Secretariat's staff."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from metroscope.awards import services
from metroscope.awards.models import Score
from metroscope.members.models import Member
from tests.awards.conftest import make_edition
from tests.awards.test_submissions import PNG
from tests.conftest import BARCELONA, SEOUL, client_for, make_user

pytestmark = pytest.mark.django_db


def _status(user, path: str) -> int:
    return client_for(user).get(path).status_code


@pytest.fixture
def people(judging, officer_seoul, staff):
    return {
        "anonymous": None,
        "officer_seoul": officer_seoul,
        "juror_conflicted": judging["juror_a"],
        "juror": judging["juror_b"],
        "staff": staff,
    }


# person → (score Barcelona's, score Seoul's, ranking, rubric, assignments)
MATRIX = {
    "anonymous": (302, 302, 302, 302, 302),
    "officer_seoul": (404, 404, 403, 403, 200),
    "juror_conflicted": (200, 403, 403, 403, 200),
    "juror": (200, 200, 403, 403, 200),
    "staff": (404, 404, 200, 200, 200),
}


@pytest.mark.parametrize("who", list(MATRIX))
def test_the_permission_matrix(judging, people, who):
    year = judging["edition"].year
    subs = judging["subs"]
    paths = (
        f"/awards/submissions/{subs[BARCELONA].pk}/score/",
        f"/awards/submissions/{subs[SEOUL].pk}/score/",
        f"/awards/{year}/ranking/",
        f"/awards/{year}/rubric/",
        "/awards/jury/",
    )
    assert tuple(_status(people[who], p) for p in paths) == MATRIX[who]


def test_the_public_pages_are_open_to_everyone(judging):
    assert _status(None, "/awards/") == 200
    assert _status(None, "/awards/2018/") == 200
    assert _status(None, f"/awards/{judging['edition'].year}/") == 200
    assert _status(None, "/fr/awards/2018/") == 200
    assert _status(None, "/es/awards/") == 200


def test_an_edition_in_preparation_is_not_public(db):
    make_edition(year=2032, status="draft")
    assert _status(None, "/awards/2032/") == 404


def test_a_conflicted_juror_is_refused_with_a_clear_message(judging):
    seoul = judging["subs"][SEOUL]
    answer = client_for(judging["juror_a"]).post(
        f"/awards/submissions/{seoul.pk}/score/",
        {f"criterion_{c.pk}": 7 for c in judging["edition"].criteria.all()},
    )
    assert answer.status_code == 403
    assert "declared a conflict of interest" in answer.content.decode()
    assert not Score.objects.exists()


def test_a_juror_sees_only_their_assignments(judging):
    body = client_for(judging["juror_a"]).get("/awards/jury/").content.decode()
    barcelona, seoul = judging["subs"][BARCELONA], judging["subs"][SEOUL]
    assert f"/awards/submissions/{barcelona.pk}/score/" in body
    assert f"/awards/submissions/{seoul.pk}/score/" not in body  # listed as a conflict only
    other = client_for(make_user("not_a_juror")).get("/awards/jury/").content.decode()
    assert "You do not sit on the jury of any edition." in other


def test_declaring_a_conflict_withdraws_it_from_the_assignments(judging):
    barcelona = judging["subs"][BARCELONA]
    client = client_for(judging["juror_b"])
    answer = client.post(
        f"/awards/{judging['edition'].year}/jury/conflicts/",
        {"submission": barcelona.pk, "reason": "I worked for Barcelona."},
    )
    assert answer.status_code == 302
    body = client.get("/awards/jury/").content.decode()
    assert f"/awards/submissions/{barcelona.pk}/score/" not in body
    assert _status(judging["juror_b"], f"/awards/submissions/{barcelona.pk}/score/") == 403


def test_a_conflict_needs_a_reason(judging):
    answer = client_for(judging["juror_b"]).post(
        f"/awards/{judging['edition'].year}/jury/conflicts/",
        {"submission": judging["subs"][BARCELONA].pk, "reason": " "},
    )
    assert answer.status_code == 200
    assert "Say what the conflict of interest is." in answer.content.decode()


def test_only_jurors_reach_the_conflict_page(judging, officer_seoul, staff):
    path = f"/awards/{judging['edition'].year}/jury/conflicts/"
    assert _status(officer_seoul, path) == 404
    assert _status(staff, path) == 404
    assert _status(judging["juror_b"], path) == 200


def test_scores_are_validated_per_criterion(judging):
    barcelona = judging["subs"][BARCELONA]
    criteria = list(judging["edition"].criteria.all())
    data = {f"criterion_{c.pk}": 7 for c in criteria}
    data[f"criterion_{criteria[1].pk}"] = 11
    data[f"criterion_{criteria[2].pk}"] = ""
    answer = client_for(judging["juror_b"]).post(f"/awards/submissions/{barcelona.pk}/score/", data)
    body = answer.content.decode()
    assert answer.status_code == 200
    assert "Give Impact a score from 0 to 10." in body
    assert "Give Transferability a score from 0 to 10." in body
    assert "Give Innovation a score" not in body
    assert not Score.objects.exists()


def test_a_juror_saves_a_full_sheet(judging):
    barcelona = judging["subs"][BARCELONA]
    data = {f"criterion_{c.pk}": 8 for c in judging["edition"].criteria.all()}
    answer = client_for(judging["juror_b"]).post(f"/awards/submissions/{barcelona.pk}/score/", data)
    assert answer.status_code == 302
    assert Score.objects.filter(submission=barcelona, value=8).count() == 3
    page = client_for(judging["juror_b"]).get(f"/awards/submissions/{barcelona.pk}/score/")
    assert 'value="8"' in page.content.decode()


def test_documents_are_read_only_by_those_who_may(
    judging, officer_seoul, staff, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    edition = make_edition(year=2033)
    officer = make_user("officer_b", ("officer", BARCELONA))
    made = services.submission_create(
        user=officer,
        edition=edition,
        member=Member.objects.get(code=BARCELONA),
        data={"title": "T", "description": "D", "impact": "I"},
        documents=[SimpleUploadedFile("plan.png", PNG)],
    )
    path = f"/awards/documents/{made.documents.get().pk}/"
    assert _status(None, path) == 302
    assert _status(officer_seoul, path) == 404
    assert _status(officer, path) == 200
    assert _status(staff, path) == 200
