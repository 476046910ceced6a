"""The Observatory's data: the indicator catalogue, metropolitan spaces (metros) and the values
observed for them, each with its source, the scale it really describes and who wrote it.

Observations are written in bulk (imports of millions of rows), so their history is not kept
by django-simple-history (which would double every insert) but by `ObservationRevision`: a row
is written only when a value is replaced, holding the old value and who/what replaced it.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from metroscope.members.models import Member
from metroscope.plan.models import Challenge, Theme


class IndicatorTheme(models.TextChoices):
    CONTEXT_GOVERNANCE = "context_governance", _("Context and governance")
    ECONOMIC_DEVELOPMENT = "economic_development", _("Economic development")
    SOCIAL_COHESION = "social_cohesion", _("Social cohesion")
    GENDER_EQUALITY = "gender_equality", _("Gender equality")
    ENVIRONMENTAL_SUSTAINABILITY = "environmental_sustainability", _("Environmental sustainability")
    QUALITY_OF_LIFE = "quality_of_life", _("Quality of life")


class Unit(models.TextChoices):
    PERSONS = "persons", _("persons")
    PERSONS_PER_KM2 = "persons_per_km2", _("persons per km²")
    KM2 = "km2", _("km²")
    PERCENT = "percent", "%"
    YEARS = "years", _("years")
    UG_M3 = "ug_m3", "µg/m³"
    USD_PPP = "usd_ppp", _("international $ (PPP)")
    USD_PPP_MONTH = "usd_ppp_month", _("2021 PPP $ per month")
    T_CO2E = "t_co2e", _("t CO2e")
    T_CO2E_PER_CAPITA = "t_co2e_per_capita", _("t CO2e per inhabitant")
    MT_CO2 = "mt_co2", _("Mt CO2")
    PER_100K = "per_100k", _("per 100,000 inhabitants")


# The hard range a value of each unit can take unless the catalogue narrows or widens it (the
# loader stores the resulting bounds on each indicator, where staff can edit them). Every range
# is finite: a value past it is not a measurement of anything on Earth (1e308 µg/m³ of PM2.5),
# so an import refuses it with the row and column.
UNIT_RANGES: dict[str, tuple[float, float]] = {
    Unit.PERSONS: (0, 10_000_000_000),  # more people than live on Earth
    Unit.PERSONS_PER_KM2: (0, 500_000),  # above any populated km² cell on Earth
    Unit.KM2: (0, 510_000_000),  # the Earth's surface
    Unit.PERCENT: (0, 100),
    Unit.YEARS: (0, 130),
    Unit.UG_M3: (0, 1_000),  # ambient air: the worst recorded annual means are a few hundred
    Unit.USD_PPP: (0, 1_000_000),
    Unit.USD_PPP_MONTH: (0, 100_000),
    Unit.T_CO2E: (0, 10_000_000_000),  # ten times the largest country's yearly emissions
    Unit.T_CO2E_PER_CAPITA: (0, 1_000),
    Unit.MT_CO2: (0, 100_000),
    Unit.PER_100K: (0, 100_000),
}


def bound_text(bound: float) -> str:
    """A range's bound as people read it: 1,000,000 rather than 1e+06."""
    return f"{int(bound):,}" if bound == int(bound) else f"{bound:,g}"


class Direction(models.TextChoices):
    HIGHER_BETTER = "higher_better", _("Higher is better")
    LOWER_BETTER = "lower_better", _("Lower is better")
    NEUTRAL = "neutral", _("Neutral")


class Sex(models.TextChoices):
    TOTAL = "total", _("Total")
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")


class Scale(models.TextChoices):
    """The area a value really describes, which may be wider or narrower than the metro."""

    METRO = "metro", _("Metro")
    CORE_CITY = "core_city", _("Core city")
    REGION = "region", _("Region")
    NATIONAL_PROXY = "national_proxy", _("National proxy")


class Flag(models.TextChoices):
    """What a reader must know about one value; an observation holds a comma-separated list."""

    PROJECTION = "projection", _("Projection")
    LOW_COVERAGE = "low_coverage", _("Low temporal coverage")
    SELF_REPORTED = "self_reported", _("Self-reported")
    SOURCE_BOUNDARY = "source_boundary", _("Boundary stated by the source")
    SUM_OF_COMPONENTS = "sum_of_components", _("Sum of components")
    CHECK_VALUE = "check_value", _("Check this value")


def split_flags(flags: str) -> list[str]:
    return [f for f in flags.split(",") if f]


class Status(models.TextChoices):
    PROVISIONAL = "provisional", _("Provisional")
    VALIDATED = "validated", _("Validated")
    PUBLISHED = "published", _("Published")
    # Sent back by the Secretariat with a comment (on its review batch's note) for the member's
    # officer to correct; writing it again makes it provisional and puts it back in the queue.
    RETURNED = "returned", _("Returned for correction")


# What a person may write values as (a file, a form, the API); "returned" is a review's answer.
WRITABLE_STATUSES = (Status.PROVISIONAL, Status.VALIDATED, Status.PUBLISHED)
# What waits in the Secretariat's review queue.
WAITING_STATUSES = (Status.PROVISIONAL, Status.VALIDATED)


class AreaKind(models.TextChoices):
    METROPOLITAN_AREA = "metropolitan_area", _("Metropolitan area")
    FUNCTIONAL_URBAN_AREA = "functional_urban_area", _("Functional urban area")
    URBAN_AGGLOMERATION = "urban_agglomeration", _("Urban agglomeration")
    URBAN_CENTRE = "urban_centre", _("Urban centre")
    CORE_CITY = "core_city", _("Core city")
    REGION = "region", _("Region")


class UmfDomain(models.TextChoices):
    SOCIETY = "society", _("Society")
    ECONOMY = "economy", _("Economy")
    ENVIRONMENT = "environment", _("Environment")
    CULTURE = "culture", _("Culture")
    GOVERNANCE = "governance", _("Governance and implementation")


class UmfObjective(models.TextChoices):
    SAFE_PEACEFUL = "safe_peaceful", _("Safe and peaceful")
    INCLUSIVE = "inclusive", _("Inclusive")
    RESILIENT = "resilient", _("Resilient")
    SUSTAINABLE = "sustainable", _("Sustainable")


class Indicator(models.Model):
    """One entry of the catalogue: what is measured, in which unit, and how to read it."""

    code = models.SlugField(_("code"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=160)
    definition = models.TextField(_("definition"), blank=True)
    methodology = models.TextField(_("methodology"), blank=True)
    theme = models.CharField(_("theme"), max_length=40, choices=IndicatorTheme.choices)
    plan_themes = models.ManyToManyField(
        Theme, verbose_name=_("plan themes"), blank=True, related_name="indicators"
    )
    plan_challenges = models.ManyToManyField(  # type: ignore[var-annotated]
        Challenge, verbose_name=_("plan challenges"), blank=True, related_name="indicators"
    )
    unit = models.CharField(_("unit"), max_length=20, choices=Unit.choices)
    decimals = models.PositiveSmallIntegerField(
        _("decimals"), default=1, validators=[MaxValueValidator(6)]
    )
    direction = models.CharField(_("direction"), max_length=20, choices=Direction.choices)
    sexes = models.JSONField(_("disaggregations by sex"), default=list)
    min_value = models.FloatField(_("lowest valid value"), null=True, blank=True)
    max_value = models.FloatField(_("highest valid value"), null=True, blank=True)
    sdg_targets = models.JSONField(_("SDG targets"), default=list, blank=True)
    umf_domain = models.CharField(
        _("UMF domain"), max_length=20, choices=UmfDomain.choices, blank=True
    )
    umf_objective = models.CharField(
        _("UMF objective"), max_length=20, choices=UmfObjective.choices, blank=True
    )
    headline = models.CharField(_("plan headline metric"), max_length=200, blank=True)
    featured = models.BooleanField(
        _("on the Observatory home"),
        default=False,
        help_text=_("Shown in the home's headline table beside the plan's headline metrics."),
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return self.name or self.code

    def valid_range(self) -> tuple[float, float]:
        """Bounds a value must respect: the indicator's own, else its unit's (never unbounded,
        even when staff clear a bound in the admin)."""
        low, high = UNIT_RANGES.get(self.unit, (0, 1e15))
        return (
            low if self.min_value is None else self.min_value,
            high if self.max_value is None else self.max_value,
        )


class Source(models.Model):
    """Where values come from: a published dataset, or what an importer named."""

    code = models.SlugField(_("code"), max_length=120, unique=True)
    publisher = models.CharField(_("publisher"), max_length=200, blank=True)
    title = models.CharField(_("title"), max_length=400)
    url = models.URLField(_("URL"), max_length=500, blank=True)
    licence = models.CharField(_("licence"), max_length=200, blank=True)
    released = models.CharField(_("release"), max_length=40, blank=True)
    note = models.TextField(_("note"), blank=True)
    citation = models.CharField(
        _("required citation"),
        max_length=400,
        blank=True,
        help_text=_("Wording the publisher asks for, shown with every value and in every export."),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self) -> str:
        return self.title


class Metro(models.Model):
    """A metropolitan space: one place, whatever datasets call it, shared by the members there."""

    code = models.SlugField(_("code"), max_length=120, unique=True)
    name = models.CharField(_("name"), max_length=200)
    folded = models.CharField(max_length=200, db_index=True, editable=False)
    country_iso3 = models.CharField(_("country (ISO3)"), max_length=3, db_index=True)
    country_name = models.CharField(_("country"), max_length=120, blank=True)
    latitude = models.FloatField(
        _("latitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.FloatField(
        _("longitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    kind = models.CharField(_("kind of area"), max_length=30, choices=AreaKind.choices)
    ghsl_id = models.PositiveIntegerField(_("GHSL urban centre id"), null=True, blank=True)
    wup_id = models.PositiveIntegerField(_("UN WUP agglomeration code"), null=True, blank=True)
    wup_match = models.CharField(_("how the WUP agglomeration was matched"), max_length=200)
    wup_distance_km = models.FloatField(_("distance to the WUP point (km)"), null=True, blank=True)
    synthetic = models.BooleanField(
        _("synthetic"), default=False, help_text=_("Made by a benchmark script, not real.")
    )
    members = models.ManyToManyField(  # type: ignore[var-annotated]
        Member, through="MetroMember", related_name="metros", verbose_name=_("members")
    )

    class Meta:
        ordering = ["name", "code"]
        verbose_name = _("metro")
        verbose_name_plural = _("metros")
        constraints = [
            models.UniqueConstraint(
                fields=["ghsl_id"], condition=models.Q(ghsl_id__isnull=False), name="metro_ghsl"
            ),
            models.UniqueConstraint(
                fields=["wup_id"], condition=models.Q(wup_id__isnull=False), name="metro_wup"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class MetroVersion(models.Model):
    """One row whose token the database changes on every write to the metro table (triggers
    made by migration 0003), whatever writes it: the loader's bulk updates, the admin, a
    cascade. The peer arrays cached per process (observatory.panel) read it with the newest
    import batch to know they are current: a primary-key lookup instead of counting 13,000
    metros on every request, and it also sees a renamed metro, which a count did not."""

    token = models.BigIntegerField(default=0)

    class Meta:
        db_table = "observatory_metroversion"

    def __str__(self) -> str:
        return str(self.token)


class MetroAlias(models.Model):
    """Another name of a metro (a dataset's spelling, a member's name, a local form)."""

    metro = models.ForeignKey(Metro, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(_("name"), max_length=200)
    folded = models.CharField(max_length=200, db_index=True, editable=False)
    language = models.CharField(_("language"), max_length=8, blank=True)
    origin = models.CharField(_("where the name comes from"), max_length=80, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("metro alias")
        verbose_name_plural = _("metro aliases")
        constraints = [
            models.UniqueConstraint(fields=["metro", "folded"], name="metroalias_unique")
        ]

    def __str__(self) -> str:
        return self.name


class PlaceRelation(models.TextChoices):
    """How a member's territory relates to a metro. Only `own` makes the metro's values the
    member's; the others say where the member lies, with the figures of that wider place."""

    OWN = "own", _("Its own place")
    PART_OF = "part_of", _("Lies in")
    PART_OF_PROBABLE = "part_of_probable", _("Probably lies in")
    OVERLAP = "overlap", _("Overlaps")
    COMPONENT = "component", _("Component")
    SEAT = "seat", _("Seat (capital city)")


class MetroMember(models.Model):
    """A link between a member and a place: its own (exactly one per member) or one it lies
    in, overlaps, is made of, or has as its seat — with the source that says so."""

    metro = models.ForeignKey(Metro, on_delete=models.CASCADE, related_name="memberships")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="metro_links")
    relation = models.CharField(_("relation"), max_length=30, choices=PlaceRelation.choices)
    source = models.CharField(_("source of the link"), max_length=120, blank=True)
    note = models.CharField(_("note"), max_length=400, blank=True)

    class Meta:
        verbose_name = _("member in a metro")
        verbose_name_plural = _("members in metros")
        constraints = [
            models.UniqueConstraint(fields=["metro", "member"], name="metromember_unique")
        ]

    def __str__(self) -> str:
        return f"{self.member} @ {self.metro}"


class BatchKind(models.TextChoices):
    OPEN_DATA = "open_data", _("Open-data load")
    FILE = "file", _("File import")
    FORM = "form", _("Form entry")
    API = "api", _("API")
    REVIEW = "review", _("Review")


class ImportBatch(models.Model):
    """One write of observations: who, when, from what file, and what it changed."""

    kind = models.CharField(_("kind"), max_length=20, choices=BatchKind.choices)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    filename = models.CharField(_("file"), max_length=300, blank=True)
    sha256 = models.CharField(_("file hash (SHA-256)"), max_length=64, blank=True, db_index=True)
    file_format = models.CharField(_("format"), max_length=20, blank=True)
    status = models.CharField(_("status written"), max_length=20, choices=Status.choices)
    default_source = models.CharField(
        _("source given for rows without one"), max_length=400, blank=True
    )
    rows = models.PositiveIntegerField(_("rows read"), default=0)
    created = models.PositiveIntegerField(_("values created"), default=0)
    updated = models.PositiveIntegerField(_("values changed"), default=0)
    unchanged = models.PositiveIntegerField(_("values unchanged"), default=0)
    proposed = models.PositiveIntegerField(_("changes proposed to published values"), default=0)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_kind_display()} {self.filename}".strip()


class Observation(models.Model):
    """One value: metro × indicator × year × sex, with its source and scale.

    This is the fact table (15 million rows at scale), so its foreign keys carry no database
    constraint and only the indexes queries use: PostgreSQL checks a constrained key with one
    trigger per row, which made a 2-million-row import three times slower (docs/performance.md).
    Integrity comes from the only writer, `writing.write_observations`, which receives ids the
    resolvers read from the catalogue in the same transaction, and from Django's on_delete
    rules (CASCADE, PROTECT, SET_NULL), which it applies itself.
    """

    metro = models.ForeignKey(
        Metro,
        on_delete=models.CASCADE,
        related_name="observations",
        db_constraint=False,
        db_index=False,  # the key (metro, indicator, year, sex) starts with it
    )
    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.PROTECT,
        related_name="observations",
        db_constraint=False,
        db_index=False,  # obs_indicator_year starts with it
    )
    year = models.SmallIntegerField(_("year"))
    sex = models.CharField(_("sex"), max_length=6, choices=Sex.choices, default=Sex.TOTAL)
    value = models.FloatField(_("value"))
    scale = models.CharField(_("scale"), max_length=20, choices=Scale.choices)
    source = models.ForeignKey(
        Source,
        on_delete=models.PROTECT,
        related_name="observations",
        db_constraint=False,
        db_index=False,
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    flags = models.CharField(_("flags"), max_length=100, blank=True, default="")
    batch = models.ForeignKey(
        ImportBatch,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,  # indexed: an unchanged re-import counts a batch's values
    )
    updated_at = models.DateTimeField(_("written at"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )

    class Meta:
        ordering = ["indicator", "metro", "year", "sex"]
        verbose_name = _("observation")
        verbose_name_plural = _("observations")
        constraints = [
            models.UniqueConstraint(
                fields=["metro", "indicator", "year", "sex"], name="observation_key"
            )
        ]
        indexes = [
            models.Index(fields=["indicator", "year"], name="obs_indicator_year"),
            # Nearly every value is published: index only the few waiting for review, so that
            # exports of published values stream in key order instead of sorting.
            models.Index(
                fields=["status"],
                name="obs_unpublished",
                condition=~models.Q(status="published"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.metro} {self.indicator.code} {self.year} {self.sex}: {self.value}"


class ObservationRevision(models.Model):
    """The state of an observation before it was replaced (value, status, source...)."""

    observation = models.ForeignKey(Observation, on_delete=models.CASCADE, related_name="revisions")
    value = models.FloatField(_("value"))
    scale = models.CharField(_("scale"), max_length=20, choices=Scale.choices)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    flags = models.CharField(_("flags"), max_length=100, blank=True, default="")
    batch = models.ForeignKey(
        ImportBatch, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    written_at = models.DateTimeField(_("written at"))
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    replaced_at = models.DateTimeField(_("replaced at"))
    replaced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    replaced_by_batch = models.ForeignKey(
        ImportBatch, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-replaced_at", "-id"]
        verbose_name = _("observation revision")
        verbose_name_plural = _("observation revisions")

    def __str__(self) -> str:
        return f"{self.observation_id}: {self.value} until {self.replaced_at:%Y-%m-%d}"


class Decision(models.TextChoices):
    PENDING = "pending", _("Waiting for review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    # sent back to whoever proposed it, with the Secretariat's comment (the note of the
    # decision's review batch); proposing again for the key makes a new pending proposal
    RETURNED = "returned", pgettext_lazy("a proposed change", "Returned for correction")


class ProposedValue(models.Model):
    """A change proposed to a published value: a provisional value written for a key that
    already has a published one. The published observation stays as it is — on every public
    page, download and benchmark — until the Secretariat approves the change (the writer then
    replaces it and keeps the old state as a revision), rejects it (nothing changes) or returns
    it with a comment for its author to correct and propose again. Decided proposals stay, so
    who proposed what, and who decided what and why, remains on record.

    Written by `writing.write_observations` in the same set-based statements as observations,
    hence the foreign keys without database constraints, like `Observation`'s.
    """

    observation = models.ForeignKey(
        Observation, on_delete=models.CASCADE, related_name="proposals", db_constraint=False
    )
    value = models.FloatField(_("value"))
    scale = models.CharField(_("scale"), max_length=20, choices=Scale.choices)
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, related_name="+", db_constraint=False
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    flags = models.CharField(_("flags"), max_length=100, blank=True, default="")
    batch = models.ForeignKey(
        ImportBatch,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    proposed_at = models.DateTimeField(_("proposed at"))
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    decision = models.CharField(
        _("decision"), max_length=10, choices=Decision.choices, default=Decision.PENDING
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_batch = models.ForeignKey(
        ImportBatch, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-proposed_at", "-id"]
        verbose_name = _("proposed change")
        verbose_name_plural = _("proposed changes")
        constraints = [
            # One change waits per value: a newer proposal for the same key replaces it.
            models.UniqueConstraint(
                fields=["observation"],
                condition=models.Q(decision="pending"),
                name="proposal_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.observation_id}: {self.value} ({self.decision})"

    @property
    def difference(self) -> float:
        """Proposed minus published."""
        return self.value - self.observation.value

    def flag_list(self) -> list[str]:
        return split_flags(self.flags)


class ReferenceKind(models.TextChoices):
    GUIDELINE = "guideline", _("Guideline")
    TARGET = "target", _("Target")


class ReferenceValue(models.Model):
    """A value an indicator is read against, e.g. the WHO air-quality guideline for PM2.5 or
    an SDG target: pages show each metro's distance to it."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="references")
    code = models.SlugField(_("code"), max_length=80)
    label = models.CharField(_("label"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=ReferenceKind.choices)
    value = models.FloatField(_("value"))
    year = models.PositiveSmallIntegerField(_("year set"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=400)
    url = models.URLField(_("URL"), max_length=500, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["indicator", "order", "code"]
        verbose_name = _("reference value")
        verbose_name_plural = _("reference values")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "code"], name="reference_value_unique")
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id}: {self.label} = {self.value:g}"


def new_group_uid() -> str:
    return secrets.token_urlsafe(9)


class GroupVisibility(models.TextChoices):
    PRIVATE = "private", _("Private: only me")
    LINK = "link", _("Shared: anyone with the link")


class PeerGroup(models.Model):
    """A custom peer group a user saves: a list of metros, private or shared by link. Its
    `uid` (not the row id) names it in `peers=group:<uid>`, so a shared link can't be
    guessed from another."""

    uid = models.SlugField(_("identifier"), max_length=20, unique=True, default=new_group_uid)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="peer_groups"
    )
    visibility = models.CharField(
        _("visibility"),
        max_length=10,
        choices=GroupVisibility.choices,
        default=GroupVisibility.PRIVATE,
    )
    metros = models.ManyToManyField(Metro, verbose_name=_("metros"), related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords(m2m_fields=[metros])

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("peer group")
        verbose_name_plural = _("peer groups")

    def __str__(self) -> str:
        return self.name

    def visible_to(self, user: Any) -> bool:
        return self.visibility == GroupVisibility.LINK or (
            user is not None and user.is_authenticated and user.pk == self.owner_id
        )
