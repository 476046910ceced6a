"""Accountability, people: who took part in the plan's activities, as personal records or as
aggregated counts, and who spoke (on panels or alone). Rows made by `load_sample_accounts`
carry `illustrative=True`. plan/models.py imports these classes so that Django registers them.

An activity's participants are recorded one way: person by person, or as counts (gender ×
role category × member). The services refuse to mix the two so nobody is counted twice.
Speakers are counted apart from participants."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from metroscope.accountability.activities.models import Activity
from metroscope.accountability.tables import History, table
from metroscope.members.models import Gender, Member


class ParticipantRole(models.TextChoices):
    POLITICAL = "political", _("Political representative")
    MANAGER = "manager", _("City manager or senior manager")
    TECHNICAL = "technical", _("Technical officer")
    EXPERT = "expert", _("Expert or academic")
    CIVIL_SOCIETY = "civil_society", _("Civil society")
    PRIVATE = "private_sector", _("Private sector")
    PARTNER = "partner_organisation", _("Partner organisation")
    SECRETARIAT = "secretariat", _("Metropolis Secretariat")
    OTHER = "other", _("Other")


def gender_field() -> models.CharField:  # type: ignore[type-arg]
    return models.CharField(
        _("gender"), max_length=12, choices=Gender.choices, default=Gender.NOT_STATED
    )


def role_field() -> models.CharField:  # type: ignore[type-arg]
    return models.CharField(_("role category"), max_length=24, choices=ParticipantRole.choices)


class Participant(models.Model):
    """One person who took part in an activity (personal data: the Secretariat and the
    person's member's officers see the name)."""

    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="participants"
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    gender = gender_field()
    role_category = role_field()
    member = models.ForeignKey(
        Member,
        verbose_name=_("member"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="participants",
    )
    illustrative = models.BooleanField(_("illustrative"), default=False)
    history = History()

    class Meta:
        db_table = table("Participant")
        ordering = ["activity", "name", "pk"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")

    def __str__(self) -> str:
        return self.name or f"{self.activity_id}/{self.pk}"


class ParticipantCount(models.Model):
    """How many people of one gender and role category (and member) took part in an activity."""

    activity = models.ForeignKey(
        Activity,
        verbose_name=_("activity"),
        on_delete=models.CASCADE,
        related_name="participant_counts",
    )
    gender = gender_field()
    role_category = role_field()
    member = models.ForeignKey(
        Member,
        verbose_name=_("member"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="participant_counts",
    )
    count = models.PositiveIntegerField(_("number of people"))
    illustrative = models.BooleanField(_("illustrative"), default=False)
    history = History()

    class Meta:
        db_table = table("ParticipantCount")
        ordering = ["activity", "role_category", "gender"]
        verbose_name = _("participant count")
        verbose_name_plural = _("participant counts")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(count__gte=0), name="participantcount_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.activity_id} {self.gender} {self.role_category}: {self.count}"


class Panel(models.Model):
    """A panel of an activity; its speakers point to it."""

    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="panels"
    )
    title = models.CharField(_("title"), max_length=300)
    illustrative = models.BooleanField(_("illustrative"), default=False)
    history = History()

    class Meta:
        db_table = table("Panel")
        ordering = ["activity", "title", "pk"]
        verbose_name = _("panel")
        verbose_name_plural = _("panels")

    def __str__(self) -> str:
        return self.title


class Speaker(models.Model):
    """Someone who spoke at an activity, on one of its panels or alone (e.g. a keynote)."""

    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="speakers"
    )
    panel = models.ForeignKey(
        Panel,
        verbose_name=_("panel"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="speakers",
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    gender = gender_field()
    role_category = role_field()
    member = models.ForeignKey(
        Member,
        verbose_name=_("member"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="speakers",
    )
    illustrative = models.BooleanField(_("illustrative"), default=False)
    history = History()

    class Meta:
        db_table = table("Speaker")
        ordering = ["activity", "panel", "name", "pk"]
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")

    def __str__(self) -> str:
        return self.name or f"{self.activity_id}/{self.pk}"
