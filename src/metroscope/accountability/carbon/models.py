"""The travel of the plan's activities: trips and the sourced emission factors that turn
them into kg CO2e. Rows made by `load_sample_accounts` carry `illustrative=True`."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from metroscope.accountability.activities.models import Activity
from metroscope.accountability.tables import History, table


class TravelMode(models.TextChoices):
    AIR = "air", _("Air")
    RAIL = "rail", _("Rail")
    ROAD = "road", _("Road")


class CabinClass(models.TextChoices):
    ECONOMY = "economy", _("Economy")
    PREMIUM = "premium_economy", _("Premium economy")
    BUSINESS = "business", _("Business")
    FIRST = "first", _("First")


class Haul(models.TextChoices):
    SHORT = "short", _("Short haul")
    LONG = "long", _("Long haul")


class EmissionFactor(models.Model):
    """kg CO2e per passenger-km for a mode (and, for air, haul and cabin), with its source."""

    mode = models.CharField(_("mode"), max_length=5, choices=TravelMode.choices)
    haul = models.CharField(_("haul"), max_length=5, choices=Haul.choices, blank=True)
    cabin_class = models.CharField(
        _("cabin class"), max_length=20, choices=CabinClass.choices, blank=True
    )
    year = models.PositiveSmallIntegerField(_("year of the factors"))
    kg_co2e_per_pkm = models.DecimalField(
        _("kg CO2e per passenger-km"), max_digits=10, decimal_places=5
    )
    source = models.CharField(_("source"), max_length=300)
    table = models.CharField(_("table"), max_length=200)
    checked = models.BooleanField(
        _("checked against the publication"),
        default=False,
        help_text=_("Unset when the value is quoted from a secondary source."),
    )
    note = models.TextField(_("note"), blank=True)
    history = History()

    class Meta:
        db_table = table("EmissionFactor")
        ordering = ["mode", "haul", "cabin_class", "-year"]
        verbose_name = _("emission factor")
        verbose_name_plural = _("emission factors")
        constraints = [
            models.UniqueConstraint(
                fields=["mode", "haul", "cabin_class", "year"], name="emissionfactor_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mode} {self.haul} {self.cabin_class} {self.year}: {self.kg_co2e_per_pkm}"


class Trip(models.Model):
    """A journey made for an activity, by one or more passengers."""

    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="trips"
    )
    origin = models.CharField(_("origin"), max_length=120)
    origin_latitude = models.FloatField(_("origin latitude"))
    origin_longitude = models.FloatField(_("origin longitude"))
    destination = models.CharField(_("destination"), max_length=120)
    destination_latitude = models.FloatField(_("destination latitude"))
    destination_longitude = models.FloatField(_("destination longitude"))
    mode = models.CharField(_("mode"), max_length=5, choices=TravelMode.choices)
    cabin_class = models.CharField(
        _("cabin class"), max_length=20, choices=CabinClass.choices, blank=True
    )
    passengers = models.PositiveSmallIntegerField(_("passengers"), default=1)
    round_trip = models.BooleanField(_("return journey"), default=True)
    illustrative = models.BooleanField(_("illustrative"), default=False)
    history = History()

    class Meta:
        db_table = table("Trip")
        ordering = ["activity", "pk"]
        verbose_name = _("trip")
        verbose_name_plural = _("trips")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(mode="air") | models.Q(cabin_class=""),
                name="trip_cabin_only_by_air",
            ),
            models.CheckConstraint(condition=models.Q(passengers__gte=1), name="trip_passengers"),
        ]

    def __str__(self) -> str:
        return f"{self.origin} → {self.destination} ({self.mode})"

    def clean(self) -> None:
        if self.mode != TravelMode.AIR and self.cabin_class:
            raise ValidationError({"cabin_class": _("Only flights have a cabin class.")})
        if self.mode == TravelMode.AIR and not self.cabin_class:
            raise ValidationError({"cabin_class": _("A flight has a cabin class.")})
