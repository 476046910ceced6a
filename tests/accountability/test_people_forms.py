"""Staff forms of the people page: a participant person by person, a panel, a speaker. Each
checked field by field (a refusal writes nothing), audited, staff only; an activity's
participants are recorded one way (by person or as counts, never both); the people page and its
gender balance follow."""

from __future__ import annotations

import pytest

from metroscope.accountability.activities.models import Activity
from metroscope.accountability.people import selectors as people_selectors
from metroscope.accountability.people.models import (
    Panel,
    Participant,
    ParticipantCount,
    Speaker,
)
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
FORMS = ["/plan/people/participant/", "/plan/people/speaker/", "/plan/people/panel/"]


@pytest.fixture
def activity(db):
    return Activity.objects.select_related("work_plan").order_by("pk").first()


def written() -> tuple[int, ...]:
    return (
        Participant.objects.count(),
        ParticipantCount.objects.count(),
        Panel.objects.count(),
        Speaker.objects.count(),
        Participant.history.count(),  # type: ignore[attr-defined]
        Speaker.history.count(),  # type: ignore[attr-defined]
    )


def person(chosen, **change) -> dict[str, object]:
    data = {
        "activity": chosen.pk, "name": "Test Person", "gender": "female",
        "role_category": "technical", "member": "seoul",
    }  # fmt: skip
    return data | change


@pytest.mark.parametrize(
    ("persona", "status"),
    [(None, 302), ("officer_seoul", 403), ("board_member", 403), ("staff", 200)],
)
def test_people_forms_permission_matrix(request, activity, persona, status):
    user = request.getfixturevalue(persona) if persona else None
    before = written()
    for url in FORMS:
        assert client_for(user).get(url).status_code == status, url
        if persona != "staff":
            assert client_for(user).post(url, person(activity, title="T")).status_code == status
    assert written() == before


@pytest.mark.parametrize(("persona", "links"), [("board_member", False), ("staff", True)])
def test_people_page_links_the_forms_for_staff_only(request, persona, links):
    page = client_for(request.getfixturevalue(persona)).get("/plan/people/").content.decode()
    for url in FORMS:
        assert (f'href="{url}"' in page) is links


def test_staff_record_a_participant_and_the_balance_changes(staff, activity):
    year = activity.work_plan.year
    before = people_selectors.people_overview(year=year).participants
    user_client = client_for(staff)
    response = user_client.post("/plan/people/participant/", person(activity))
    assert response.status_code == 302
    assert response["Location"] == "/plan/people/#by-activity"
    made = Participant.objects.get(name="Test Person")
    assert (made.activity, made.gender, made.member.code) == (activity, "female", "seoul")
    assert made.history.latest().history_user == staff
    after = people_selectors.people_overview(year=year).participants
    assert after.counts["female"] == before.counts["female"] + 1
    assert after.total == before.total + 1
    page = user_client.get("/plan/people/").content.decode()
    assert "The participant was recorded." in page
    assert "Test Person" in page


def test_a_participant_beside_counts_of_the_same_activity_is_refused(staff, activity):
    ParticipantCount.objects.create(
        activity=activity, gender="male", role_category="expert", count=3
    )
    before = written()
    response = client_for(staff).post("/plan/people/participant/", person(activity))
    assert "recorded as counts" in response.context["form"].errors["activity"][0]
    assert written() == before


def test_counts_beside_participants_by_name_are_refused(staff, activity):
    client_for(staff).post("/plan/people/participant/", person(activity))
    before = written()
    data = {"activity": activity.pk, "gender": "male", "role_category": "expert", "count": 2}
    response = client_for(staff).post("/plan/people/record/", data)
    assert "recorded person by person" in response.context["form"].errors["activity"][0]
    assert written() == before


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"gender": "unknown"}, "gender", "Select a valid choice."),
        ({"role_category": "boss"}, "role_category", "Select a valid choice."),
        ({"member": "nowhere"}, "member", "Select a valid choice."),
        ({"activity": "999999"}, "activity", "Select a valid choice."),
        ({"name": "x" * 201}, "name", "at most 200 characters"),
    ],
)
@pytest.mark.parametrize("url", ["/plan/people/participant/", "/plan/people/speaker/"])
def test_bad_person_names_its_field_and_writes_nothing(
    staff, activity, url, change, field, message
):
    before = written()
    response = client_for(staff).post(url, person(activity, **change))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert written() == before


def test_staff_add_a_panel_then_a_speaker_on_it(staff, activity):
    assert client_for(staff).post("/plan/people/panel/", {"activity": activity.pk, "title": " "})
    assert not Panel.objects.exists()
    client_for(staff).post("/plan/people/panel/", {"activity": activity.pk, "title": "Test panel"})
    panel = Panel.objects.get(title="Test panel")
    assert panel.history.latest().history_user == staff
    page = client_for(staff).get(f"/plan/people/speaker/?activity={activity.pk}").content.decode()
    assert f'<option value="{activity.pk}" selected>' in page
    assert f"{activity.title} — Test panel" in page
    data = person(activity, panel=panel.pk, name="Test Speaker", gender="male")
    assert client_for(staff).post("/plan/people/speaker/", data).status_code == 302
    speaker = Speaker.objects.get(name="Test Speaker")
    assert (speaker.panel, speaker.history.latest().history_user) == (panel, staff)
    overview = people_selectors.people_overview(year=activity.work_plan.year)
    row = next(p for p in overview.panels if p.panel == panel)
    assert (row.split.counts["male"], row.split.total) == (1, 1)
    assert overview.panels_without_women >= 1
    page = client_for(staff).get("/plan/people/").content.decode()
    assert 'data-testid="speaker-records"' in page
    assert "Test Speaker" in page


def test_a_speaker_on_another_activitys_panel_is_refused(staff, activity):
    other = Activity.objects.exclude(pk=activity.pk).order_by("pk").first()
    panel = Panel.objects.create(activity=other, title="Elsewhere")
    before = written()
    response = client_for(staff).post("/plan/people/speaker/", person(activity, panel=panel.pk))
    assert "one of this activity's panels" in response.context["form"].errors["panel"][0]
    assert written() == before


def test_speakers_by_name_are_for_the_secretariat_only(staff, board_member, activity):
    client_for(staff).post("/plan/people/speaker/", person(activity, name="Test Keynote"))
    assert Speaker.objects.get(name="Test Keynote").panel is None
    page = client_for(board_member).get("/plan/people/").content.decode()
    assert "Test Keynote" not in page
    assert 'data-testid="speaker-records"' not in page


# --- API -------------------------------------------------------------------------------------


def api(user, path: str, body: dict[str, object]):
    return client_for(user).post(f"/api/v1/plan/{path}", body, content_type="application/json")


@pytest.mark.parametrize("persona", ["officer_seoul", "board_member"])
@pytest.mark.parametrize("path", ["participants", "speakers", "panels"])
def test_api_people_writes_are_for_staff_only(request, activity, persona, path):
    body = {"activity_id": activity.pk, "gender": "male", "role_category": "expert", "title": "T"}
    before = written()
    assert api(request.getfixturevalue(persona), path, body).status_code == 403
    assert api(None, path, body).status_code == 401
    assert written() == before


def test_api_records_a_participant_a_panel_and_a_speaker(staff, activity):
    made = api(staff, "participants", {**person(activity), "activity_id": activity.pk})
    assert made.status_code == 201
    assert made.json() | {"id": 0} == {
        "id": 0, "activity_id": activity.pk, "name": "Test Person", "gender": "female",
        "role_category": "technical", "member": "seoul", "panel_id": None,
    }  # fmt: skip
    panel = api(staff, "panels", {"activity_id": activity.pk, "title": "Test panel"}).json()
    speaker = api(
        staff, "speakers",
        {"activity_id": activity.pk, "gender": "another", "role_category": "expert",
         "panel_id": panel["id"]},
    )  # fmt: skip
    assert speaker.status_code == 201
    assert Speaker.objects.get(pk=speaker.json()["id"]).panel_id == panel["id"]
    assert Participant.objects.get().history.latest().history_user == staff


def test_api_refuses_people_beside_counts_and_bad_fields(staff, activity):
    ParticipantCount.objects.create(
        activity=activity, gender="male", role_category="expert", count=1
    )
    before = written()
    refused = api(staff, "participants", {"activity_id": activity.pk, "gender": "female",
                                          "role_category": "expert"})  # fmt: skip
    assert refused.status_code == 400
    assert "recorded as counts" in refused.json()["errors"]["activity"][0]
    bad = api(staff, "speakers", {"activity_id": activity.pk, "gender": "x", "role_category": "y"})
    assert set(bad.json()["errors"]) == {"gender", "role_category"}
    empty = api(staff, "panels", {"activity_id": activity.pk, "title": "  "})
    assert empty.json()["errors"] == {"title": ["Give the panel a title."]}
    assert written() == before
