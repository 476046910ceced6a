"""An audited write keeps who made it and why in the record's history; a record that fails
validation is not written at all. (Any model with a history serves: a member's contact.)"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from metroscope.core.audit import audited_delete, audited_save, history_of
from metroscope.members.models import Contact, Member
from tests.conftest import BARCELONA

pytestmark = pytest.mark.django_db


def _contact(**values) -> Contact:
    fields = {"given_name": "Ada", "family_name": "Audit", "role_category": "technical"}
    return Contact(member=Member.objects.get(code=BARCELONA), **{**fields, **values})


def test_a_save_names_its_user_and_reason(staff):
    contact = _contact()
    audited_save(contact, user=staff, reason="contact added")
    record = contact.history.get()
    assert (record.history_user, record.history_change_reason) == (staff, "contact added")
    assert history_of(contact)[0].who == "staff"


def test_a_save_without_a_reason_leaves_the_reason_empty(staff):
    contact = _contact()
    audited_save(contact, user=staff)
    record = contact.history.get()
    assert (record.history_user, record.history_change_reason) == (staff, None)


def test_clean_validates_before_anything_is_written(staff):
    contact = _contact(role_category="not a category")
    with pytest.raises(ValidationError) as refused:
        audited_save(contact, user=staff, reason="contact added", clean=True)
    assert "role_category" in refused.value.message_dict
    assert contact.pk is None
    assert not Contact.history.filter(family_name="Audit").exists()


def test_without_clean_nothing_is_validated(staff):
    contact = _contact(role_category="not a category")
    audited_save(contact, user=staff, reason="imported as it came")
    assert Contact.objects.get(pk=contact.pk).role_category == "not a category"


def test_update_fields_write_only_those_fields(staff):
    contact = _contact()
    audited_save(contact, user=staff, reason="contact added")
    Contact.objects.filter(pk=contact.pk).update(position="Planner")
    contact.given_name = "Grace"
    audited_save(contact, user=staff, reason="renamed", update_fields=["given_name"])
    stored = Contact.objects.get(pk=contact.pk)
    assert (stored.given_name, stored.position) == ("Grace", "Planner")
    assert contact.history.first().history_change_reason == "renamed"


def test_a_delete_names_its_user_and_reason(staff, officer_barcelona):
    contact = _contact()
    audited_save(contact, user=officer_barcelona, reason="contact added")
    pk = contact.pk
    audited_delete(contact, user=staff, reason="left the city")
    assert not Contact.objects.filter(pk=pk).exists()
    record = Contact.history.get(id=pk, history_type="-")
    assert (record.history_user, record.history_change_reason) == (staff, "left the city")
