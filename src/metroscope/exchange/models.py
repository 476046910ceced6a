"""The urban solutions exchange: solutions "for and from citymakers", the collections that
publish them (USE, Cities for Global Health, the Guangzhou Award…), their files and the
steps of their review.

A solution is written in one language (`language`), with optional translations; its review
is a state machine (services.py) whose every step is a `ReviewStep` row, and every edit is
kept by django-simple-history."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from metroscope.core.attachments import FileKind
from metroscope.members.models import Member
from metroscope.observatory.models import Metro
from metroscope.plan.models import Challenge, Theme


class Language(models.TextChoices):
    EN = "en", _("English")
    FR = "fr", _("French")
    ES = "es", _("Spanish")


class SolutionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    PUBLISHED = "published", _("Published")
    REJECTED = "rejected", _("Rejected")
    ARCHIVED = "archived", _("Archived")


class Collection(models.Model):
    """A set of solutions shown as its own mini-site (e.g. Cities for Global Health)."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    website = models.URLField(_("website"), blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("collection")
        verbose_name_plural = _("collections")

    def __str__(self) -> str:
        return self.name


class Solution(models.Model):
    slug = models.SlugField(_("address"), max_length=200, unique=True)
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"))
    description = models.TextField(
        _("description"), blank=True, help_text=_("Markdown; HTML is removed when shown.")
    )
    results = models.TextField(_("results"), blank=True)
    language = models.CharField(
        _("language of the text"), max_length=2, choices=Language.choices, default=Language.EN
    )
    collection = models.ForeignKey(
        Collection,
        verbose_name=_("collection"),
        on_delete=models.PROTECT,
        related_name="solutions",
    )
    city = models.CharField(_("city"), max_length=200)
    country_iso3 = models.CharField(_("country (ISO3)"), max_length=3, db_index=True)
    metro = models.ForeignKey(
        Metro,
        verbose_name=_("metro"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="solutions",
        db_constraint=False,  # metros are rebuilt by the open-data loader
    )
    members = models.ManyToManyField(
        Member, verbose_name=_("members"), blank=True, related_name="solutions"
    )
    year_started = models.PositiveSmallIntegerField(
        _("year started"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
    )
    themes = models.ManyToManyField(  # type: ignore[var-annotated]
        Theme, verbose_name=_("plan themes"), blank=True, related_name="solutions"
    )
    challenges = models.ManyToManyField(  # type: ignore[var-annotated]
        Challenge, verbose_name=_("plan challenges"), blank=True, related_name="solutions"
    )
    sdgs = models.JSONField(_("SDGs"), default=list, blank=True)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_role = models.CharField(_("contact's role"), max_length=200, blank=True)
    source_url = models.URLField(_("source"), max_length=500, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=SolutionStatus.choices,
        default=SolutionStatus.DRAFT,
        db_index=True,
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="solutions",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, db_index=True)
    views = models.PositiveIntegerField(_("views"), default=0)
    synthetic = models.BooleanField(
        _("synthetic"), default=False, help_text=_("Made by a script for benchmarks and tests.")
    )
    history = HistoricalRecords(excluded_fields=["views"])

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("solution")
        verbose_name_plural = _("solutions")
        indexes = [models.Index(fields=["status", "collection"], name="solution_status_coll")]

    def __str__(self) -> str:
        return self.title


class TranslatedBy(models.TextChoices):
    AUTHOR = "author", _("its author or member")
    METROSCOPE = "metroscope", _("Metroscope")


class SolutionTranslation(models.Model):
    """The solution's text in another language than its own, and who translated it: where
    the source gives one language, Metroscope writes the others and says so on the page."""

    solution = models.ForeignKey(Solution, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    translated_by = models.CharField(
        _("translated by"),
        max_length=20,
        choices=TranslatedBy.choices,
        default=TranslatedBy.AUTHOR,
        help_text=_("Staff who correct a translation by Metroscope keep this mark."),
    )
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"))
    description = models.TextField(_("description"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("translation")
        verbose_name_plural = _("translations")
        constraints = [
            models.UniqueConstraint(fields=["solution", "language"], name="solution_translation")
        ]

    def __str__(self) -> str:
        return f"{self.solution_id} [{self.language}]"


# A solution's files are of the kinds core's attachment checks recognise.
AttachmentKind = FileKind


class Attachment(models.Model):
    """An image or a PDF of a solution; its type is checked by content, not by name."""

    solution = models.ForeignKey(Solution, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to="exchange/%Y/%m/")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=AttachmentKind.choices)
    content_type = models.CharField(_("content type"), max_length=60)
    size = models.PositiveIntegerField(_("size in bytes"))
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name


class ReviewAction(models.TextChoices):
    CREATE = "create", _("Created")
    SUBMIT = "submit", _("Submitted")
    REQUEST_CHANGES = "request_changes", _("Changes requested")
    PUBLISH = "publish", _("Published")
    REJECT = "reject", _("Rejected")
    ARCHIVE = "archive", _("Archived")
    IMPORT = "import", _("Imported")


class ReviewStep(models.Model):
    """One step of a solution's review: who did what, from which status to which, and why."""

    solution = models.ForeignKey(Solution, on_delete=models.CASCADE, related_name="steps")
    action = models.CharField(_("action"), max_length=20, choices=ReviewAction.choices)
    from_status = models.CharField(_("from"), max_length=20, blank=True)
    to_status = models.CharField(_("to"), max_length=20)
    comment = models.TextField(_("comment"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("review step")
        verbose_name_plural = _("review steps")

    def __str__(self) -> str:
        return f"{self.solution_id}: {self.from_status} → {self.to_status}"


def _text(name: str) -> models.TextField:
    return models.TextField(name, blank=True, default="")


class SolutionText(models.Model):
    """A published solution as the search engines read it (exchange/search.py writes it,
    core/fulltext.py queries it): its texts per field and language — title, vocabulary (the
    labels of its themes, challenges, SDGs and tags, its city and country, in that language),
    summary, body — from the original or a translation — and its facet values. PostgreSQL
    adds a generated tsvector column per language; SQLite keeps an FTS5 table per language
    beside it."""

    solution = models.OneToOneField(
        Solution, primary_key=True, on_delete=models.CASCADE, related_name="search_text"
    )
    date = models.DateTimeField(null=True, blank=True)  # published
    title = models.CharField(max_length=300)  # as written, for the title order
    # facets, counted by the database: one value each, or the bits of several (theme: the
    # theme's key, challenge: the challenge's key, SDG: its number); before the texts, so
    # that SQLite reads them without walking a row's long texts
    f_collection = models.CharField(max_length=60, blank=True, default="")
    f_region = models.CharField(max_length=60, blank=True, default="")
    f_country = models.CharField(max_length=3, blank=True, default="")
    f_year = models.CharField(max_length=4, blank=True, default="")
    f_theme = models.BigIntegerField(default=0)
    f_challenge = models.BigIntegerField(default=0)
    f_sdg = models.BigIntegerField(default=0)
    title_en = _text("title (English)")
    vocab_en = _text("vocabulary (English)")
    summary_en = _text("summary (English)")
    body_en = _text("body (English)")
    title_fr = _text("title (French)")
    vocab_fr = _text("vocabulary (French)")
    summary_fr = _text("summary (French)")
    body_fr = _text("body (French)")
    title_es = _text("title (Spanish)")
    vocab_es = _text("vocabulary (Spanish)")
    summary_es = _text("summary (Spanish)")
    body_es = _text("body (Spanish)")

    class Meta:
        indexes = [  # covers what a search reads of each match: no visit to the long rows
            models.Index(
                fields=[
                    "solution",
                    "date",
                    "f_collection",
                    "f_region",
                    "f_country",
                    "f_year",
                    "f_theme",
                    "f_challenge",
                    "f_sdg",
                ],
                name="solution_text_facets",
            )
        ]
        verbose_name = _("search text")
        verbose_name_plural = _("search texts")

    def __str__(self) -> str:
        return str(self.solution_id)


class NeedStatus(models.TextChoices):
    OPEN = "open", _("Open")
    SOLVED = "solved", _("Solved")
    CLOSED = "closed", _("Closed")


class Need(models.Model):
    """What a member wants to solve, tagged like solutions so that peers who solved it can
    be suggested; linked indicators tell which peers do better."""

    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.CASCADE, related_name="needs"
    )
    title = models.CharField(_("what the member wants to solve"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    themes = models.ManyToManyField(
        Theme, verbose_name=_("plan themes"), blank=True, related_name="needs"
    )
    challenges = models.ManyToManyField(  # type: ignore[var-annotated]
        Challenge, verbose_name=_("plan challenges"), blank=True, related_name="needs"
    )
    indicators = models.ManyToManyField(  # type: ignore[var-annotated]
        "observatory.Indicator", verbose_name=_("linked indicators"), blank=True, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=NeedStatus.choices, default=NeedStatus.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords(m2m_fields=[themes, challenges, indicators])

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("need")
        verbose_name_plural = _("needs")

    def __str__(self) -> str:
        return self.title


class IntroductionRequest(models.Model):
    """A member asks to be introduced to another about a solution; the request reaches the
    Secretariat and the other member's officers, and stays on record."""

    need = models.ForeignKey(
        Need, on_delete=models.SET_NULL, null=True, blank=True, related_name="introductions"
    )
    solution = models.ForeignKey(
        Solution, on_delete=models.SET_NULL, null=True, blank=True, related_name="introductions"
    )
    from_member = models.ForeignKey(
        Member, verbose_name=_("from"), on_delete=models.CASCADE, related_name="+"
    )
    to_member = models.ForeignKey(
        Member, verbose_name=_("to"), on_delete=models.CASCADE, related_name="+"
    )
    message = models.TextField(_("message"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("introduction request")
        verbose_name_plural = _("introduction requests")

    def __str__(self) -> str:
        return f"{self.from_member_id} → {self.to_member_id}"
