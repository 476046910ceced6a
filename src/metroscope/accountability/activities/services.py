"""Writes of the activities of the work plans: create and edit. Checked field by field (a
ValidationError naming the field writes nothing), in one transaction, with who did it in the
history (the tags too: Activity's history follows its many-to-many fields)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from metroscope.accountability.activities.models import (
    Activity,
    ActivityStatus,
    ActivityType,
    DatePrecision,
    GenderMarker,
    Mode,
    WorkPlan,
)
from metroscope.accountability.ledger.services import activity_staff_only
from metroscope.core.audit import audited_save
from metroscope.members.models import Member
from metroscope.plan.models import Challenge, Outcome, Program, Theme


@dataclass
class ActivityIn:
    """What the staff form (or any other caller) says about an activity."""

    title: str
    type: str
    work_plan_year: int
    description: str = ""
    status: str = ActivityStatus.PLANNED
    outcome_codes: Sequence[str] = field(default_factory=list)
    theme_ids: Sequence[int] = field(default_factory=list)
    challenge_ids: Sequence[int] = field(default_factory=list)
    program_id: int | None = None
    gender_marker: int | None = None
    member_codes: Sequence[str] = field(default_factory=list)
    mode: str = ""
    host_city: str = ""
    start_date: dt.date | None = None
    end_date: dt.date | None = None


def _check(data: ActivityIn) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not data.title.strip():
        errors["title"] = _("Give the activity a title.")
    if data.type not in ActivityType.values:
        errors["type"] = _("Choose a type of activity.")
    if data.status not in ActivityStatus.values:
        errors["status"] = _("Choose a status.")
    if data.gender_marker is not None and data.gender_marker not in GenderMarker.values:
        errors["gender_marker"] = _("Choose a gender marker, or leave it not yet screened.")
    if data.mode and data.mode not in Mode.values:
        errors["mode"] = _("Choose how the activity is held.")
    if data.mode in (Mode.IN_PERSON, Mode.HYBRID) and not data.host_city.strip():
        errors["host_city"] = _("An activity held in person names its host city.")
    if data.mode == Mode.ONLINE and data.host_city.strip():
        errors["host_city"] = _("An online activity has no host city: choose “hybrid”.")
    if data.start_date and data.end_date and data.end_date < data.start_date:
        errors["end_date"] = _("The end date is before the start date.")
    if data.end_date and not data.start_date:
        errors["start_date"] = _("Give the start date too.")
    return errors


def _exactly(model: type[models.Model], key: str, values: Sequence[Any], name: str) -> list[Any]:
    """The rows whose key is among the values, or a ValidationError on the field `name`."""
    wanted = set(values)
    rows = list(model._default_manager.filter(**{f"{key}__in": wanted}))
    unknown = sorted(str(v) for v in wanted - {getattr(r, key) for r in rows})
    if unknown:
        raise ValidationError({name: _("Unknown: %(values)s.") % {"values": ", ".join(unknown)}})
    return rows


def _code(title: str, year: int) -> str:
    base = f"{slugify(title)[:100] or 'activity'}-{year}"
    taken = set(Activity.objects.filter(code__startswith=base).values_list("code", flat=True))
    code, n = base, 1
    while code in taken:
        n += 1
        code = f"{base}-{n}"
    return code


@transaction.atomic
def activity_save(*, user: Any, data: ActivityIn, activity_id: int | None = None) -> Activity:
    """Create an activity (activity_id None) or change one; its code is made from the title and
    year on creation and kept afterwards."""
    activity_staff_only(user)
    errors = _check(data)
    work_plan = WorkPlan.objects.filter(year=data.work_plan_year).first()
    if work_plan is None:
        errors["work_plan"] = _(
            "There is no work plan for %(year)s: the Secretariat drafts it first."
        ) % {"year": data.work_plan_year}
    if errors or work_plan is None:
        raise ValidationError(errors)
    outcomes = _exactly(Outcome, "code", data.outcome_codes, "outcomes")
    themes = _exactly(Theme, "pk", data.theme_ids, "themes")
    challenges = _exactly(Challenge, "pk", data.challenge_ids, "challenges")
    members = _exactly(Member, "code", data.member_codes, "members")
    program = _exactly(Program, "pk", [data.program_id], "program")[0] if data.program_id else None
    if activity_id is None:
        activity = Activity(code=_code(data.title, work_plan.year))
        reason = "activity created"
    else:
        found = Activity.objects.select_for_update().filter(pk=activity_id).first()
        if found is None:
            raise ValidationError({"activity": _("Choose an activity that exists.")})
        activity, reason = found, "activity edited"
    activity.work_plan = work_plan
    activity.title = data.title.strip()
    activity.description = data.description.strip()
    activity.type = data.type
    activity.status = data.status
    if activity.pk is None or program != activity.program:
        activity.program_is_editorial = False  # the staff's own choice, not Metroscope's
    if activity.pk is None or (data.start_date, data.end_date) != (
        activity.start_date,
        activity.end_date,
    ):
        activity.date_precision = DatePrecision.DAY  # dates typed in the form are days
    activity.program = program
    activity.gender_marker = data.gender_marker
    activity.mode = data.mode
    activity.host_city = data.host_city.strip()
    activity.start_date = data.start_date
    activity.end_date = data.end_date
    audited_save(activity, user=user, reason=reason, clean=True)
    activity.outcomes.set(outcomes)
    activity.themes.set(themes)
    activity.challenges.set(challenges)
    activity.members.set(members)
    return activity
