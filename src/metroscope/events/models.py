"""Events and learning (floor 5): an event is an activity of the plan, extended one-to-one
with what registration needs (capacity, languages), its sessions, speakers, registrations,
attendance and feedback.

The app was called programs: its tables keep that name (db_table, the historical tables'
table_name) so that a database upgrades in place without copying a row."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from metroscope.accountability.activities.models import Activity, ActivityType
from metroscope.members.models import Contact, Gender, Member, RoleCategory

# The kinds of activity the events calendar lists (the association's congresses, days,
# trainings, policy debates and statutory meetings); staff may open registrations for any.
EVENT_TYPES = (
    ActivityType.EVENT,
    ActivityType.TRAINING,
    ActivityType.POLICY_DEBATE,
    ActivityType.STATUTORY,
)
LANGUAGE_CODES = tuple(code for code, _name in settings.LANGUAGES)


class Event(models.Model):
    """An activity of the calendar, and what it needs to take registrations. Title, dates,
    type, mode and host city stay on the activity. A real event loaded from the open data has
    no capacity (its sources state none) and takes no registrations until staff give it one
    and open them."""

    activity = models.OneToOneField(
        Activity,
        verbose_name=_("activity"),
        on_delete=models.PROTECT,
        related_name="event",
        limit_choices_to={"type__in": EVENT_TYPES},
    )
    capacity = models.PositiveIntegerField(
        _("capacity"),
        validators=[MinValueValidator(1)],
        null=True,
        blank=True,
        help_text=_("Confirmed places; empty when the event takes no registrations."),
    )
    languages = models.CharField(
        _("languages"),
        max_length=20,
        blank=True,
        help_text=_("Codes of the languages offered, e.g. en,es; empty: English, French, Spanish."),
    )
    registration_open = models.BooleanField(_("registration open"), default=True)
    history = HistoricalRecords(table_name="programs_historicalevent")

    class Meta:
        db_table = "programs_event"
        ordering = ["activity__start_date", "activity__title"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(capacity__isnull=True) | models.Q(capacity__gte=1),
                name="event_capacity_min",
            ),
            models.CheckConstraint(
                condition=models.Q(registration_open=False) | models.Q(capacity__isnull=False),
                name="event_open_has_capacity",
            ),
        ]

    def __str__(self) -> str:
        return self.activity.title

    @property
    def title(self) -> str:
        return self.activity.title

    @property
    def takes_registrations(self) -> bool:
        return bool(self.registration_open and self.capacity is not None)

    @property
    def is_training(self) -> bool:
        return bool(self.activity.type == ActivityType.TRAINING)

    def offered_languages(self) -> list[str]:
        codes = [c.strip() for c in self.languages.split(",") if c.strip()]
        return [c for c in LANGUAGE_CODES if c in codes] or list(LANGUAGE_CODES)

    def clean(self) -> None:
        if self.activity_id and self.activity.type not in EVENT_TYPES:
            raise ValidationError(
                {
                    "activity": _(
                        "Only events, trainings, policy debates and statutory meetings are "
                        "in the calendar."
                    )
                }
            )
        if self.registration_open and self.capacity is None:
            raise ValidationError({"capacity": _("Give a capacity to open registrations.")})
        codes = [c.strip() for c in self.languages.split(",") if c.strip()]
        if any(c not in LANGUAGE_CODES for c in codes):
            raise ValidationError({"languages": _("Languages are codes like en,fr,es.")})
        self.languages = ",".join(c for c in LANGUAGE_CODES if c in codes)


class Session(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(_("title"), max_length=300)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    room = models.CharField(_("room"), max_length=200, blank=True)
    online_url = models.URLField(_("online link"), max_length=500, blank=True)
    language = models.CharField(
        _("language"), max_length=2, choices=settings.LANGUAGES, default="en"
    )

    class Meta:
        db_table = "programs_session"
        ordering = ["starts_at", "pk"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="session_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("A session ends after it starts.")})


class Speaker(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="speakers")
    session = models.ForeignKey(
        Session,
        verbose_name=_("session"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="speakers",
    )
    name = models.CharField(_("name"), max_length=200)
    gender = models.CharField(
        _("gender"), max_length=12, choices=Gender.choices, default=Gender.NOT_STATED
    )
    affiliation = models.CharField(_("affiliation"), max_length=300, blank=True)
    role_category = models.CharField(
        _("role category"), max_length=20, choices=RoleCategory.choices, blank=True
    )
    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.PROTECT, null=True, blank=True
    )
    history = HistoricalRecords(table_name="programs_historicalspeaker")

    class Meta:
        db_table = "programs_speaker"
        ordering = ["event", "name"]
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")

    def __str__(self) -> str:
        return self.name


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    WAITING = "waiting", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")


class Registration(models.Model):
    """One person's place (or place in the queue) at an event: a member's contact, or a
    signed-in user for themselves. Who they were (gender, role, member) is kept as at
    registration so that past years' counts do not move when a contact changes job."""

    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="registrations")
    contact = models.ForeignKey(
        Contact, on_delete=models.PROTECT, null=True, blank=True, related_name="registrations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="event_registrations",
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=250)
    gender = models.CharField(
        _("gender"), max_length=12, choices=Gender.choices, default=Gender.NOT_STATED
    )
    role_category = models.CharField(
        _("role category"), max_length=20, choices=RoleCategory.choices, blank=True
    )
    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.PROTECT, null=True, blank=True
    )
    language = models.CharField(
        _("language"), max_length=2, choices=settings.LANGUAGES, default="en"
    )
    status = models.CharField(_("status"), max_length=10, choices=RegistrationStatus.choices)
    attended = models.BooleanField(_("attended"), default=False)
    created_at = models.DateTimeField(_("registered at"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    history = HistoricalRecords(table_name="programs_historicalregistration")

    class Meta:
        db_table = "programs_registration"
        ordering = ["event", "created_at", "pk"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(contact__isnull=True, user__isnull=False)
                | models.Q(contact__isnull=False, user__isnull=True),
                name="registration_contact_or_user",
            ),
            models.CheckConstraint(
                condition=models.Q(attended=False) | models.Q(status="confirmed"),
                name="registration_attended_is_confirmed",
            ),
            models.UniqueConstraint(
                fields=["event", "contact"],
                condition=~models.Q(status="cancelled"),
                name="registration_once_per_contact",
            ),
            models.UniqueConstraint(
                fields=["event", "user"],
                condition=~models.Q(status="cancelled"),
                name="registration_once_per_user",
            ),
        ]
        indexes = [models.Index(fields=["event", "status"], name="registration_event_status")]

    def __str__(self) -> str:
        return f"{self.name} · {self.event}"

    @property
    def person_key(self) -> str:
        return f"contact:{self.contact_id}" if self.contact_id else f"user:{self.user_id}"


class CertificateSending(models.Model):
    """The log of the "certificate ready" e-mail of a training's registration: sent once per
    registration (the one-to-one key refuses a second), whoever marks the attendance again
    later. The certificate itself stays downloadable at any time."""

    registration = models.OneToOneField(
        Registration, on_delete=models.CASCADE, related_name="certificate_sending"
    )
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    email = models.EmailField(_("sent to"))
    language = models.CharField(_("language"), max_length=2, choices=settings.LANGUAGES)

    class Meta:
        db_table = "programs_certificatesending"
        ordering = ["-sent_at", "-pk"]
        verbose_name = _("certificate e-mail")
        verbose_name_plural = _("certificate e-mails")

    def __str__(self) -> str:
        return f"{self.registration_id} · {self.email} · {self.sent_at:%Y-%m-%d %H:%M}"


class Feedback(models.Model):
    registration = models.OneToOneField(
        Registration, on_delete=models.CASCADE, related_name="feedback"
    )
    rating = models.PositiveSmallIntegerField(
        _("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "programs_feedback"
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__gte=1, rating__lte=5), name="feedback_rating_1_5"
            )
        ]

    def __str__(self) -> str:
        return f"{self.registration_id}: {self.rating}"
