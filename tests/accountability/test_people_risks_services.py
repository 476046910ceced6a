"""Services of the people and risks registers: bad input refused with a clear message that
names the field, and nothing written; only staff write; history records who."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from metroscope.accountability.activities.models import Activity
from metroscope.accountability.people import services as people_services
from metroscope.accountability.people.models import ParticipantCount
from metroscope.accountability.risks import services as risk_services
from metroscope.accountability.risks.models import (
    PolicyAcknowledgement,
    PolicyDocument,
    Risk,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def activity(db):
    return Activity.objects.order_by("pk").first()


def count(user, activity, **changes):
    values = {
        "user": user,
        "activity_id": activity.pk,
        "gender": "female",
        "role_category": "political",
        "member_code": "seoul",
        "count": 12,
    }
    values.update(changes)
    return people_services.participant_count_record(**values)


def risk(user, **changes):
    values = {
        "user": user,
        "title": "Late fees",
        "category": "financial",
        "likelihood": 3,
        "impact": 4,
        "owner": "Treasury",
    }
    values.update(changes)
    return risk_services.risk_create(**values)


def test_staff_records_a_count_and_a_second_record_replaces_it(staff, activity):
    row = count(staff, activity)
    assert (row.count, row.member.code) == (12, "seoul")
    again = count(staff, activity, count=15)
    assert again.pk == row.pk
    assert ParticipantCount.objects.get(pk=row.pk).count == 15
    assert [h.count for h in row.history.order_by("history_date")] == [12, 15]
    assert row.history.first().history_user == staff


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"count": -3}, "count", "0 or more, not -3"),
        ({"member_code": "atlantis"}, "member", "Unknown member: atlantis."),
        ({"gender": "unknown"}, "gender", "not stated"),
        ({"activity_id": 999_999}, "activity", "activity that exists"),
    ],
)
def test_bad_counts_are_refused_and_write_nothing(staff, activity, changes, field, message):
    with pytest.raises(ValidationError) as caught:
        count(staff, activity, **changes)
    assert message in " ".join(caught.value.message_dict[field])
    assert not ParticipantCount.objects.exists()


def test_counts_and_personal_records_do_not_mix(staff, activity):
    people_services.participant_create(
        user=staff, activity_id=activity.pk, gender="male", role_category="expert", name="A. B."
    )
    with pytest.raises(ValidationError, match="person by person"):
        count(staff, activity)
    assert not ParticipantCount.objects.exists()


def test_officers_and_board_may_not_record(officer_barcelona, board_member, activity):
    for user in (officer_barcelona, board_member):
        with pytest.raises(PermissionDenied):
            count(user, activity)
        with pytest.raises(PermissionDenied):
            risk(user)
    assert not ParticipantCount.objects.exists()
    assert not Risk.objects.exists()


def test_staff_adds_a_risk_linked_to_an_activity_and_an_outcome(staff, activity):
    made = risk(staff, activity_ids=[activity.pk], outcome_codes=["L3.5.1"])
    assert made.score == 12
    assert list(made.activities.all()) == [activity]
    assert [o.code for o in made.outcomes.all()] == ["L3.5.1"]
    assert made.history.first().history_user == staff


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"likelihood": 7}, "likelihood", "Likelihood is scored from 1 to 5; 7 is outside"),
        ({"impact": 0}, "impact", "Impact is scored from 1 to 5; 0 is outside"),
        ({"owner": " "}, "owner", "who owns"),
        ({"outcome_codes": ["L9.9.9"]}, "outcomes", "Unknown outcome(s): L9.9.9."),
    ],
)
def test_bad_risks_are_refused_and_write_nothing(staff, changes, field, message):
    with pytest.raises(ValidationError) as caught:
        risk(staff, **changes)
    assert message in " ".join(caught.value.message_dict[field])
    assert not Risk.objects.exists()


def test_the_database_refuses_a_likelihood_of_7_too(db):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Risk.objects.create(title="x", category="financial", likelihood=7, impact=1, owner="o")


@pytest.fixture
def ethics(db):
    document = PolicyDocument.objects.create(
        code="ethics", title="Code of ethics", kind="code_of_ethics"
    )
    old = document.versions.create(version="1.0", effective_on=dt.date(2020, 1, 1))
    new = document.versions.create(version="2.0", effective_on=dt.date(2022, 1, 1))
    return old, new


def test_board_acknowledges_the_version_in_force_once(board_member, ethics):
    old, new = ethics
    ack = risk_services.policy_acknowledge(user=board_member, version_id=new.pk)
    assert ack.user == board_member
    with pytest.raises(ValidationError, match="You acknowledged this version on"):
        risk_services.policy_acknowledge(user=board_member, version_id=new.pk)
    with pytest.raises(ValidationError, match="in force today"):
        risk_services.policy_acknowledge(user=board_member, version_id=old.pk)
    assert PolicyAcknowledgement.objects.count() == 1


def test_officers_may_not_acknowledge(officer_seoul, ethics):
    with pytest.raises(PermissionDenied):
        risk_services.policy_acknowledge(user=officer_seoul, version_id=ethics[1].pk)
