"""The member registry: regions, countries, members, their contacts and the statutory bodies."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from metroscope.core.countries import country_name


class Gender(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    ANOTHER = "another", _("Another gender")
    NOT_STATED = "not_stated", _("Not stated")


class Region(models.Model):
    """One of the five Metropolis regions."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=80)
    order = models.PositiveSmallIntegerField(default=0)
    regional_secretariat = models.ForeignKey(
        "Member",
        verbose_name=_("regional secretariat"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="secretariat_of",
    )
    secretariat_source = models.CharField(
        _("source of the secretariat"), max_length=300, blank=True
    )

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name


class Country(models.Model):
    """A country or territory (ISO 3166-1) and the Metropolis region it belongs to."""

    iso3 = models.CharField(
        "ISO 3166-1 alpha-3",
        max_length=3,
        unique=True,
        validators=[RegexValidator(r"^[A-Z]{3}$", _("Three capital letters."))],
    )
    iso2 = models.CharField(
        "ISO 3166-1 alpha-2",
        max_length=2,
        unique=True,
        validators=[RegexValidator(r"^[A-Z]{2}$", _("Two capital letters."))],
    )
    name = models.CharField(_("name"), max_length=120)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="countries"
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")

    def __str__(self) -> str:
        """CLDR's name in the active language, the one the whole site shows."""
        return country_name(self.iso3, fallback=self.name)


class MemberKind(models.TextChoices):
    CITY = "city", _("City")
    METROPOLITAN_AUTHORITY = "metropolitan_authority", _("Metropolitan authority")
    REGION = "region", _("Region, province or state")
    NATIONAL_AGENCY = "national_agency", _("National agency")


class Member(models.Model):
    """A member government of the association."""

    code = models.SlugField(max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=120, unique=True)
    institution = models.CharField(_("institution"), max_length=300)
    kind = models.CharField(_("kind"), max_length=30, choices=MemberKind.choices)
    entity_type = models.CharField(
        _("type of government"),
        max_length=80,
        help_text=_("As described by the source, e.g. prefecture-level city."),
    )
    country = models.ForeignKey(
        Country, verbose_name=_("country"), on_delete=models.PROTECT, related_name="members"
    )
    latitude = models.FloatField(
        _("latitude"), validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    longitude = models.FloatField(
        _("longitude"), validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )
    geonames_id = models.PositiveIntegerField(_("GeoNames id"), null=True, blank=True)
    location_note = models.CharField(_("location note"), max_length=300, blank=True)
    region_note = models.CharField(_("region note"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    website = models.URLField(_("website"), blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("member")
        verbose_name_plural = _("members")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__gte=-90, latitude__lte=90),
                name="member_latitude_range",
            ),
            models.CheckConstraint(
                condition=models.Q(longitude__gte=-180, longitude__lte=180),
                name="member_longitude_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def region(self) -> Region:
        return self.country.region


class RoleCategory(models.TextChoices):
    POLITICAL = "political", _("Political representative")
    MANAGER = "manager", _("City manager or senior manager")
    TECHNICAL = "technical", _("Technical officer")
    FOCAL_POINT = "focal_point", _("Focal point")


class Contact(models.Model):
    """A person who works with the association for a member. Personal data: restricted."""

    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.CASCADE, related_name="contacts"
    )
    given_name = models.CharField(_("given name"), max_length=120)
    family_name = models.CharField(_("family name"), max_length=120)
    position = models.CharField(_("position"), max_length=200, blank=True)
    role_category = models.CharField(
        _("role category"), max_length=20, choices=RoleCategory.choices
    )
    gender = models.CharField(
        _("gender"), max_length=12, choices=Gender.choices, default=Gender.NOT_STATED
    )
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    language = models.CharField(
        _("language"), max_length=2, choices=settings.LANGUAGES, default="en"
    )
    active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["family_name", "given_name"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name}"


class BodyKind(models.TextChoices):
    GENERAL_ASSEMBLY = "general_assembly", _("General Assembly")
    BOARD = "board", _("Board of Directors")
    PRESIDENCY = "presidency", _("Presidency")
    TREASURY = "treasury", _("Treasury")


class StatutoryBody(models.Model):
    code = models.SlugField(max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=BodyKind.choices, unique=True)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order"]
        verbose_name = _("statutory body")
        verbose_name_plural = _("statutory bodies")

    def __str__(self) -> str:
        return self.name


class Position(models.TextChoices):
    PRESIDENT = "president", _("President")
    CO_PRESIDENT = "co_president", _("Co-president")
    VICE_PRESIDENT = "vice_president", _("Vice-president")
    TREASURER = "treasurer", _("Treasurer")
    BOARD_MEMBER = "board_member", _("Board member")
    DELEGATE = "delegate", _("Delegate")


class DatePrecision(models.TextChoices):
    DAY = "day", _("Day")
    YEAR = "year", _("Year")


class Mandate(models.Model):
    """Who held which position in a statutory body, for which member, and when."""

    body = models.ForeignKey(
        StatutoryBody, verbose_name=_("body"), on_delete=models.CASCADE, related_name="mandates"
    )
    member = models.ForeignKey(
        Member,
        verbose_name=_("member"),
        on_delete=models.PROTECT,
        related_name="mandates",
        null=True,
        blank=True,
    )
    holder_name = models.CharField(_("holder"), max_length=200)
    gender = models.CharField(
        _("gender"), max_length=12, choices=Gender.choices, default=Gender.NOT_STATED
    )
    position = models.CharField(_("position"), max_length=20, choices=Position.choices)
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"), null=True, blank=True)
    date_precision = models.CharField(
        _("date precision"), max_length=4, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    source = models.CharField(_("source"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["body__order", "-start_date"]
        verbose_name = _("mandate")
        verbose_name_plural = _("mandates")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="mandate_end_after_start",
            ),
            models.UniqueConstraint(
                fields=["body", "holder_name", "position", "start_date"], name="mandate_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.holder_name} — {self.get_position_display()} ({self.body})"


class OfficerAssignment(models.Model):
    """Makes a user an officer of a member: they may edit that member's data, and only that."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="officer_assignments"
    )
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="officers")
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("officer assignment")
        verbose_name_plural = _("officer assignments")
        constraints = [
            models.UniqueConstraint(fields=["user", "member"], name="officer_assignment_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.member}"
