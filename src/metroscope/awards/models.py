"""The Guangzhou International Award for Urban Innovation: editions and their call, the real
results of past editions (facts with their source), submissions, the jury with its conflicts
of interest, the weighted rubric and the jurors' scores."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from metroscope.exchange.models import Solution
from metroscope.members.models import Member

SCORE_MIN, SCORE_MAX = 0, 10


class EditionStatus(models.TextChoices):
    DRAFT = "draft", _("In preparation")
    OPEN = "open", _("Call open")
    JUDGING = "judging", _("Jury at work")
    PUBLISHED = "published", _("Winners published")


class Edition(models.Model):
    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    opens_on = models.DateField(_("call opens on"), null=True, blank=True)
    closes_on = models.DateField(_("call closes on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=EditionStatus.choices, default="draft"
    )
    submissions_total = models.PositiveIntegerField(
        _("initiatives submitted (as the source states)"), null=True, blank=True
    )
    historical = models.BooleanField(_("loaded from the open data"), default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year"]
        verbose_name = _("edition")
        verbose_name_plural = _("editions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_on__isnull=True)
                | models.Q(opens_on__isnull=True)
                | models.Q(closes_on__gte=models.F("opens_on")),
                name="award_call_closes_after_it_opens",
            )
        ]

    def __str__(self) -> str:
        return str(self.year)


class ResultKind(models.TextChoices):
    WINNER = "winner", _("Winner")
    SHORTLISTED = "shortlisted", _("Shortlisted")
    SUBMISSION = "submission", _("Submission")


class PastResult(models.Model):
    """A published result of a real edition, as its source states it (data/awards/)."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="past_results")
    city = models.CharField(_("city"), max_length=200)
    country_iso3 = models.CharField(_("country (ISO3)"), max_length=3)
    initiative = models.CharField(_("initiative"), max_length=500, blank=True)
    result = models.CharField(_("result"), max_length=12, choices=ResultKind.choices)
    source_url = models.URLField(_("source"), max_length=500)
    member = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    solution = models.ForeignKey(
        Solution, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["edition", "result", "city"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "city", "country_iso3"], name="award_one_result_per_city"
            )
        ]

    def __str__(self) -> str:
        return f"{self.edition} {self.city}"


class Submission(models.Model):
    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="submissions")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("initiative"), max_length=300)
    description = models.TextField(_("description"))
    impact = models.TextField(_("impact"))
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    shortlisted = models.BooleanField(_("shortlisted"), default=False)
    winner = models.BooleanField(_("winner"), default=False)
    solution = models.ForeignKey(
        Solution, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["edition", "pk"]
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "member"], name="award_one_submission_per_city"
            )
        ]

    def __str__(self) -> str:
        return self.title


class Document(models.Model):
    """An image or PDF of a submission, checked by content like every attachment."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(_("file"), upload_to="awards/%Y/")
    name = models.CharField(_("name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=60)
    size = models.PositiveIntegerField(_("size in bytes"))
    history = HistoricalRecords()

    def __str__(self) -> str:
        return self.name


class Criterion(models.Model):
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("criterion"), max_length=200)
    weight = models.PositiveSmallIntegerField(_("weight (%)"))
    order = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["edition", "order", "pk"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")

    def __str__(self) -> str:
        return self.name


class Juror(models.Model):
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="jurors")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["edition", "user"], name="award_one_seat_per_juror")
        ]

    def __str__(self) -> str:
        return f"{self.edition} {self.user}"


class Conflict(models.Model):
    """A juror's declared conflict of interest: they do not score that submission."""

    juror = models.ForeignKey(Juror, on_delete=models.CASCADE, related_name="conflicts")
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("reason"), max_length=500)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["juror", "submission"], name="award_one_conflict")
        ]

    def __str__(self) -> str:
        return f"{self.juror} / {self.submission}"


class Score(models.Model):
    juror = models.ForeignKey(Juror, on_delete=models.CASCADE, related_name="scores")
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="+")
    value = models.PositiveSmallIntegerField(_("score"))
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["juror", "submission", "criterion"], name="award_one_score"
            ),
            models.CheckConstraint(
                condition=models.Q(value__gte=SCORE_MIN, value__lte=SCORE_MAX),
                name="award_score_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.juror} / {self.submission}: {self.value}"
