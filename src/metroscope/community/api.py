"""Experts search: signed-in users only; contact details for the Secretariat and officers."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.security import django_auth

from metroscope.community.access import can_see_expert_contacts
from metroscope.community.selectors import expert_directory

router = Router(tags=["community"])


class ExpertOut(Schema):
    id: int
    name: str
    kind: str
    affiliation: str
    themes: list[str]
    challenges: list[str]
    topics: list[str]
    languages: list[str]
    email: str | None = None
    phone: str | None = None


@router.get("/community/experts", response=list[ExpertOut], auth=django_auth)
def experts_search(
    request: HttpRequest,
    q: str = "",
    theme: str = "",
    challenge: str = "",
    topic: str = "",
    language: str = "",
    region: str = "",
) -> list[ExpertOut]:
    contacts = can_see_expert_contacts(request.user)
    experts = expert_directory(
        q=q, theme=theme, challenge=challenge, topic=topic, language=language, region=region
    )
    return [
        ExpertOut(
            id=e.pk,
            name=e.name,
            kind=e.kind,
            affiliation=e.affiliation,
            themes=[t.code for t in e.themes.all()],
            challenges=[c.code for c in e.challenges.all()],
            topics=e.topic_list,
            languages=e.language_list,
            email=e.email if contacts else None,
            phone=e.phone if contacts else None,
        )
        for e in experts
    ]
