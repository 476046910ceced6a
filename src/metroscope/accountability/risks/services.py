"""Writes of the risk register and the policies: checked field by field (a ValidationError
naming the field writes nothing), in one transaction, with who did it in the history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from metroscope.accountability.access import can_view_risks
from metroscope.accountability.activities.models import Activity
from metroscope.accountability.people.services import staff_only
from metroscope.accountability.risks import analytics as risks
from metroscope.accountability.risks.models import (
    PolicyAcknowledgement,
    PolicyVersion,
    Risk,
    RiskCategory,
    RiskStatus,
)
from metroscope.core.audit import audited_save
from metroscope.plan.models import Outcome


def scale_error(label: str, value: Any) -> str | None:
    if risks.on_scale(value):
        return None
    return _("%(label)s is scored from 1 to 5; %(value)s is outside the scale.") % {
        "label": label,
        "value": value,
    }


def check_risk(
    *, title: str, category: str, likelihood: Any, impact: Any, owner: str, status: str
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = _("Give the risk a title.")
    if category not in RiskCategory.values:
        errors["category"] = _("Choose a category.")
    if problem := scale_error(_("Likelihood"), likelihood):
        errors["likelihood"] = problem
    if problem := scale_error(_("Impact"), impact):
        errors["impact"] = problem
    if not owner.strip():
        errors["owner"] = _("Say who owns the risk.")
    if status not in RiskStatus.values:
        errors["status"] = _("Choose a status.")
    return errors


def _linked(activity_ids: Sequence[int], outcome_codes: Sequence[str]) -> tuple[list, list]:  # type: ignore[type-arg]
    activities = list(Activity.objects.filter(pk__in=activity_ids))
    if len(activities) != len(set(activity_ids)):
        raise ValidationError({"activities": _("Choose activities that exist.")})
    outcomes = list(Outcome.objects.filter(code__in=outcome_codes))
    unknown = sorted(set(outcome_codes) - {o.code for o in outcomes})
    if unknown:
        raise ValidationError(
            {"outcomes": _("Unknown outcome(s): %(codes)s.") % {"codes": ", ".join(unknown)}}
        )
    return activities, outcomes


@transaction.atomic
def risk_create(
    *,
    user: Any,
    title: str,
    category: str,
    likelihood: int,
    impact: int,
    owner: str,
    mitigation: str = "",
    status: str = RiskStatus.OPEN,
    review_on: dt.date | None = None,
    description: str = "",
    activity_ids: Sequence[int] = (),
    outcome_codes: Sequence[str] = (),
    illustrative: bool = False,
) -> Risk:
    """Add a risk to the register, linked to activities and plan outcomes."""
    staff_only(user)
    errors = check_risk(
        title=title,
        category=category,
        likelihood=likelihood,
        impact=impact,
        owner=owner,
        status=status,
    )
    if errors:
        raise ValidationError(errors)
    activities, outcomes = _linked(activity_ids, outcome_codes)
    risk = Risk(
        title=title.strip(),
        description=description.strip(),
        category=category,
        likelihood=likelihood,
        impact=impact,
        owner=owner.strip(),
        mitigation=mitigation.strip(),
        status=status,
        review_on=review_on,
        illustrative=illustrative,
    )
    audited_save(risk, user=user, reason="risk recorded", clean=True)
    risk.activities.set(activities)
    risk.outcomes.set(outcomes)
    return risk


def current_version(version: PolicyVersion, on: dt.date) -> bool:
    newest = (
        PolicyVersion.objects.filter(document_id=version.document_id, effective_on__lte=on)
        .order_by("-effective_on", "-pk")
        .first()
    )
    return newest is not None and newest.pk == version.pk


@transaction.atomic
def policy_acknowledge(*, user: Any, version_id: int) -> PolicyAcknowledgement:
    """The user (Secretariat staff or a Board member) acknowledges the version in force."""
    if not can_view_risks(user):
        raise PermissionDenied(_("Only the Secretariat's staff and the Board acknowledge."))
    version = PolicyVersion.objects.select_related("document").filter(pk=version_id).first()
    if version is None:
        raise ValidationError({"version": _("Choose a policy version that exists.")})
    if not current_version(version, timezone.localdate()):
        raise ValidationError(
            {"version": _("Only the version in force today can be acknowledged.")}
        )
    earlier = PolicyAcknowledgement.objects.filter(version=version, user=user).first()
    if earlier is not None:
        raise ValidationError(
            {
                "version": _("You acknowledged this version on %(date)s.")
                % {"date": earlier.acknowledged_at.date().isoformat()}
            }
        )
    ack = PolicyAcknowledgement(version=version, user=user, acknowledged_at=timezone.now())
    audited_save(ack, user=user, reason="policy acknowledged", clean=True)
    return ack
