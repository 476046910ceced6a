"""Read side of the links between members and places: whose own place a metro is, which
members only lie in it (or overlap it, or have their seat there), and, for a member's own
place, the wider places it lies in with their key figures — shown as that place's, never as
the member's."""

from __future__ import annotations

from dataclasses import dataclass, field

from metroscope.observatory.models import (
    Flag,
    Metro,
    MetroMember,
    Observation,
    PlaceRelation,
    Scale,
    Sex,
    Status,
)

# Figures that describe a whole place, shown beside a link to it (newest published year).
PLACE_FIGURES = (
    "population_urban_centre",
    "population_urban_agglomeration",
    "urban_centre_area",
    "hospital_access_1km",
)


@dataclass
class WiderPlace:
    metro: Metro
    relation: str  # a PlaceRelation value
    members: list[str] = field(default_factory=list)  # member names linked this way
    notes: list[str] = field(default_factory=list)
    figures: list[Observation] = field(default_factory=list)

    @property
    def relation_label(self) -> str:
        return str(PlaceRelation(self.relation).label)


@dataclass
class PlaceLinks:
    own: list[MetroMember]  # members whose own place this metro is
    linked: list[tuple[MetroMember, Metro | None]]  # other links, with the member's own place
    wider: list[WiderPlace]  # where this metro's members lie, overlap or have their seat


def own_metro(member_id: int) -> Metro | None:
    link = (
        MetroMember.objects.filter(member_id=member_id, relation=PlaceRelation.OWN)
        .select_related("metro")
        .first()
    )
    return link.metro if link else None


def place_figures(metro_ids: list[int]) -> dict[int, list[Observation]]:
    """The newest published, observed metro-scale value of each PLACE_FIGURES indicator."""
    found: dict[tuple[int, str], Observation] = {}
    rows = (
        Observation.objects.filter(
            metro_id__in=metro_ids,
            indicator__code__in=PLACE_FIGURES,
            status=Status.PUBLISHED,
            sex=Sex.TOTAL,
            scale=Scale.METRO,
        )
        .exclude(flags__contains=Flag.PROJECTION)  # the newest observed, not projected
        .select_related("indicator", "source")
        .order_by("year")
    )
    for obs in rows:
        found[(obs.metro_id, obs.indicator.code)] = obs  # ascending: the newest wins
    result: dict[int, list[Observation]] = {pk: [] for pk in metro_ids}
    for code in PLACE_FIGURES:
        for pk in metro_ids:
            if (pk, code) in found:
                result[pk].append(found[(pk, code)])
    return result


def place_links(metro: Metro) -> PlaceLinks:
    links = list(metro.memberships.select_related("member").order_by("member__name"))
    own = [link for link in links if link.relation == PlaceRelation.OWN]
    others = [link for link in links if link.relation != PlaceRelation.OWN]
    own_places = {
        link.member_id: link.metro
        for link in MetroMember.objects.filter(
            member_id__in=[o.member_id for o in others], relation=PlaceRelation.OWN
        ).select_related("metro")
    }
    wider: dict[tuple[int, str], WiderPlace] = {}
    outward = (
        MetroMember.objects.filter(member_id__in=[o.member_id for o in own])
        .exclude(relation=PlaceRelation.OWN)
        .exclude(metro=metro)
        .select_related("metro", "member")
        .order_by("relation", "metro__name")
    )
    for link in outward:
        place = wider.setdefault(
            (link.metro_id, link.relation), WiderPlace(link.metro, link.relation)
        )
        place.members.append(link.member.name)
        if link.note and link.note not in place.notes:
            place.notes.append(link.note)
    figures = place_figures(sorted({pk for pk, _ in wider}))
    for (pk, _), place in wider.items():
        place.figures = figures[pk]
    return PlaceLinks(
        own=own,
        linked=[(link, own_places.get(link.member_id)) for link in others],
        wider=list(wider.values()),
    )
