"""Reads of the member registry, with their joins done."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from metroscope.members.models import (
    Contact,
    Country,
    Gender,
    Mandate,
    Member,
    Region,
    StatutoryBody,
)

SORTS = {
    "name": ("name",),
    "-name": ("-name",),
    "country": ("country__name", "name"),
    "-country": ("-country__name", "name"),
    "region": ("country__region__order", "name"),
    "-region": ("-country__region__order", "name"),
    "kind": ("kind", "name"),
    "-kind": ("-kind", "name"),
}


@dataclass(frozen=True)
class MemberFilters:
    region: str = ""
    country: str = ""
    kind: str = ""
    q: str = ""
    sort: str = "name"


def member_list(*, filters: MemberFilters | None = None) -> QuerySet[Member]:
    filters = filters or MemberFilters()
    qs = Member.objects.select_related("country__region")
    if filters.region:
        qs = qs.filter(
            Q(country__region__code__iexact=filters.region)
            | Q(country__region__name_en__iexact=filters.region)
        )
    if filters.country:
        qs = qs.filter(
            Q(country__iso3__iexact=filters.country) | Q(country__iso2__iexact=filters.country)
        )
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    for word in filters.q.split():
        qs = qs.filter(
            Q(name__icontains=word)
            | Q(institution__icontains=word)
            | Q(country__name_en__icontains=word)
            | Q(country__name_fr__icontains=word)
            | Q(country__name_es__icontains=word)
        )
    return qs.order_by(*SORTS.get(filters.sort, SORTS["name"]))


def member_detail(*, code: str) -> Member | None:
    return Member.objects.select_related("country__region").filter(code=code).first()


def member_contacts(*, member: Member) -> QuerySet[Contact]:
    return member.contacts.order_by("-active", "family_name", "given_name")


def member_mandates(*, member: Member) -> QuerySet[Mandate]:
    return member.mandates.select_related("body").order_by("-start_date")


def region_list() -> QuerySet[Region]:
    return Region.objects.select_related("regional_secretariat").annotate(
        member_count=Count("countries__members", distinct=True),
        country_count=Count("countries", filter=Q(countries__members__isnull=False), distinct=True),
    )


def country_list(*, region: str = "") -> QuerySet[Country]:
    qs = Country.objects.select_related("region").annotate(member_count=Count("members"))
    if region:
        qs = qs.filter(Q(region__code__iexact=region) | Q(region__name_en__iexact=region))
    return qs.order_by("name")


@dataclass(frozen=True)
class NetworkCounts:
    members: int
    countries: int
    regions: int
    by_region: list[tuple[Region, int, int]]
    by_kind: dict[str, int]


def network_counts() -> NetworkCounts:
    """Counts computed from the registry (never typed in)."""
    regions = list(region_list())
    members = Member.objects.count()
    countries = Country.objects.filter(members__isnull=False).distinct().count()
    kinds = dict(
        Member.objects.values_list("kind").annotate(n=Count("id")).values_list("kind", "n")
    )
    return NetworkCounts(
        members=members,
        countries=countries,
        regions=len([r for r in regions if getattr(r, "member_count", 0)]),
        by_region=[(r, r.member_count, r.country_count) for r in regions],  # type: ignore[attr-defined]
        by_kind=kinds,
    )


@dataclass
class BodySummary:
    body: StatutoryBody
    current: list[Mandate]
    past: list[Mandate]
    gender: dict[str, int] = field(default_factory=dict)
    gender_all: dict[str, int] = field(default_factory=dict)

    @property
    def gender_labelled(self) -> list[tuple[str, int]]:
        return [(str(Gender(g).label), n) for g, n in self.gender.items()]


def body_summaries(*, on: dt.date | None = None) -> list[BodySummary]:
    """Each statutory body with its mandates current on a date and the gender split of those."""
    on = on or timezone.localdate()
    mandates = Mandate.objects.select_related("member", "body").order_by("-start_date")
    by_body: dict[int, list[Mandate]] = {}
    for mandate in mandates:
        by_body.setdefault(mandate.body_id, []).append(mandate)
    summaries = []
    for body in StatutoryBody.objects.order_by("order"):
        items = by_body.get(body.pk, [])
        current = [
            m for m in items if m.start_date <= on and (m.end_date is None or m.end_date > on)
        ]
        past = [m for m in items if m not in current]
        now = Counter(m.gender for m in current)
        ever = Counter(m.gender for m in items)
        summaries.append(
            BodySummary(
                body=body,
                current=current,
                past=past,
                gender={g: now.get(g, 0) for g in Gender.values},
                gender_all={g: ever.get(g, 0) for g in Gender.values},
            )
        )
    return summaries


def user_language(user: Any, fallback: str = "") -> str:
    """A user's language for what is sent to them: that of the member contact with their
    e-mail address, else the fallback (e.g. the language they wrote a request in), else the
    site's default."""
    codes = {code for code, _name in settings.LANGUAGES}
    if user.email:
        known = (
            Contact.objects.filter(email__iexact=user.email)
            .values_list("language", flat=True)
            .first()
        )
        if known in codes:
            return str(known)
    return fallback if fallback in codes else settings.LANGUAGE_CODE
