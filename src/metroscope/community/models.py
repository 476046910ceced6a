"""Experts of the network: people who opted in to be asked for help, with what they know,
the languages they speak and the regions they know. Personal data: contact details are
shown only to the Secretariat and members' officers (see access.py)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from metroscope.members.models import Contact, Region
from metroscope.plan.models import Challenge, Theme


class ExpertKind(models.TextChoices):
    STAFF = "staff", _("Secretariat staff")
    OFFICIAL = "official", _("Member official")
    PARTNER = "partner", _("Partner")


class ExpertLanguage(models.TextChoices):
    EN = "en", _("English")
    FR = "fr", _("French")
    ES = "es", _("Spanish")
    PT = "pt", _("Portuguese")
    ZH = "zh", _("Chinese")
    AR = "ar", _("Arabic")


class Expert(models.Model):
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=ExpertKind.choices)
    affiliation = models.CharField(_("affiliation"), max_length=200, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="expert",
    )
    contact = models.OneToOneField(
        Contact,
        verbose_name=_("member contact"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="expert",
    )
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    bio = models.TextField(_("what I can help with"), blank=True)
    themes = models.ManyToManyField(  # type: ignore[var-annotated]
        Theme, verbose_name=_("plan themes"), blank=True, related_name="experts"
    )
    challenges = models.ManyToManyField(  # type: ignore[var-annotated]
        Challenge, verbose_name=_("plan challenges"), blank=True, related_name="experts"
    )
    regions = models.ManyToManyField(  # type: ignore[var-annotated]
        Region, verbose_name=_("regions"), blank=True, related_name="experts"
    )
    # Free topics and language codes, each stored between commas (",water,housing,") so a
    # filter is one `contains` that works on SQLite and PostgreSQL alike.
    topics = models.CharField(_("topics"), max_length=500, blank=True)
    languages = models.CharField(_("languages"), max_length=60, blank=True)
    consent_given_at = models.DateTimeField(_("consent given"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("consent withdrawn"), null=True, blank=True)

    history = HistoricalRecords(m2m_fields=[themes, challenges, regions])

    class Meta:
        ordering = ["name"]
        verbose_name = _("expert")
        verbose_name_plural = _("experts")

    def __str__(self) -> str:
        return self.name

    @property
    def listed(self) -> bool:
        return self.consent_given_at is not None and self.withdrawn_at is None

    @property
    def topic_list(self) -> list[str]:
        return [t for t in self.topics.split(",") if t]

    @property
    def language_list(self) -> list[str]:
        return [code for code in self.languages.split(",") if code]
