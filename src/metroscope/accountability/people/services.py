"""Writes of the people of the plan: participant counts and records, panels and speakers.
Each checks its input field by field (a ValidationError naming the field writes nothing),
runs in one transaction and records who made the change in the model's history."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from metroscope.accountability.access import can_edit_registers
from metroscope.accountability.activities.models import Activity
from metroscope.accountability.people.models import (
    Panel,
    Participant,
    ParticipantCount,
    ParticipantRole,
    Speaker,
)
from metroscope.core.audit import audited_save
from metroscope.members.models import Gender, Member


def staff_only(user: Any) -> None:
    if not can_edit_registers(user):
        raise PermissionDenied(_("Only the Secretariat's staff may record this."))


def resolve_activity(activity_id: Any) -> Activity:
    activity = Activity.objects.filter(pk=activity_id).first() if activity_id else None
    if activity is None:
        raise ValidationError({"activity": _("Choose an activity that exists.")})
    return activity


def resolve_member(code: str) -> Member | None:
    code = (code or "").strip()
    if not code:
        return None
    member = Member.objects.filter(code=code).first()
    if member is None:
        raise ValidationError({"member": _("Unknown member: %(code)s.") % {"code": code}})
    return member


def check_person(gender: str, role_category: str) -> dict[str, str]:
    errors = {}
    if gender not in Gender.values:
        errors["gender"] = _("Choose a gender, or “not stated”.")
    if role_category not in ParticipantRole.values:
        errors["role_category"] = _("Choose a role category.")
    return errors


def check_count(count: Any) -> str | None:
    if not isinstance(count, int) or isinstance(count, bool):
        return _("Give the number of people as a whole number.")
    if count < 0:
        return _("A number of people is 0 or more, not %(count)s.") % {"count": count}
    return None


@transaction.atomic
def participant_count_record(
    *,
    user: Any,
    activity_id: int,
    gender: str,
    role_category: str,
    count: int,
    member_code: str = "",
    illustrative: bool = False,
) -> ParticipantCount:
    """Set how many people of a gender, role category and member took part in an activity
    (a second record of the same cell replaces the number; the history keeps the old one)."""
    staff_only(user)
    errors = check_person(gender, role_category)
    if problem := check_count(count):
        errors["count"] = problem
    if errors:
        raise ValidationError(errors)
    activity = resolve_activity(activity_id)
    member = resolve_member(member_code)
    if activity.participants.exists():
        raise ValidationError(
            {
                "activity": _(
                    "This activity's participants are recorded person by person; "
                    "add people there so that nobody is counted twice."
                )
            }
        )
    row = ParticipantCount.objects.filter(
        activity=activity, gender=gender, role_category=role_category, member=member
    ).first() or ParticipantCount(
        activity=activity, gender=gender, role_category=role_category, member=member
    )
    row.count = count
    row.illustrative = illustrative
    audited_save(row, user=user, reason="participant count recorded", clean=True)
    return row


@transaction.atomic
def participant_create(
    *,
    user: Any,
    activity_id: int,
    gender: str,
    role_category: str,
    name: str = "",
    member_code: str = "",
    illustrative: bool = False,
) -> Participant:
    """Record one person who took part (the name may be left out)."""
    staff_only(user)
    if errors := check_person(gender, role_category):
        raise ValidationError(errors)
    activity = resolve_activity(activity_id)
    member = resolve_member(member_code)
    if activity.participant_counts.exists():
        raise ValidationError(
            {
                "activity": _(
                    "This activity's participants are recorded as counts; "
                    "change the counts so that nobody is counted twice."
                )
            }
        )
    person = Participant(
        activity=activity,
        name=name.strip(),
        gender=gender,
        role_category=role_category,
        member=member,
        illustrative=illustrative,
    )
    audited_save(person, user=user, reason="participant recorded", clean=True)
    return person


@transaction.atomic
def panel_create(*, user: Any, activity_id: int, title: str, illustrative: bool = False) -> Panel:
    staff_only(user)
    if not title.strip():
        raise ValidationError({"title": _("Give the panel a title.")})
    panel = Panel(activity=resolve_activity(activity_id), title=title.strip())
    panel.illustrative = illustrative
    audited_save(panel, user=user, reason="panel created", clean=True)
    return panel


@transaction.atomic
def speaker_create(
    *,
    user: Any,
    activity_id: int,
    gender: str,
    role_category: str,
    name: str = "",
    member_code: str = "",
    panel_id: int | None = None,
    illustrative: bool = False,
) -> Speaker:
    """Record a speaker of an activity, on one of its panels or alone."""
    staff_only(user)
    if errors := check_person(gender, role_category):
        raise ValidationError(errors)
    activity = resolve_activity(activity_id)
    panel = None
    if panel_id is not None:
        panel = Panel.objects.filter(pk=panel_id, activity=activity).first()
        if panel is None:
            raise ValidationError({"panel": _("Choose one of this activity's panels.")})
    speaker = Speaker(
        activity=activity,
        panel=panel,
        name=name.strip(),
        gender=gender,
        role_category=role_category,
        member=resolve_member(member_code),
        illustrative=illustrative,
    )
    audited_save(speaker, user=user, reason="speaker recorded", clean=True)
    return speaker
