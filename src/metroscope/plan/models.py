"""The Strategic Action Plan as data: the framework every other app tags its records with.

Floors 2 and 3 (observatory, exchange) import only this module of the plan app; the
accountability models (work plans, activities, budgets) live in their own modules.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class StrategicPlan(models.Model):
    code = models.SlugField(max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=200)
    organisation = models.CharField(_("organisation"), max_length=200)
    start_year = models.PositiveSmallIntegerField(_("first year"))
    end_year = models.PositiveSmallIntegerField(_("last year"))
    vision = models.TextField(_("vision"))
    mission = models.TextField(_("mission"))
    evaluation = models.TextField(_("evaluation"), blank=True)

    class Meta:
        ordering = ["-start_year"]
        verbose_name = _("strategic plan")
        verbose_name_plural = _("strategic plans")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_year__gte=models.F("start_year")),
                name="plan_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title


class PlanItem(models.Model):
    """A coded, named element of a plan, ordered as the plan lists it."""

    plan = models.ForeignKey(StrategicPlan, on_delete=models.CASCADE, related_name="+")
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=300)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="%(class)s_unique_code"),
        ]

    def __str__(self) -> str:
        return self.name


class Theme(PlanItem):
    """An orienting theme (sustainability, social cohesion, ...)."""

    class Meta(PlanItem.Meta):
        verbose_name = _("orienting theme")
        verbose_name_plural = _("orienting themes")


class Challenge(PlanItem):
    class Meta(PlanItem.Meta):
        verbose_name = _("challenge")
        verbose_name_plural = _("challenges")


class ChallengeTopic(models.Model):
    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="topics")
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=300)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["challenge__order", "order"]
        verbose_name = _("challenge topic")
        verbose_name_plural = _("challenge topics")
        constraints = [
            models.UniqueConstraint(fields=["challenge", "code"], name="challengetopic_unique_code")
        ]

    def __str__(self) -> str:
        return self.name


class CrossCuttingFactor(PlanItem):
    class Meta(PlanItem.Meta):
        verbose_name = _("cross-cutting factor")
        verbose_name_plural = _("cross-cutting factors")


class OutcomeKind(PlanItem):
    class Meta(PlanItem.Meta):
        verbose_name = _("outcome kind")
        verbose_name_plural = _("outcome kinds")


class ActionLine(PlanItem):
    class Meta(PlanItem.Meta):
        verbose_name = _("action line")
        verbose_name_plural = _("action lines")


class KeyIdea(models.Model):
    line = models.ForeignKey(ActionLine, on_delete=models.CASCADE, related_name="key_ideas")
    text = models.CharField(_("text"), max_length=300)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["line__order", "order"]
        verbose_name = _("key idea")
        verbose_name_plural = _("key ideas")
        constraints = [models.UniqueConstraint(fields=["line", "order"], name="keyidea_unique")]

    def __str__(self) -> str:
        return self.text


class Axis(models.Model):
    line = models.ForeignKey(ActionLine, on_delete=models.CASCADE, related_name="axes")
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=300)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["line__order", "order"]
        verbose_name = _("axis")
        verbose_name_plural = _("axes")
        constraints = [models.UniqueConstraint(fields=["line", "code"], name="axis_unique_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Outcome(models.Model):
    axis = models.ForeignKey(Axis, on_delete=models.CASCADE, related_name="outcomes")
    code = models.CharField(_("code"), max_length=20)
    text = models.CharField(_("text"), max_length=300)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["axis__line__order", "axis__order", "order"]
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")
        constraints = [models.UniqueConstraint(fields=["axis", "code"], name="outcome_unique_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.text}"


class Program(PlanItem):
    """An instrument of the association named in the plan (Observatory, USE, MITI, ...)."""

    does = models.TextField(_("what it does"), blank=True)

    class Meta(PlanItem.Meta):
        verbose_name = _("program")
        verbose_name_plural = _("programs")


class Milestone(models.Model):
    plan = models.ForeignKey(StrategicPlan, on_delete=models.CASCADE, related_name="milestones")
    year = models.PositiveSmallIntegerField(_("year"))
    event = models.TextField(_("event"))
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["year", "order"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        constraints = [
            models.UniqueConstraint(fields=["plan", "year", "order"], name="milestone_unique")
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.event}"


class HeadlineFigure(models.Model):
    """A figure the plan states about the network (e.g. people reached), quoted with its source."""

    plan = models.ForeignKey(StrategicPlan, on_delete=models.CASCADE, related_name="figures")
    key = models.SlugField(max_length=60)
    value = models.FloatField(_("value"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("headline figure")
        verbose_name_plural = _("headline figures")
        constraints = [models.UniqueConstraint(fields=["plan", "key"], name="figure_unique_key")]

    def __str__(self) -> str:
        return f"{self.key} = {self.value:g}"


class HeadlineAverage(models.Model):
    """A row of the plan's "Metropolitan metrics" table: an average the plan states, quoted."""

    plan = models.ForeignKey(StrategicPlan, on_delete=models.CASCADE, related_name="averages")
    order = models.PositiveSmallIntegerField(default=0)
    indicator = models.CharField(_("indicator"), max_length=200)
    value = models.FloatField(_("value"))
    unit = models.CharField(_("unit"), max_length=60)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["order"]
        verbose_name = _("headline average")
        verbose_name_plural = _("headline averages")
        constraints = [
            models.UniqueConstraint(fields=["plan", "order"], name="headline_average_unique")
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value:g} {self.unit}"
