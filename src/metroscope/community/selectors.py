"""Reads on experts: only those with consent in force are ever listed."""

from __future__ import annotations

from django.db.models import QuerySet

from metroscope.community.analytics import Candidate, Match, rank
from metroscope.community.models import Expert


def listed_experts() -> QuerySet[Expert]:
    return (
        Expert.objects.filter(consent_given_at__isnull=False, withdrawn_at__isnull=True)
        .prefetch_related("themes", "challenges", "regions")
        .order_by("name")
    )


def expert_directory(
    *,
    q: str = "",
    theme: str = "",
    challenge: str = "",
    topic: str = "",
    language: str = "",
    region: str = "",
) -> QuerySet[Expert]:
    experts = listed_experts()
    if q:
        experts = experts.filter(name__icontains=q) | experts.filter(topics__icontains=q)
    if theme:
        experts = experts.filter(themes__code=theme)
    if challenge:
        experts = experts.filter(challenges__code=challenge)
    if topic.strip():
        experts = experts.filter(topics__contains="," + topic.strip().lower() + ",")
    if language:
        experts = experts.filter(languages__contains="," + language + ",")
    if region:
        experts = experts.filter(regions__code=region)
    return experts.distinct()


def experts_for(
    *,
    themes: set[str] | None = None,
    challenges: set[str] | None = None,
    topics: set[str] | None = None,
    language: str = "",
    text: str = "",
) -> list[Match]:
    """Listed experts ranked by overlap with the given theme/challenge codes and topics; an
    expert's topic that appears as words in `text` (e.g. a need's title) matches too."""
    candidates = [
        Candidate(
            e.pk,
            e.name,
            frozenset(t.code for t in e.themes.all()),
            frozenset(c.code for c in e.challenges.all()),
            frozenset(e.topic_list),
            frozenset(e.language_list),
        )
        for e in listed_experts()
    ]
    return rank(
        candidates,
        themes=themes or set(),
        challenges=challenges or set(),
        topics=topics or set(),
        language=language,
        text=text,
    )
