"""/plan/people/ and /plan/risks/, their forms and API: who sees what, the illustrative
label, and pinned query counts."""

from __future__ import annotations

import pytest

from metroscope.accountability.activities.models import Activity
from metroscope.accountability.ledger import sample as sample_accounts
from metroscope.accountability.people.models import Participant, ParticipantCount
from metroscope.accountability.risks.models import PolicyDocument, Risk
from metroscope.members.models import Member
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
LABEL = "Illustrative figures, not Metropolis's accounts"


@pytest.fixture
def sample(db):
    sample_accounts.sample_accounts_load()


@pytest.fixture
def named(db):
    """Two people recorded by name (test data): one of Seoul, one of Barcelona."""
    activity = Activity.objects.filter(mode="online").order_by("pk").first()
    for name, code, gender in (
        ("Ms Seoul", "seoul", "female"),
        ("Mr Bcn", "barcelona-city", "male"),
    ):
        Participant.objects.create(
            activity=activity, name=name, gender=gender, role_category="technical",
            member=Member.objects.get(code=code),
        )  # fmt: skip
    return activity


def html(user, url: str, status: int = 200) -> str:
    response = client_for(user).get(url)
    assert response.status_code == status
    return response.content.decode()


def test_people_page_without_records_says_so_and_has_no_label(client):
    page = client.get("/plan/people/").content.decode()
    assert "No participant has been recorded yet." in page
    assert LABEL not in page
    # nobody of stated gender: no women's share to draw, so no chart
    assert 'id="gender-balance-spec"' not in page
    assert 'data-testid="gender-balance-empty"' in page


def test_people_page_with_samples_is_labelled_and_split_by_gender(client, sample):
    page = client.get("/plan/people/").content.decode()
    assert LABEL in page
    for testid in ("gender-balance", "participants-by-role", "participants-by-activity", "panels"):
        assert f'data-testid="{testid}"' in page
    assert "Not stated" in page
    assert 'data-testid="people-by-member"' not in page


@pytest.mark.parametrize(
    ("persona", "by_member", "names"),
    [
        (None, False, set()),
        ("officer_seoul", True, {"Ms Seoul"}),
        ("board_member", True, set()),
        ("staff", True, {"Ms Seoul", "Mr Bcn"}),
    ],
)
def test_people_page_permission_matrix(request, named, persona, by_member, names):
    user = request.getfixturevalue(persona) if persona else None
    page = html(user, "/plan/people/")
    assert ('data-testid="people-by-member"' in page) is by_member
    assert {n for n in ("Ms Seoul", "Mr Bcn") if n in page} == names
    if persona == "officer_seoul":
        assert "Barcelona" not in page.split('data-testid="people-by-member"')[1]


@pytest.mark.parametrize(
    ("persona", "status"),
    [(None, 403), ("officer_barcelona", 403), ("board_member", 200), ("staff", 200)],
)
def test_risks_page_is_for_the_board_and_the_secretariat(request, sample, persona, status):
    user = request.getfixturevalue(persona) if persona else None
    page = html(user, "/plan/risks/", status)
    if status == 403:
        assert "Not allowed" in page
        assert "illustrative" not in page
    else:
        assert LABEL in page
        assert 'data-testid="heat-map"' in page
        assert ("Add a risk" in page) is (persona == "staff")


@pytest.mark.parametrize("url", ["/plan/people/record/", "/plan/risks/record/"])
@pytest.mark.parametrize("persona", ["officer_barcelona", "board_member"])
def test_only_staff_open_the_forms(request, url, persona):
    assert client_for(request.getfixturevalue(persona)).get(url).status_code == 403


def test_staff_form_records_a_count(staff):
    activity = Activity.objects.order_by("pk").first()
    response = client_for(staff).post(
        "/plan/people/record/",
        {"activity": activity.pk, "gender": "not_stated", "role_category": "expert",
         "member": "seoul", "count": 4},
    )  # fmt: skip
    assert response.status_code == 302
    assert ParticipantCount.objects.get().count == 4


def test_staff_form_shows_the_field_error_and_writes_nothing(staff):
    response = client_for(staff).post(
        "/plan/risks/record/",
        {"title": "T", "category": "financial", "likelihood": 7, "impact": 2, "owner": "O",
         "status": "open"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "Likelihood is scored from 1 to 5; 7 is outside the scale." in response.content.decode()
    assert response.context["form"].errors["likelihood"]
    assert not Risk.objects.exists()


def test_board_member_acknowledges_from_the_page(board_member):
    import datetime as dt

    document = PolicyDocument.objects.create(
        code="ethics", title="Code of ethics", kind="code_of_ethics"
    )
    version = document.versions.create(version="1.0", effective_on=dt.date(2021, 1, 1))
    user_client = client_for(board_member)
    assert "I have read and accept version 1.0" in user_client.get("/plan/risks/").content.decode()
    response = user_client.post("/plan/risks/acknowledge/", {"version": version.pk}, follow=True)
    page = response.content.decode()
    assert "You have acknowledged this version." in page
    assert "board_member (" in page
    assert version.acknowledgements.get().user == board_member


def test_people_api_aggregates_for_the_public_and_by_member_for_officers(
    client, officer_seoul, named
):
    data = client.get("/api/v1/plan/people").json()
    assert data["by_member"] is None
    assert data["participants"]["total"] == 2
    assert data["participants"]["women_share"] == 0.5
    assert "Ms Seoul" not in str(data)
    own = client_for(officer_seoul).get("/api/v1/plan/people").json()
    assert [m["member"] for m in own["by_member"]] == ["seoul"]


def test_people_api_balance_matches_the_rows(client, sample):
    data = client.get("/api/v1/plan/people").json()
    assert data["illustrative"] is True
    participants = [b for b in data["balance"] if b["group"] == "participants"]
    total = sum(c for c in ParticipantCount.objects.values_list("count", flat=True))
    assert sum(b["total"] for b in participants) == total
    for b in participants:
        assert b["total"] == b["female"] + b["male"] + b["another"] + b["not_stated"]


def test_risks_api_for_board_refused_to_officers(board_member, officer_seoul, sample):
    data = client_for(board_member).get("/api/v1/plan/risks").json()
    assert len(data["heat_map"]) == 25
    assert sum(c["count"] for c in data["heat_map"]) == data["open"]
    assert data["open"] == Risk.objects.exclude(status="closed").count()
    assert client_for(officer_seoul).get("/api/v1/plan/risks").status_code == 403


def test_api_writes_staff_only_with_field_errors(staff, officer_seoul):
    activity = Activity.objects.order_by("pk").first()
    body = {"title": "T", "category": "financial", "likelihood": 7, "impact": 2, "owner": "O"}
    bad = client_for(staff).post("/api/v1/plan/risks", body, content_type="application/json")
    assert bad.status_code == 400
    assert "likelihood" in bad.json()["errors"]
    body["likelihood"] = 2
    assert (
        client_for(officer_seoul)
        .post("/api/v1/plan/risks", body, content_type="application/json")
        .status_code
        == 403
    )
    made = client_for(staff).post("/api/v1/plan/risks", body, content_type="application/json")
    assert made.status_code == 201
    assert made.json()["level"] == "low"
    count = {"activity_id": activity.pk, "gender": "female", "role_category": "political",
             "member": "nowhere", "count": 3}  # fmt: skip
    refused = client_for(staff).post(
        "/api/v1/plan/participant-counts", count, content_type="application/json"
    )
    assert refused.status_code == 400
    assert "Unknown member: nowhere." in refused.json()["detail"]
    assert not ParticipantCount.objects.exists()


def test_people_page_query_count_is_pinned(client, sample, django_assert_num_queries):
    # 12 of the plan's own (5 of them read the data's version), 2 for the rows programs adds
    # (attendees, speakers, read again for the participation by member), 1 for the regions, 3
    # for programs' urban leaders panel
    with django_assert_num_queries(18):
        assert client.get("/plan/people/").status_code == 200


def test_risks_page_query_count_is_pinned(staff, sample, django_assert_num_queries):
    import datetime as dt

    for code in ("ethics", "compliance"):
        document = PolicyDocument.objects.create(code=code, title=code, kind="other")
        version = document.versions.create(version="1", effective_on=dt.date(2021, 1, 1))
        version.acknowledgements.create(user=staff, acknowledged_at=dt.datetime.now(dt.UTC))
    user_client = client_for(staff)
    # session, user, two role checks, the data's version, risks + activities + outcomes,
    # whether activities are made up, policies + versions + acks
    with django_assert_num_queries(12):  # + the header's unread notifications
        assert user_client.get("/plan/risks/").status_code == 200
