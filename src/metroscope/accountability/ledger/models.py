"""The money of the plan's activities: budget lines, expenses, funding sources and membership
fees. Rows made by `load_sample_accounts` carry `illustrative=True`: they are not Metropolis's
accounts, and every page that shows them says so."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Length, Trim
from django.db.models.lookups import GreaterThan
from django.utils.translation import gettext_lazy as _

from metroscope.accountability.activities.models import Activity
from metroscope.accountability.tables import History, table
from metroscope.members.models import Member


class SpendCategory(models.TextChoices):
    STAFF = "staff", _("Staff")
    TRAVEL = "travel", _("Travel")
    VENUE = "venue", _("Venues and events")
    CONSULTANCY = "consultancy", _("Consultancy and research")
    COMMUNICATION = "communication", _("Communication and publications")
    OTHER = "other", _("Other")


class BudgetLine(models.Model):
    """What the work plan sets aside for an activity in one year and category (EUR)."""

    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="budget_lines"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    category = models.CharField(_("category"), max_length=20, choices=SpendCategory.choices)
    amount_eur = models.DecimalField(_("amount (EUR)"), max_digits=14, decimal_places=2)
    illustrative = models.BooleanField(_("illustrative"), default=False)
    history = History()

    class Meta:
        db_table = table("BudgetLine")
        ordering = ["year", "activity", "category"]
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "year", "category"], name="budgetline_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(amount_eur__gte=0), name="budgetline_amount_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.activity_id} {self.year} {self.category}: {self.amount_eur} EUR"


class RateOrigin(models.TextChoices):
    """Where an expense's rate to EUR comes from."""

    EUR = "eur", _("Paid in EUR")
    ECB = "ecb", _("European Central Bank reference rate")
    RECORDED = "recorded", _("Recorded by staff")
    # Rows written before the rate's origin was kept (or typed in the back office without it).
    UNKNOWN = "unknown", _("Origin not recorded")


def _not_blank(name: str) -> GreaterThan:
    return GreaterThan(Length(Trim(name)), 0)


class Expense(models.Model):
    """A spending of an activity, in the currency paid, with the rate to EUR it used and where
    that rate comes from. A negative amount (a refund, credit note, correction or reversal)
    carries its reason and nets against the activity's spending."""

    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="expenses"
    )
    date = models.DateField(_("date"))
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, help_text=_("ISO 4217, e.g. EUR"))
    rate_to_eur = models.DecimalField(
        _("rate to EUR"),
        max_digits=16,
        decimal_places=8,
        help_text=_("EUR for one unit of the currency on the date, as recorded."),
    )
    rate_origin = models.CharField(
        _("origin of the rate"),
        max_length=10,
        choices=RateOrigin.choices,
        default=RateOrigin.UNKNOWN,
    )
    rate_date = models.DateField(
        _("date of the rate"),
        null=True,
        blank=True,
        help_text=_("The day the rate was published for (the ECB's can be a few days before)."),
    )
    rate_source = models.CharField(
        _("source of the rate"),
        max_length=300,
        blank=True,
        help_text=_("Who published the rate, e.g. a central bank or the bank statement."),
    )
    amount_eur = models.DecimalField(
        _("amount (EUR)"), max_digits=14, decimal_places=2, editable=False
    )
    category = models.CharField(_("category"), max_length=20, choices=SpendCategory.choices)
    supplier = models.CharField(_("supplier"), max_length=200, blank=True)
    document_reference = models.CharField(_("document reference"), max_length=100, blank=True)
    reason = models.CharField(
        _("reason"),
        max_length=300,
        blank=True,
        help_text=_(
            "Why the amount is negative (a refund, credit note, correction or reversal); "
            "required then."
        ),
    )
    illustrative = models.BooleanField(_("illustrative"), default=False)
    history = History()

    class Meta:
        db_table = table("Expense")
        ordering = ["date", "pk"]
        # the expense lines page by date; an activity's lines; the (rare) illustrative rows
        indexes = [
            models.Index(fields=["date", "id"], name="expense_date_id"),
            models.Index(fields=["activity", "date", "id"], name="expense_activity_date"),
            models.Index(
                fields=["id"], condition=models.Q(illustrative=True), name="expense_illustrative"
            ),
        ]
        verbose_name = _("expense")
        verbose_name_plural = _("expenses")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rate_to_eur__gt=0), name="expense_rate_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0) | models.Q(_not_blank("reason")),
                name="expense_negative_has_reason",
            ),
            models.CheckConstraint(
                condition=~models.Q(rate_origin=RateOrigin.RECORDED)
                | models.Q(_not_blank("rate_source")),
                name="expense_recorded_rate_has_source",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.amount} {self.currency}"

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if len(self.currency) != 3 or not self.currency.isupper():
            errors["currency"] = _("A currency is three capital letters (ISO 4217).")
        elif self.currency == "EUR" and self.rate_to_eur != 1:
            errors["rate_to_eur"] = _("An expense in EUR has the rate 1.")
        if self.amount is not None and self.amount < 0 and not self.reason.strip():
            errors["reason"] = _(
                "A negative amount (a refund, credit note, correction or reversal) needs its "
                "reason."
            )
        if self.rate_origin == RateOrigin.RECORDED and not self.rate_source.strip():
            errors["rate_source"] = _("A rate recorded by staff says where it comes from.")
        if errors:
            raise ValidationError(errors)


class FundingKind(models.TextChoices):
    FEES = "membership_fees", _("Membership fees")
    PARTNER = "partner", _("Partner contribution")
    HOST_CITY = "host_city", _("Host-city contribution")
    IN_KIND = "in_kind", _("In-kind contribution")


class FundingSource(models.Model):
    """Money (or its value, in kind) the association receives in a year, by kind of source."""

    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("kind"), max_length=20, choices=FundingKind.choices)
    partner_name = models.CharField(_("partner"), max_length=200, blank=True)
    amount_eur = models.DecimalField(_("amount (EUR)"), max_digits=14, decimal_places=2)
    note = models.CharField(_("note"), max_length=300, blank=True)
    illustrative = models.BooleanField(_("illustrative"), default=False)
    history = History()

    class Meta:
        db_table = table("FundingSource")
        ordering = ["year", "kind", "partner_name"]
        verbose_name = _("funding source")
        verbose_name_plural = _("funding sources")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="partner") | ~models.Q(partner_name=""),
                name="funding_partner_named",
            ),
            models.CheckConstraint(
                condition=models.Q(amount_eur__gte=0), name="funding_amount_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.kind} {self.partner_name}".strip()

    def clean(self) -> None:
        if self.kind == FundingKind.PARTNER and not self.partner_name:
            raise ValidationError({"partner_name": _("A partner contribution names the partner.")})


class MembershipFee(models.Model):
    """A member's fee for a year: what is due, what is paid and when."""

    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.CASCADE, related_name="fees"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    due_eur = models.DecimalField(_("due (EUR)"), max_digits=14, decimal_places=2)
    paid_eur = models.DecimalField(_("paid (EUR)"), max_digits=14, decimal_places=2, default=0)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    illustrative = models.BooleanField(_("illustrative"), default=False)
    history = History()

    class Meta:
        db_table = table("MembershipFee")
        ordering = ["year", "member__name"]
        verbose_name = _("membership fee")
        verbose_name_plural = _("membership fees")
        constraints = [
            models.UniqueConstraint(fields=["member", "year"], name="fee_unique_year"),
            models.CheckConstraint(
                condition=models.Q(paid_eur=0) | models.Q(paid_on__isnull=False),
                name="fee_paid_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.year}"
