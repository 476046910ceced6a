"""Accountability, risks and integrity: the risk register (likelihood and impact on 1–5
scales, linked to activities and plan outcomes) and policy documents with their versions and
who acknowledged each version. plan/models.py imports these classes so that Django registers
them. Risks made by `load_sample_accounts` carry `illustrative=True`."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from metroscope.accountability.activities.models import Activity
from metroscope.accountability.tables import History, table
from metroscope.plan.models import Outcome

SCALE = range(1, 6)  # likelihood and impact are scored 1 (lowest) to 5 (highest)


class RiskCategory(models.TextChoices):
    STRATEGIC = "strategic", _("Strategic")
    FINANCIAL = "financial", _("Financial")
    OPERATIONAL = "operational", _("Operational")
    COMPLIANCE = "compliance", _("Compliance and integrity")
    REPUTATIONAL = "reputational", _("Reputational")
    PEOPLE = "people", _("People and safety")
    DATA = "data", _("Data and information security")


class RiskStatus(models.TextChoices):
    OPEN = "open", _("Open")
    MITIGATING = "mitigating", _("Being mitigated")
    ACCEPTED = "accepted", _("Accepted")
    CLOSED = "closed", _("Closed")


class Risk(models.Model):
    """A risk to the plan: how likely, how grave, who owns it and what is done about it."""

    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    category = models.CharField(_("category"), max_length=20, choices=RiskCategory.choices)
    likelihood = models.PositiveSmallIntegerField(
        _("likelihood (1–5)"), help_text=_("1 rare, 5 almost certain")
    )
    impact = models.PositiveSmallIntegerField(
        _("impact (1–5)"), help_text=_("1 negligible, 5 severe")
    )
    owner = models.CharField(_("owner"), max_length=200)
    mitigation = models.TextField(_("mitigation"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=RiskStatus.choices, default=RiskStatus.OPEN
    )
    review_on = models.DateField(_("next review"), null=True, blank=True)
    activities = models.ManyToManyField(  # type: ignore[var-annotated]
        Activity, verbose_name=_("activities"), blank=True, related_name="risks"
    )
    outcomes = models.ManyToManyField(  # type: ignore[var-annotated]
        Outcome, verbose_name=_("plan outcomes"), blank=True, related_name="risks"
    )
    illustrative = models.BooleanField(_("illustrative"), default=False)
    history = History(m2m_fields=[activities, outcomes])

    class Meta:
        db_table = table("Risk")
        ordering = ["-likelihood", "-impact", "title"]
        verbose_name = _("risk")
        verbose_name_plural = _("risks")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(likelihood__gte=1, likelihood__lte=5),
                name="risk_likelihood_1_to_5",
            ),
            models.CheckConstraint(
                condition=models.Q(impact__gte=1, impact__lte=5), name="risk_impact_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def score(self) -> int:
        return self.likelihood * self.impact


class PolicyKind(models.TextChoices):
    ETHICS = "code_of_ethics", _("Code of ethics")
    COMPLIANCE = "compliance", _("Compliance policy")
    OTHER = "other", _("Other policy")


class PolicyDocument(models.Model):
    """A policy the Secretariat and the Board live by (e.g. the code of ethics)."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=PolicyKind.choices)
    history = History()

    class Meta:
        db_table = table("PolicyDocument")
        ordering = ["title"]
        verbose_name = _("policy document")
        verbose_name_plural = _("policy documents")

    def __str__(self) -> str:
        return self.title


class PolicyVersion(models.Model):
    """One version of a policy; the newest in force is the one people acknowledge."""

    document = models.ForeignKey(
        PolicyDocument,
        verbose_name=_("policy"),
        on_delete=models.CASCADE,
        related_name="versions",
    )
    version = models.CharField(_("version"), max_length=20)
    effective_on = models.DateField(_("in force from"))
    summary = models.TextField(_("what changed"), blank=True)
    url = models.URLField(_("document"), max_length=500, blank=True)
    history = History()

    class Meta:
        db_table = table("PolicyVersion")
        ordering = ["document", "-effective_on", "-pk"]
        verbose_name = _("policy version")
        verbose_name_plural = _("policy versions")
        constraints = [
            models.UniqueConstraint(fields=["document", "version"], name="policyversion_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.document} {self.version}"


class PolicyAcknowledgement(models.Model):
    """A user has read and accepted one version of a policy, on a date."""

    version = models.ForeignKey(
        PolicyVersion,
        verbose_name=_("version"),
        on_delete=models.CASCADE,
        related_name="acknowledgements",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="policy_acknowledgements",
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"))
    history = History()

    class Meta:
        db_table = table("PolicyAcknowledgement")
        ordering = ["version", "acknowledged_at"]
        verbose_name = _("policy acknowledgement")
        verbose_name_plural = _("policy acknowledgements")
        constraints = [
            models.UniqueConstraint(fields=["version", "user"], name="policyack_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.version}"
