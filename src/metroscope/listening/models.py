"""Listening to members: the request desk (questions and support asked of the Secretariat)
and member surveys (one answer per member)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from metroscope.members.models import Contact, Member, Region


class RequestCategory(models.TextChoices):
    QUESTION = "question", _("Question")
    SUPPORT = "support", _("Support")
    DATA = "data", _("Data and the Observatory")
    EVENTS = "events", _("Events and trainings")
    MEMBERSHIP = "membership", _("Membership")
    OTHER = "other", _("Other")


class RequestStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")


class SupportRequest(models.Model):
    """A member's question or call for support to the Secretariat."""

    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="requests"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asked by"),
        on_delete=models.PROTECT,
        related_name="support_requests",
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("question"))
    category = models.CharField(
        _("category"), max_length=20, choices=RequestCategory.choices, default="question"
    )
    language = models.CharField(
        _("language"), max_length=2, choices=settings.LANGUAGES, default="en"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=RequestStatus.choices, default="open"
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_requests",
    )
    created_at = models.DateTimeField(_("asked at"), default=timezone.now)
    first_response_at = models.DateTimeField(_("first answered at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("request")
        verbose_name_plural = _("requests")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(first_response_at__isnull=True)
                | models.Q(first_response_at__gte=models.F("created_at")),
                name="request_first_response_after_creation",
            ),
            models.CheckConstraint(
                condition=models.Q(closed_at__isnull=True)
                | models.Q(closed_at__gte=models.F("created_at")),
                name="request_closed_after_creation",
            ),
        ]

    def __str__(self) -> str:
        return self.subject


class RequestMessage(models.Model):
    """One message of a request's thread: an answer of the Secretariat or a follow-up."""

    request = models.ForeignKey(SupportRequest, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT
    )
    body = models.TextField(_("message"))
    from_secretariat = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")

    def __str__(self) -> str:
        return f"{self.request_id} · {self.created_at:%Y-%m-%d %H:%M}"


class Audience(models.TextChoices):
    MEMBER = "member", _("One answer per member (its officers answer)")
    CONTACT = "contact", _("One answer per contact (invited by e-mail)")


class Survey(models.Model):
    """A questionnaire written once and offered in English, French and Spanish; each member
    answers once through one of its officers, or each contact in the audience answers once
    through the link of their invitation."""

    title = models.CharField(_("title"), max_length=200)
    intro = models.TextField(_("introduction"), blank=True)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    audience = models.CharField(
        _("audience"), max_length=10, choices=Audience.choices, default=Audience.MEMBER
    )
    audience_regions = models.ManyToManyField(
        Region,
        verbose_name=_("regions of the audience"),
        blank=True,
        related_name="+",
        help_text=_("None chosen: every region."),
    )
    audience_roles = models.JSONField(
        _("role categories of the audience"),
        default=list,
        blank=True,
        help_text=_("Per-contact surveys only; none chosen: every role."),
    )
    audience_languages = models.JSONField(
        _("languages of the audience"),
        default=list,
        blank=True,
        help_text=_("Per-contact surveys only; none chosen: every language."),
    )
    results_published_at = models.DateTimeField(_("results published at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opens_at", "-pk"]
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="survey_closes_after_it_opens",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def is_open(self, at: object = None) -> bool:
        now = at or timezone.now()
        return bool(self.opens_at <= now < self.closes_at)  # type: ignore[operator]


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    SCALE = "scale", _("Scale")
    RANKING = "ranking", _("Ranking")
    NUMBER = "number", _("Number")
    TEXT = "text", _("Free text")


CHOICE_KINDS = (QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.RANKING)


class Question(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    kind = models.CharField(_("kind"), max_length=10, choices=QuestionKind.choices)
    text = models.CharField(_("question"), max_length=500)
    help_text = models.CharField(_("help text"), max_length=500, blank=True)
    required = models.BooleanField(_("required"), default=True)
    scale_min = models.SmallIntegerField(_("scale from"), default=1)
    scale_max = models.SmallIntegerField(_("scale to"), default=5)

    class Meta:
        ordering = ["survey", "order", "pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(scale_max__gt=models.F("scale_min")),
                name="question_scale_bounds",
            )
        ]

    def __str__(self) -> str:
        return self.text


class Option(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    label = models.CharField(_("label"), max_length=300)

    class Meta:
        ordering = ["question", "order", "pk"]
        verbose_name = _("option")
        verbose_name_plural = _("options")

    def __str__(self) -> str:
        return self.label


class SurveyResponse(models.Model):
    """A member's (or, in a per-contact survey, a contact's) one answer to a survey."""

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="responses")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="survey_responses")
    contact = models.ForeignKey(
        Contact, on_delete=models.PROTECT, null=True, blank=True, related_name="survey_responses"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True
    )
    language = models.CharField(max_length=2, choices=settings.LANGUAGES, default="en")
    submitted_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["survey", "member"]
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "member"],
                condition=models.Q(contact__isnull=True),
                name="survey_one_response_per_member",
            ),
            models.UniqueConstraint(
                fields=["survey", "contact"],
                condition=models.Q(contact__isnull=False),
                name="survey_one_response_per_contact",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.survey} · {self.contact or self.member}"


class Answer(models.Model):
    """The answer to one question: an option id, a list of option ids (in rank order for a
    ranking), a number or a text, as JSON."""

    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    value = models.JSONField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question"], name="answer_once_per_question"
            )
        ]

    def __str__(self) -> str:
        return f"{self.response_id} · {self.question_id}"


class SurveyInvitation(models.Model):
    """Someone invited to answer: a member's officer (per-member surveys) or a contact
    (per-contact surveys, who answers through the token of this invitation)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, null=True, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, related_name="+"
    )
    email = models.EmailField(_("email"))
    language = models.CharField(_("language"), max_length=2, choices=settings.LANGUAGES)
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["survey", "member", "email"]
        verbose_name = _("survey invitation")
        verbose_name_plural = _("survey invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "contact"],
                condition=models.Q(contact__isnull=False),
                name="invitation_once_per_contact",
            ),
            models.UniqueConstraint(
                fields=["survey", "member", "user"],
                condition=models.Q(user__isnull=False),
                name="invitation_once_per_officer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.survey_id} · {self.email}"


class SendingKind(models.TextChoices):
    INVITATION = "invitation", _("Invitation")
    REMINDER = "reminder", _("Reminder")


class SurveySending(models.Model):
    """The log of every e-mail sent about a survey: to whom, when, which kind, by whom
    (empty when the `survey_invite` command sent it)."""

    invitation = models.ForeignKey(
        SurveyInvitation, on_delete=models.CASCADE, related_name="sendings"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=SendingKind.choices)
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["sent_at", "pk"]
        verbose_name = _("survey e-mail")
        verbose_name_plural = _("survey e-mails")

    def __str__(self) -> str:
        return f"{self.kind} · {self.invitation.email} · {self.sent_at:%Y-%m-%d %H:%M}"


class AnswerTagging(models.Model):
    """Staff's reading of a free-text answer: the plan themes it speaks of and, when it is
    turned into one, the Exchange need recorded from it."""

    answer = models.OneToOneField(Answer, on_delete=models.CASCADE, related_name="tagging")
    themes = models.ManyToManyField(
        "plan.Theme", verbose_name=_("plan themes"), blank=True, related_name="+"
    )
    need = models.ForeignKey(
        "exchange.Need",
        verbose_name=_("need"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    tagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    tagged_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords(m2m_fields=[themes])

    class Meta:
        verbose_name = _("answer tagging")
        verbose_name_plural = _("answer taggings")

    def __str__(self) -> str:
        return f"{self.answer_id}"
