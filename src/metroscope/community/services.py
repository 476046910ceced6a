"""Writes on experts: opting in records consent with its time; withdrawing hides at once."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from metroscope.community.models import Expert, ExpertLanguage


def _commas(values: list[str]) -> str:
    cleaned = sorted({v.strip().lower() for v in values if v.strip()})
    return "," + ",".join(cleaned) + "," if cleaned else ""


@transaction.atomic
def expert_opt_in(
    *,
    name: str,
    kind: str,
    consent: bool,
    languages: list[str],
    topics: list[str] | None = None,
    themes: Any = (),
    challenges: Any = (),
    regions: Any = (),
    expert: Expert | None = None,
    **fields: Any,
) -> Expert:
    """Create or update an expert; refused without explicit consent."""
    if not consent:
        raise ValueError(_("Consent is required to be listed as an expert."))
    bad = [code for code in languages if code not in ExpertLanguage.values]
    if bad:
        raise ValueError(_("Unknown language code: %(codes)s") % {"codes": ", ".join(bad)})
    expert = expert or Expert()
    expert.name, expert.kind = name, kind
    for key, value in fields.items():
        setattr(expert, key, value)
    expert.languages = _commas(languages)
    expert.topics = _commas(topics or [])
    if not expert.listed:
        expert.consent_given_at, expert.withdrawn_at = timezone.now(), None
    expert.full_clean()
    expert.save()
    expert.themes.set(themes)
    expert.challenges.set(challenges)
    expert.regions.set(regions)
    return expert


@transaction.atomic
def expert_withdraw(*, expert: Expert) -> Expert:
    expert.withdrawn_at = timezone.now()
    expert.save(update_fields=["withdrawn_at"])
    return expert
