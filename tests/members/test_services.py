from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from metroscope.core.audit import history_of
from metroscope.members import services
from metroscope.members.models import Contact, Member, OfficerAssignment
from tests.conftest import BARCELONA, make_user

pytestmark = pytest.mark.django_db


def test_member_update_records_who_changed_what(officer_barcelona):
    member = Member.objects.get(code=BARCELONA)
    services.member_update(
        member=member,
        actor=officer_barcelona,
        data={
            "description_en": "Barcelona City Council",
            "website": "https://ajuntament.barcelona.cat",
        },
    )
    latest = history_of(member)[0]
    assert latest.who == "officer_barcelona"
    assert latest.action == "changed"
    changed = {c.field: (c.old, c.new) for c in latest.changes}
    assert changed["description_en"][1] == "Barcelona City Council"
    assert not changed["description_en"][0]
    assert changed["website"][1] == "https://ajuntament.barcelona.cat"


def test_officer_cannot_change_registry_fields_through_the_service(officer_barcelona):
    member = Member.objects.get(code=BARCELONA)
    with pytest.raises(ValidationError) as excinfo:
        services.member_update(member=member, actor=officer_barcelona, data={"latitude": 0.0})
    assert "latitude" in excinfo.value.error_dict
    member.refresh_from_db()
    assert member.latitude != 0.0


def test_invalid_value_is_refused_and_nothing_saved(staff):
    member = Member.objects.get(code=BARCELONA)
    before = member.history.count()
    with pytest.raises(ValidationError) as excinfo:
        services.member_update(member=member, actor=staff, data={"latitude": 123.0}, registry=True)
    assert "latitude" in excinfo.value.error_dict
    assert Member.objects.get(code=BARCELONA).latitude != 123.0
    assert member.history.count() == before


def test_contact_create_and_update_are_audited(officer_barcelona):
    member = Member.objects.get(code=BARCELONA)
    contact = services.contact_create(
        member=member,
        actor=officer_barcelona,
        data={
            "given_name": "Núria",
            "family_name": "Puig",
            "role_category": "technical",
            "gender": "female",
        },
    )
    services.contact_update(contact=contact, actor=officer_barcelona, data={"position": "Analyst"})
    entries = history_of(contact)
    assert [e.action for e in entries] == ["changed", "created"]
    assert entries[0].changes[0].field == "position"
    with pytest.raises(ValidationError):
        services.contact_update(contact=contact, actor=officer_barcelona, data={"member": None})
    with pytest.raises(ValidationError):
        services.contact_create(
            member=member,
            actor=officer_barcelona,
            data={"given_name": "X", "family_name": "Y", "role_category": "wizard"},
        )
    assert Contact.objects.count() == 1


def test_role_grant_variants(db):
    make_user("ana")
    assert services.role_grant(username="ana", role="officer", member_code=BARCELONA) == (
        "ana is now an officer of Barcelona (city)."
    )
    assert "was already" in services.role_grant(
        username="ana", role="officer", member_code=BARCELONA
    )
    assert OfficerAssignment.objects.filter(user__username="ana").count() == 1
    assert "is now in the secretariat role" in services.role_grant(
        username="ana", role="secretariat"
    )
    for kwargs, message in [
        ({"username": "nobody", "role": "board"}, "No user named 'nobody'"),
        ({"username": "ana", "role": "officer"}, "An officer needs a member"),
        ({"username": "ana", "role": "officer", "member_code": "atlantis"}, "No member with code"),
        ({"username": "ana", "role": "board", "member_code": BARCELONA}, "not scoped to a member"),
        ({"username": "ana", "role": "emperor"}, "Unknown role"),
    ]:
        with pytest.raises(ValidationError, match=message):
            services.role_grant(**kwargs)


def test_grant_role_command(db, capsys):
    make_user("bea")
    call_command("grant_role", "bea", "officer", "--member", BARCELONA)
    assert "bea is now an officer of Barcelona (city)." in capsys.readouterr().out
    call_command("grant_role", "bea", "administrator")
    with pytest.raises(CommandError, match="An officer needs a member"):
        call_command("grant_role", "bea", "officer")


def test_ensure_admin_creates_one_random_password_once(db, capsys):
    call_command("ensure_admin")
    first = capsys.readouterr().out
    assert "shown only this once" in first
    password = first.split("with password ")[1].split()[0]
    assert len(password) >= 12
    call_command("ensure_admin")
    second = capsys.readouterr().out
    assert password not in second
    assert "password set earlier" in second
