"""Events' attendance and speakers in the plan's people (through core.sources, the plan not
importing events), without counting anyone twice; the urban leaders engaged in a year."""

from __future__ import annotations

import pytest

from metroscope.accountability.people import selectors as people_selectors
from metroscope.accountability.people.models import Participant, ParticipantCount
from metroscope.events import selectors, services
from metroscope.members.models import Member
from tests.conftest import BARCELONA, SEOUL, client_for, make_user
from tests.events.conftest import make_contact, make_event, make_speaker

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """Two events of the same year, hand-counted:

    one: Ana (BCN, political, female) and Min (Seoul, technical, male) attended; Joan
         (BCN, focal point, male) confirmed but absent; Lee waiting. Speakers: Ana again
         (same name and member) and Carla (Seoul, manager, female).
    two: Ana and Sam (signed-in user, no member) attended, but staff recorded the
         activity's participants as a count (4 women political of BCN): that stands.
    """
    staff = make_user("staff", ("secretariat", ""))
    officer = make_user("officer_b", ("officer", BARCELONA))
    officer_s = make_user("officer_s", ("officer", SEOUL))
    ana = make_contact(BARCELONA, gender="female", role_category="political")
    min_jun = make_contact(SEOUL, given_name="Min", family_name="Jun", gender="male")
    joan = make_contact(BARCELONA, given_name="Joan", gender="male", role_category="focal_point")
    lee = make_contact(SEOUL, given_name="Lee", gender="male")
    sam = make_user("sam")
    one, two = make_event(capacity=3), make_event(capacity=5)
    r_ana = services.registration_create(user=officer, event=one, language="es", contact=ana)
    r_min = services.registration_create(user=officer_s, event=one, language="en", contact=min_jun)
    services.registration_create(user=officer, event=one, language="en", contact=joan)
    lee_reg = services.registration_create(user=officer_s, event=one, language="en", contact=lee)
    assert lee_reg.status == "waiting"
    services.attendance_mark(user=staff, event=one, attended=[r_ana.pk, r_min.pk])
    r2_ana = services.registration_create(user=officer, event=two, language="es", contact=ana)
    r2_sam = services.registration_create(user=sam, event=two, language="en", gender="male")
    services.attendance_mark(user=staff, event=two, attended=[r2_ana.pk, r2_sam.pk])
    make_speaker(one, name="ana  TEST", gender="female", role_category="political",
                 member=ana.member)  # fmt: skip
    make_speaker(one, name="Carla Ruiz", gender="female", role_category="manager",
                 member=min_jun.member)  # fmt: skip
    ParticipantCount.objects.create(
        activity=two.activity, gender="female", role_category="political",
        member=ana.member, count=4,
    )  # fmt: skip
    return {"one": one, "two": two, "year": one.activity.work_plan.year, "ana": ana}


def test_attended_people_count_as_participants_of_their_activity_once(world):
    year = world["year"]
    overview = people_selectors.people_overview(year=year)
    rows = {a.pk: (split, speakers) for a, split, speakers in overview.by_activity}
    one, two = world["one"].activity, world["two"].activity
    # event one: Ana and Min attended (Joan absent and Lee waiting do not count)
    assert rows[one.pk][0].counts == {"female": 1, "male": 1, "another": 0, "not_stated": 0}
    assert rows[one.pk][1].total == 2  # its two speakers
    # event two: the staff's count of 4 stands; Ana and Sam's attendance is not added
    assert rows[two.pk][0].counts == {"female": 4, "male": 0, "another": 0, "not_stated": 0}
    assert overview.participants_left_out == 2
    assert overview.speakers_left_out == 0
    assert overview.participants.total == 6  # 2 + 4, nobody twice
    assert overview.speakers.total == 2
    roles = dict(overview.by_role)
    assert roles["Political representative"].total == 5  # Ana at one, 4 counted at two
    assert roles["Technical officer"].total == 1


def test_participants_by_region_and_member(world, board_member):
    overview = people_selectors.people_overview(year=world["year"])
    barcelona, seoul = Member.objects.get(code=BARCELONA), Member.objects.get(code=SEOUL)
    regions = {region.code: split.total for region, split in overview.by_region}
    assert regions == {barcelona.region.code: 5, seoul.region.code: 1}
    by_member = {
        row.member.code: (row.activities, row.split.total)
        for row in people_selectors.member_participation(members=None, year=world["year"])
    }
    assert by_member == {BARCELONA: (2, 5), SEOUL: (1, 1)}


def test_recording_participants_by_name_also_takes_precedence(world):
    one = world["one"].activity
    Participant.objects.create(activity=one, name="Someone", gender="male", role_category="other")
    overview = people_selectors.people_overview(year=world["year"])
    rows = {a.pk: split for a, split, _s in overview.by_activity}
    assert rows[one.pk].total == 1
    assert overview.participants_left_out == 4  # 2 at each event


def test_roles_of_the_registry_map_onto_the_plans():
    assert [selectors.plan_role(r) for r in ("political", "manager", "technical")] == [
        "political",
        "manager",
        "technical",
    ]
    assert selectors.plan_role("focal_point") == selectors.plan_role("") == "other"


def test_urban_leaders_engaged_in_the_year(world):
    engaged = selectors.engaged_people(year=world["one"].activity.start_date.year)
    # people: Ana (attended twice and spoke: once), Min, Sam, Carla; Joan absent, Lee waiting
    assert engaged.people == 4
    # urban leaders: Ana (political) and Carla (manager); Min technical, Sam of no role
    assert engaged.urban_leaders == 2
    assert selectors.engaged_people(year=world["one"].activity.start_date.year - 1).people == 0


def test_the_people_page_shows_the_rule_the_regions_and_the_urban_leaders(
    world, django_assert_max_num_queries
):
    year = world["one"].activity.start_date.year
    french = client_for(None).get(f"/fr/plan/people/?year={year}").content.decode()
    assert "Responsables urbains mobilisés en" in french
    spanish = client_for(None).get(f"/es/plan/people/?year={year}").content.decode()
    assert "Líderes urbanos comprometidos en" in spanish
    with django_assert_max_num_queries(13):
        page = client_for(None).get(f"/plan/people/?year={year}")  # last: English stays active
    html = page.content.decode()
    assert 'data-testid="attendance-rule"' in html
    assert "Left out for that reason here: 2 attendees, 0 speakers." in html
    assert 'data-testid="participants-by-region"' in html
    assert f"Urban leaders engaged in {year}" in html
    assert '<strong data-testid="urban-leaders-figure">2</strong>' in html
    assert "4 people engaged in all" in html
    assert "An urban leader is a political representative or a city or senior manager" in html


def test_the_newest_year_with_attendance_is_the_year_the_people_page_opens_on(world):
    year = world["one"].activity.start_date.year
    assert selectors.newest_engaged_year() == year
    html = client_for(None).get("/plan/people/").content.decode()  # no year chosen
    assert f"Urban leaders engaged in {year}" in html
    assert '<strong data-testid="urban-leaders-figure">2</strong>' in html


def test_without_attendance_there_is_no_newest_year_and_the_panel_says_what_fills_it(staff):
    assert selectors.newest_engaged_year() is None
    public = client_for(None).get("/plan/people/").content.decode()
    assert 'data-testid="urban-leaders-empty"' in public
    assert "Urban leaders engaged in" not in public
    assert "Open the events" not in public  # a visitor cannot mark attendance: no link
    assert "Open the events" in client_for(staff).get("/plan/people/").content.decode()
