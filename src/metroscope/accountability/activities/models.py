"""Accountability (floor 4): annual work plans, their activities and results against targets.

Kept apart from the framework (plan/models.py) so that floors 2 and 3 read only the taxonomy;
plan/models.py imports these classes at its end so that Django registers them in the app.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from metroscope.accountability.tables import History, table
from metroscope.members.models import Member
from metroscope.plan.models import (
    Axis,
    Challenge,
    CrossCuttingFactor,
    Outcome,
    OutcomeKind,
    Program,
    Theme,
)

SDG_TARGET = re.compile(r"^(1[0-7]|[1-9])\.([0-9]{1,2}|[a-z])$")


class WorkPlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved by the Board")
    CLOSED = "closed", _("Closed")


class WorkPlan(models.Model):
    """The work plan of one year: drafted by the Secretariat, approved by the Board on a date,
    closed when the year's report is made."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    status = models.CharField(
        _("status"), max_length=10, choices=WorkPlanStatus.choices, default=WorkPlanStatus.DRAFT
    )
    approved_on = models.DateField(_("approved by the Board on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    history = History()

    class Meta:
        db_table = table("WorkPlan")
        ordering = ["-year"]
        verbose_name = _("work plan")
        verbose_name_plural = _("work plans")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(approved_on__isnull=False),
                name="workplan_approved_has_date",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Work plan %(year)s") % {"year": self.year})

    def clean(self) -> None:
        if self.status != WorkPlanStatus.DRAFT and self.approved_on is None:
            raise ValidationError(
                {"approved_on": _("An approved or closed work plan needs the Board's date.")}
            )
        if self.approved_on is not None and self.approved_on.year > self.year:
            raise ValidationError(
                {"approved_on": _("The Board approves a work plan before its year ends.")}
            )


class ActivityType(models.TextChoices):
    POLICY_DEBATE = "policy_debate", _("Policy debate")
    STATEMENT = "statement", _("Statement or declaration")
    RECOMMENDATION = "policy_recommendation", _("Policy recommendation")
    TRAINING = "training", _("Training")
    PILOT = "pilot_project", _("Pilot project")
    PUBLICATION = "publication", _("Research or publication")
    EVENT = "event", _("Event")
    PLATFORM = "platform", _("Platform or tool")
    PARTNERSHIP = "partnership", _("Partnership")
    INTERNAL_POLICY = "internal_policy", _("Internal policy")
    STATUTORY = "statutory_meeting", _("Statutory meeting (Board, General Assembly)")


class ActivityStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ONGOING = "ongoing", _("Ongoing")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class GenderMarker(models.IntegerChoices):
    """OECD DAC gender equality policy marker."""

    NOT_TARGETED = 0, _("0 — not targeted")
    SIGNIFICANT = 1, _("1 — significant objective")
    PRINCIPAL = 2, _("2 — principal objective")


class Mode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    HYBRID = "hybrid", _("Hybrid")


class DatePrecision(models.TextChoices):
    DAY = "day", _("day")
    MONTH = "month", _("month")
    YEAR = "year", _("year")


class Activity(models.Model):
    """Something the association does under a work plan, tagged with the plan's framework."""

    work_plan = models.ForeignKey(
        WorkPlan, verbose_name=_("work plan"), on_delete=models.PROTECT, related_name="activities"
    )
    code = models.SlugField(_("code"), max_length=120, unique=True)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    type = models.CharField(_("type"), max_length=30, choices=ActivityType.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=ActivityStatus.choices, default=ActivityStatus.PLANNED
    )
    outcomes = models.ManyToManyField(  # type: ignore[var-annotated]
        Outcome, verbose_name=_("plan outcomes"), blank=True, related_name="activities"
    )
    axis = models.ForeignKey(
        Axis,
        verbose_name=_("plan axis"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
        help_text=_("The axis the activity serves when its outcome is not recorded."),
    )
    axis_is_editorial = models.BooleanField(
        _("axis classified by Metroscope"),
        default=False,
        help_text=_("Set when the axis is an editorial classification, not the source's."),
    )
    outcome_kind = models.ForeignKey(
        OutcomeKind,
        verbose_name=_("outcome kind"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
    )
    themes = models.ManyToManyField(  # type: ignore[var-annotated]
        Theme, verbose_name=_("orienting themes"), blank=True, related_name="activities"
    )
    challenges = models.ManyToManyField(  # type: ignore[var-annotated]
        Challenge, verbose_name=_("challenges"), blank=True, related_name="activities"
    )
    factors = models.ManyToManyField(  # type: ignore[var-annotated]
        CrossCuttingFactor,
        verbose_name=_("cross-cutting factors"),
        blank=True,
        related_name="activities",
    )
    sdg_targets = models.JSONField(
        _("SDG targets"), default=list, blank=True, help_text=_('e.g. ["11.3", "5.5"]')
    )
    program = models.ForeignKey(
        Program,
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
    )
    program_is_editorial = models.BooleanField(
        _("programme classified by Metroscope"), default=False
    )
    gender_marker = models.PositiveSmallIntegerField(
        _("gender marker"),
        choices=GenderMarker.choices,
        null=True,
        blank=True,
        help_text=_("OECD DAC gender equality marker; empty when not yet screened."),
    )
    members = models.ManyToManyField(  # type: ignore[var-annotated]
        Member, verbose_name=_("members involved"), blank=True, related_name="activities"
    )
    partners = models.JSONField(_("partners"), default=list, blank=True)
    mode = models.CharField(_("held"), max_length=10, choices=Mode.choices, blank=True)
    host_city = models.CharField(_("host city"), max_length=120, blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    date_precision = models.CharField(
        _("date known to the"),
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
    )
    responsible_staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible staff"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    figures = models.TextField(_("figures reported by the source"), blank=True)
    source_url = models.URLField(_("source"), max_length=500, blank=True)
    # Made up (benchmark or sample data), not one of Metropolis's activities: every page that
    # shows activities carries the "illustrative figures" label while such rows exist.
    illustrative = models.BooleanField(_("illustrative"), default=False)
    history = History(m2m_fields=[outcomes, themes, challenges, factors, members])

    class Meta:
        db_table = table("Activity")
        ordering = ["start_date", "title"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="activity_end_after_start",
            ),
        ]
        indexes = [models.Index(fields=["type", "status"], name="activity_type_status")]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end date is before the start date.")})
        targets = self.sdg_targets
        if not isinstance(targets, list) or any(
            not isinstance(t, str) or not SDG_TARGET.match(t) for t in targets
        ):
            raise ValidationError(
                {"sdg_targets": _('SDG targets are a list like ["11.3", "5.c"].')}
            )
        if not isinstance(self.partners, list) or any(
            not isinstance(p, str) for p in self.partners
        ):
            raise ValidationError({"partners": _("Partners are a list of names.")})


class Measure(models.TextChoices):
    """IATI IndicatorMeasure codes."""

    UNIT = "1", _("Unit")
    PERCENTAGE = "2", _("Percentage")
    NOMINAL = "3", _("Nominal")
    ORDINAL = "4", _("Ordinal")
    QUALITATIVE = "5", _("Qualitative")


class ResultIndicator(models.Model):
    """A result indicator on a plan outcome or on an activity (IATI's results model)."""

    outcome = models.ForeignKey(
        Outcome,
        verbose_name=_("outcome"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="indicators",
    )
    activity = models.ForeignKey(
        Activity,
        verbose_name=_("activity"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="indicators",
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    measure = models.CharField(_("measure"), max_length=1, choices=Measure.choices)
    ascending = models.BooleanField(
        _("ascending"), default=True, help_text=_("Higher values are better.")
    )
    history = History()

    class Meta:
        db_table = table("ResultIndicator")
        ordering = ["pk"]
        verbose_name = _("result indicator")
        verbose_name_plural = _("result indicators")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(outcome__isnull=True, activity__isnull=False)
                | models.Q(outcome__isnull=False, activity__isnull=True),
                name="indicator_on_outcome_or_activity",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if (self.outcome_id is None) == (self.activity_id is None):
            raise ValidationError(_("A result indicator belongs to one outcome or one activity."))


class ResultPeriod(models.Model):
    """Baseline, target and actual of an indicator for one calendar year."""

    indicator = models.ForeignKey(ResultIndicator, on_delete=models.CASCADE, related_name="periods")
    year = models.PositiveSmallIntegerField(_("year"))
    baseline = models.FloatField(_("baseline"), null=True, blank=True)
    target = models.FloatField(_("target"))
    actual = models.FloatField(_("actual"), null=True, blank=True)
    history = History()

    class Meta:
        db_table = table("ResultPeriod")
        ordering = ["indicator", "year"]
        verbose_name = _("result period")
        verbose_name_plural = _("result periods")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year"], name="resultperiod_unique_year")
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.year}"
