"""Counts of participants and speakers by gender, role, member and region, and the urban
leaders engaged in a year: hand-checked cases."""

from __future__ import annotations

import pytest

from metroscope.events import selectors, services
from metroscope.events.analytics import PersonRow, breakdown
from tests.conftest import BARCELONA, SEOUL, make_user
from tests.events.conftest import make_contact, make_event, make_speaker


def test_breakdown_counts_each_person_once():
    rows = [
        PersonRow("contact:1", "female", "political", "a", "europe"),
        PersonRow("contact:1", "female", "political", "a", "europe"),
        PersonRow("contact:2", "male", "technical", "b", "asia"),
        PersonRow("user:9", "not_stated", "", "", ""),
    ]
    got = breakdown(rows)
    assert got.total == 3
    assert got.by_gender == {"female": 1, "male": 1, "not_stated": 1}
    assert got.by_region == {"": 1, "asia": 1, "europe": 1}


@pytest.mark.django_db
def test_attended_people_are_counted_by_gender_member_region_and_year(
    officer_barcelona, officer_seoul
):
    staff = make_user("staff", ("secretariat", ""))
    ana = make_contact(BARCELONA, gender="female", role_category="political")
    min_jun = make_contact(SEOUL, given_name="Min", family_name="Jun", gender="male")
    one, two = make_event(capacity=5), make_event(capacity=5)
    year = one.activity.start_date.year
    r1 = services.registration_create(user=officer_barcelona, event=one, language="es", contact=ana)
    r2 = services.registration_create(user=officer_barcelona, event=two, language="es", contact=ana)
    r3 = services.registration_create(user=officer_seoul, event=one, language="en", contact=min_jun)
    services.registration_create(user=officer_seoul, event=two, language="en")  # not attended
    services.attendance_mark(user=staff, event=one, attended=[r1.pk, r3.pk])
    services.attendance_mark(user=staff, event=two, attended=[r2.pk])
    make_speaker(one, gender="female", member=ana.member)
    make_speaker(two, gender="male")

    counts = selectors.participant_counts(year=year)
    assert counts.total == 2  # Ana attended twice: one person
    assert counts.by_gender == {"female": 1, "male": 1}
    assert counts.by_member == {BARCELONA: 1, SEOUL: 1}
    assert counts.by_role == {"political": 1, "technical": 1}
    assert set(counts.by_region) == {
        ana.member.country.region.code,
        min_jun.member.country.region.code,
    }
    engaged = selectors.engaged_people(year=year)
    # Ana and Min attended; the female speaker of Barcelona has no name of Ana's: a third
    # person, and the second speaker a fourth. Only Ana is an urban leader (political).
    assert (engaged.people, engaged.urban_leaders) == (4, 1)
    assert selectors.engaged_people(year=year - 1).people == 0
    assert selectors.speaker_counts(year=year).by_gender == {"female": 1, "male": 1}
    only_two = selectors.participant_counts(events=two.__class__.objects.filter(pk=two.pk))
    assert only_two.total == 1


@pytest.mark.django_db
def test_the_staff_page_names_the_counts_in_the_readers_language(officer_barcelona):
    """The event's registrations page shows labels, never codes: "Femme", "Barcelona (city)",
    "Europe", in French for a French reader; and when each certificate was e-mailed."""
    from tests.conftest import client_for

    staff = make_user("staff", ("secretariat", ""))
    ana = make_contact(BARCELONA, gender="female", role_category="political", email="ana@x.org")
    event = make_event(capacity=5)
    reg = services.registration_create(
        user=officer_barcelona, event=event, language="es", contact=ana
    )
    services.attendance_mark(user=staff, event=event, attended=[reg.pk])
    make_speaker(event, gender="male")
    body = client_for(staff).get(f"/fr/events/{event.pk}/registrations/").content.decode()
    counts = body.split('id="counts-h"', 1)[1]
    for label in ("Femme : 1", "Représentant politique : 1", "Barcelona (city) : 1"):
        assert label.replace(" : ", ": ") in counts, label
    for code in (">female:", ">political:", f">{BARCELONA}:", ">europe:"):
        assert code not in counts
    speakers = body.split('id="speakers-h"', 1)[1]
    assert "Homme: 1" in speakers
    assert "—: 1" in speakers  # a speaker of no member
    assert "ana@x.org" in body.split('id="counts-h"', 1)[0]  # certificate e-mailed to
