"""Writes of an activity's accounts: budget lines, expenses (converted to EUR at the ECB rate of
their date) and trips (between places the observatory knows). Each checks its input field by
field (a ValidationError naming the field writes nothing), runs in one transaction and records
who made the change in the model's history (as people_services does)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from metroscope.core.text import fold
from metroscope.observatory.models import Metro
from metroscope.observatory.resolve import MetroResolver, Unresolved
from metroscope.plan.accountability import money, rates
from metroscope.plan.accountability.access import access_activity_edit_for_user
from metroscope.plan.accountability.ledger import (
    BudgetLine,
    CabinClass,
    Expense,
    SpendCategory,
    TravelMode,
    Trip,
)
from metroscope.plan.accountability.people_services import audited_save, resolve_activity


def activity_staff_only(user: Any) -> None:
    if not access_activity_edit_for_user(user):
        raise PermissionDenied(_("Only the Secretariat's staff may record this."))


def check_category(category: str) -> dict[str, str]:
    if category not in SpendCategory.values:
        return {"category": _("Choose a spending category.")}
    return {}


def check_amount(amount: Any, field: str = "amount") -> dict[str, str]:
    if not isinstance(amount, Decimal) or not amount.is_finite():
        return {field: _("Give the amount as a number, e.g. 1250.50.")}
    if amount < 0:
        return {
            field: _(
                "Negative amounts (refunds, credit notes) cannot be recorded yet: record the "
                "expense net of the refund, or ask for credit notes to be enabled."
            )
        }
    if amount.as_tuple().exponent < -2:  # type: ignore[operator]
        return {field: _("An amount has at most two decimals (cents).")}
    return {}


@transaction.atomic
def budget_line_record(
    *,
    user: Any,
    activity_id: int,
    category: str,
    amount_eur: Decimal,
    year: int | None = None,
) -> BudgetLine:
    """Set what the work plan sets aside for an activity in a year and category (a second
    record of the same year and category replaces the amount; the history keeps the old)."""
    activity_staff_only(user)
    activity = resolve_activity(activity_id)
    year = year or activity.work_plan.year
    errors = check_category(category) | check_amount(amount_eur, "amount_eur")
    if not 1900 <= year <= 2200:
        errors["year"] = _("Give the budget's year, e.g. %(year)s.") % {
            "year": activity.work_plan.year
        }
    if errors:
        raise ValidationError(errors)
    line = BudgetLine.objects.filter(
        activity=activity, year=year, category=category
    ).first() or BudgetLine(activity=activity, year=year, category=category)
    line.amount_eur = amount_eur
    line.illustrative = False
    audited_save(line, user, "budget line recorded")
    return line


@transaction.atomic
def expense_record(
    *,
    user: Any,
    activity_id: int,
    date: dt.date,
    amount: Decimal,
    currency: str,
    category: str,
    supplier: str = "",
    document_reference: str = "",
) -> Expense:
    """Record a spending of an activity; its EUR amount uses the ECB reference rate of its date
    (rates.RATE_RULE), and a currency or date without a rate is refused."""
    activity_staff_only(user)
    activity = resolve_activity(activity_id)
    currency = (currency or "").strip().upper()
    errors = check_category(category) | check_amount(amount)
    if not isinstance(date, dt.date):
        errors["date"] = _("Give the date of the expense.")
    rate = None
    if len(currency) != 3 or not currency.isalpha():
        errors["currency"] = _("A currency is three letters (ISO 4217), e.g. EUR or USD.")
    elif "date" not in errors:
        try:
            rate, _day = rates.rate_to_eur(currency, date)
        except rates.NoRate:
            if currency not in rates.currencies():
                errors["currency"] = _(
                    "The European Central Bank publishes no reference rate for %(currency)s."
                ) % {"currency": currency}
            else:
                errors["currency"] = _(
                    "There is no ECB reference rate for %(currency)s on %(date)s (nor in the "
                    "four days before): check the date, or record it in EUR."
                ) % {"currency": currency, "date": date.isoformat()}
    if errors or rate is None:
        raise ValidationError(errors)
    expense = Expense(
        activity=activity,
        date=date,
        amount=amount,
        currency=currency,
        rate_to_eur=rate,
        amount_eur=money.to_eur(amount, rate),
        category=category,
        supplier=supplier.strip(),
        document_reference=document_reference.strip(),
    )
    audited_save(expense, user, "expense recorded")
    return expense


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


@transaction.atomic
def trip_record(
    *,
    user: Any,
    activity_id: int,
    origin: str,
    destination: str,
    mode: str,
    passengers: int = 1,
    cabin_class: str = "",
    round_trip: bool = True,
) -> Trip:
    """Record a journey made for an activity; its emissions follow from the great-circle
    distance between the two places and the emission factors (carbon.py)."""
    activity_staff_only(user)
    activity = resolve_activity(activity_id)
    errors: dict[str, Any] = {}
    if mode not in TravelMode.values:
        errors["mode"] = _("Choose how they travelled.")
    if cabin_class and cabin_class not in CabinClass.values:
        errors["cabin_class"] = _("Choose a cabin class.")
    if not isinstance(passengers, int) or isinstance(passengers, bool) or passengers < 1:
        errors["passengers"] = _("A trip has at least one passenger.")
    resolver = MetroResolver()
    places: dict[str, Place] = {}
    for field, text in (("origin", origin), ("destination", destination)):
        try:
            places[field] = resolve_place(text, field, resolver)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if len(places) == 2 and places["origin"] == places["destination"]:
        errors["destination"] = _("The destination is the place of origin.")
    if errors:
        raise ValidationError(errors)
    start, end = places["origin"], places["destination"]
    trip = Trip(
        activity=activity,
        origin=start.name,
        origin_latitude=start.latitude,
        origin_longitude=start.longitude,
        destination=end.name,
        destination_latitude=end.latitude,
        destination_longitude=end.longitude,
        mode=mode,
        cabin_class=cabin_class,
        passengers=passengers,
        round_trip=round_trip,
    )
    audited_save(trip, user, "trip recorded")  # Trip.clean: a cabin class by air, only by air
    return trip
