"""Writes of an activity's trips: between places the observatory knows, each checked field by
field (a ValidationError naming the field writes nothing), in one transaction, with who made
the change in the model's history."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from metroscope.accountability.carbon.models import CabinClass, TravelMode, Trip
from metroscope.accountability.ledger.edits import edited_row
from metroscope.accountability.ledger.services import activity_staff_only
from metroscope.accountability.people.services import resolve_activity
from metroscope.core.audit import audited_delete, audited_save
from metroscope.core.text import fold
from metroscope.observatory.models import Metro
from metroscope.observatory.resolve import MetroResolver, Unresolved


@dataclass(frozen=True)
class Place:
    name: str
    latitude: float
    longitude: float


def resolve_place(text: str, field: str, resolver: MetroResolver) -> Place:
    """A place a trip starts or ends at: a metro of the observatory, by its code or name (in any
    spelling or alias), with the country after a comma when several share the name."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({field: _("Name the place, e.g. Barcelona.")})
    name, _sep, country = text.rpartition(",") if "," in text else (text, "", "")
    try:
        metro_id = resolver.resolve(name.strip(), country.strip())
    except Unresolved as exc:
        # Of several metros with the name (Barcelona, ESP and VEN), the one of a member.
        candidates = resolver.by_name.get(fold(name), set()) if not country.strip() else set()
        ours = list(
            Metro.objects.filter(pk__in=candidates, members__isnull=False)
            .values_list("pk", flat=True)
            .distinct()
        )
        if len(ours) != 1:
            raise ValidationError(
                {
                    field: _(
                        "Unknown place “%(place)s” (%(why)s). Write a city as the observatory "
                        "names it, with its country after a comma when several share the name "
                        "(e.g. “Valencia, ESP”), or the metro's code."
                    )
                    % {"place": text, "why": exc}
                }
            ) from exc
        metro_id = ours[0]
    found = Metro.objects.filter(pk=metro_id).values_list("name", "latitude", "longitude").first()
    if found is None or found[1] is None or found[2] is None:
        raise ValidationError(
            {field: _("“%(place)s” has no coordinates to measure a trip from.") % {"place": text}}
        )
    return Place(found[0], found[1], found[2])


@dataclass(frozen=True)
class TripIn:
    origin: str
    destination: str
    mode: str
    passengers: Any = 1
    cabin_class: str = ""
    round_trip: bool = True


def trip_values(data: TripIn, known: tuple[Place, ...] = ()) -> dict[str, Any]:
    """Check a trip field by field (every problem at once) and return the row's values. A
    place is resolved through the observatory's metros, unless its text names one of `known`
    (the places an edited trip already has, kept as they are)."""
    errors: dict[str, Any] = {}
    if data.mode not in TravelMode.values:
        errors["mode"] = _("Choose how they travelled.")
    if data.cabin_class and data.cabin_class not in CabinClass.values:
        errors["cabin_class"] = _("Choose a cabin class.")
    passengers = data.passengers
    if not isinstance(passengers, int) or isinstance(passengers, bool) or passengers < 1:
        errors["passengers"] = _("A trip has at least one passenger.")
    resolver: MetroResolver | None = None
    places: dict[str, Place] = {}
    for field, text in (("origin", data.origin), ("destination", data.destination)):
        same = [p for p in known if p.name == (text or "").strip()]
        if same:
            places[field] = same[0]
            continue
        resolver = resolver or MetroResolver()
        try:
            places[field] = resolve_place(text, field, resolver)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if len(places) == 2 and places["origin"] == places["destination"]:
        errors["destination"] = _("The destination is the place of origin.")
    if errors:
        raise ValidationError(errors)
    start, end = places["origin"], places["destination"]
    return {
        "origin": start.name,
        "origin_latitude": start.latitude,
        "origin_longitude": start.longitude,
        "destination": end.name,
        "destination_latitude": end.latitude,
        "destination_longitude": end.longitude,
        "mode": data.mode,
        "cabin_class": data.cabin_class,
        "passengers": passengers,
        "round_trip": data.round_trip,
    }


@transaction.atomic
def trip_record(*, user: Any, activity_id: int, data: TripIn) -> Trip:
    """Record a journey made for an activity; its emissions follow from the great-circle
    distance between the two places and the emission factors (carbon.py)."""
    activity_staff_only(user)
    activity = resolve_activity(activity_id)
    trip = Trip(activity=activity, **trip_values(data))
    # Trip.clean: a cabin class by air, only by air
    audited_save(trip, user=user, reason="trip recorded", clean=True)
    return trip


@transaction.atomic
def trip_update(*, user: Any, trip_id: int, data: TripIn) -> Trip:
    """Change a trip; a place left as it was keeps its coordinates, a new one is resolved."""
    activity_staff_only(user)
    trip = edited_row(Trip, trip_id)
    known = (
        Place(trip.origin, trip.origin_latitude, trip.origin_longitude),
        Place(trip.destination, trip.destination_latitude, trip.destination_longitude),
    )
    for name, value in trip_values(data, known).items():
        setattr(trip, name, value)
    audited_save(trip, user=user, reason="trip edited", clean=True)
    return trip


@transaction.atomic
def trip_delete(*, user: Any, trip_id: int) -> None:
    activity_staff_only(user)
    audited_delete(edited_row(Trip, trip_id), user=user, reason="trip deleted")
