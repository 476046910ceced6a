"""Permission matrix: a person sees and cancels only their own registrations; staff see all;
staff-only pages; certificates only for their holder."""

from __future__ import annotations

import pytest

from metroscope.events import services
from tests.conftest import client_for
from tests.events.conftest import make_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def regs(officer_barcelona, officer_seoul):
    event = make_event(capacity=5)
    mine = services.registration_create(user=officer_barcelona, event=event, language="en")
    theirs = services.registration_create(user=officer_seoul, event=event, language="en")
    return event, mine, theirs


@pytest.mark.parametrize(
    ("persona", "sees_mine", "sees_theirs"),
    [
        ("anonymous", False, False),
        ("officer_barcelona", True, False),
        ("officer_seoul", False, True),
        ("board_member", False, False),
        ("staff", True, True),
    ],
)
def test_who_sees_which_registration_in_the_api(request, regs, persona, sees_mine, sees_theirs):
    _event, mine, theirs = regs
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    response = client_for(user).get("/api/v1/registrations")
    if user is None:
        assert response.status_code == 401
        return
    ids = {r["id"] for r in response.json()}
    # "own" in the API is the person's own, also for staff
    expect_mine = sees_mine and persona != "staff"
    expect_theirs = sees_theirs and persona != "staff"
    assert (mine.pk in ids, theirs.pk in ids) == (expect_mine, expect_theirs)


@pytest.mark.parametrize(
    ("persona", "status"),
    [("officer_barcelona", 302), ("officer_seoul", 404), ("board_member", 404), ("staff", 302)],
)
def test_who_may_cancel_a_registration(request, regs, persona, status):
    _event, mine, _theirs = regs
    user = request.getfixturevalue(persona)
    response = client_for(user).post(f"/events/registrations/{mine.pk}/cancel/")
    assert response.status_code == status
    mine.refresh_from_db()
    assert (mine.status == "cancelled") == (status == 302)


def test_an_officer_cannot_cancel_anothers_registration_in_the_api(regs, officer_seoul):
    _event, mine, _theirs = regs
    response = client_for(officer_seoul).post(f"/api/v1/registrations/{mine.pk}/cancel")
    assert response.status_code == 404
    mine.refresh_from_db()
    assert mine.status == "confirmed"


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("anonymous", 302),
        ("officer_barcelona", 403),
        ("board_member", 403),
        ("staff", 200),
    ],
)
def test_only_staff_open_an_events_registrations(request, regs, persona, status):
    event, _mine, _theirs = regs
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    response = client_for(user).get(f"/events/{event.pk}/registrations/")
    assert response.status_code == status


def test_an_officer_cannot_mark_attendance_by_posting(regs, officer_barcelona):
    event, mine, _ = regs
    response = client_for(officer_barcelona).post(
        f"/events/{event.pk}/registrations/", {"attended": [mine.pk]}
    )
    assert response.status_code == 403
    mine.refresh_from_db()
    assert not mine.attended


def test_the_staff_page_lists_every_registration(regs, staff):
    event, mine, theirs = regs
    body = client_for(staff).get(f"/events/{event.pk}/registrations/").content.decode()
    assert mine.name in body
    assert theirs.name in body


def test_another_persons_certificate_is_not_found(regs, officer_seoul, staff):
    event, mine, _ = regs
    services.attendance_mark(user=staff, event=event, attended=[mine.pk])
    response = client_for(officer_seoul).get(f"/events/registrations/{mine.pk}/certificate.pdf")
    assert response.status_code == 404


@pytest.mark.parametrize("back", ["https://evil.example/", "//evil.example/x", "/\\evil.example/"])
def test_cancelling_never_redirects_to_another_site(regs, officer_barcelona, back):
    """Issue 21: the cancel view followed any `next`."""
    _event, mine, _theirs = regs
    response = client_for(officer_barcelona).post(
        f"/events/registrations/{mine.pk}/cancel/", {"next": back}
    )
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]
    kept = client_for(officer_barcelona).post(
        f"/events/registrations/{mine.pk}/cancel/", {"next": "/events/"}
    )
    assert kept["Location"] == "/events/"


def test_meeting_links_are_for_registrants_only(regs, officer_seoul, staff, client):
    """Issue 21: sessions' online links were public to anonymous visitors."""
    event, mine, _theirs = regs
    from tests.events.conftest import make_event

    linked = make_event(sessions=1)
    url = "https://meet.example.org/room-2"
    assert url not in client.get(f"/events/{linked.pk}/").content.decode()
    api = client.get(f"/api/v1/events/{linked.pk}").json()
    assert api["sessions"][0]["online_url"] == ""
    assert url not in client.get(f"/events/{linked.pk}/calendar.ics").content.decode()
    seoul = client_for(officer_seoul)
    assert url not in seoul.get(f"/events/{linked.pk}/").content.decode()
    seoul.post(f"/events/{linked.pk}/register/", {"who": "me", "language": "en"})
    assert linked.registrations.filter(user=officer_seoul, status="confirmed").exists()
    assert url in seoul.get(f"/events/{linked.pk}/").content.decode()
    assert seoul.get(f"/api/v1/events/{linked.pk}").json()["sessions"][0]["online_url"] == url
    assert url in client_for(staff).get(f"/events/{linked.pk}/").content.decode()
