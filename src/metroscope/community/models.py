"""Experts of the network: people who opted in to be asked for help, with what they know,
the languages they speak and the regions they know. Personal data: contact details are
shown only to the Secretariat and members' officers (see access.py)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from metroscope.core.attachments import FileKind
from metroscope.events.models import Event
from metroscope.members.models import Contact, Region
from metroscope.plan.models import Challenge, Program, Theme


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


# --- groups ------------------------------------------------------------------------------------
# The City Managers Community, working groups and pilot project teams. Their member lists,
# shared documents and discussion are for the group's members and the Secretariat only (see
# access.py); the public sees the name and description of public groups.


class GroupKind(models.TextChoices):
    COMMUNITY = "community", _("Community")
    WORKING_GROUP = "working_group", _("Working group")
    PILOT_TEAM = "pilot_team", _("Pilot project team")


class GroupVisibility(models.TextChoices):
    PUBLIC = "public", _("Public: anyone sees its name and description")
    PRIVATE = "private", _("Private: only its members and the Secretariat know of it")


class Group(models.Model):
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=GroupKind.choices)
    description = models.TextField(_("description"), blank=True)
    visibility = models.CharField(
        _("visibility"),
        max_length=10,
        choices=GroupVisibility.choices,
        default=GroupVisibility.PUBLIC,
    )
    program = models.ForeignKey(
        Program,
        verbose_name=_("programme of the plan"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="community_groups",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("group")
        verbose_name_plural = _("groups")

    def __str__(self) -> str:
        return self.name

    @property
    def is_public(self) -> bool:
        return bool(self.visibility == GroupVisibility.PUBLIC)


class GroupRole(models.TextChoices):
    COORDINATOR = "coordinator", _("Coordinator")
    MEMBER = "member", _("Member")


class Membership(models.Model):
    """A person in a group: a user of the site (who then reads and writes inside the group)
    or a member's contact (listed; contacts do not sign in)."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="group_memberships",
    )
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("member contact"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="group_memberships",
    )
    role = models.CharField(
        _("role in the group"), max_length=12, choices=GroupRole.choices, default=GroupRole.MEMBER
    )
    joined_on = models.DateField(_("joined on"), default=timezone.localdate)
    history = HistoricalRecords()

    class Meta:
        ordering = ["role", "pk"]
        verbose_name = _("group membership")
        verbose_name_plural = _("group memberships")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(user__isnull=False, contact__isnull=True)
                    | models.Q(user__isnull=True, contact__isnull=False)
                ),
                name="membership_user_or_contact",
            ),
            models.UniqueConstraint(fields=["group", "user"], name="membership_one_per_user"),
            models.UniqueConstraint(fields=["group", "contact"], name="membership_one_per_contact"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        user = self.user
        if user is not None:
            return str(user.get_full_name() or user.get_username())
        contact = self.contact
        return f"{contact.given_name} {contact.family_name}" if contact else ""

    @property
    def is_coordinator(self) -> bool:
        return bool(self.role == GroupRole.COORDINATOR)


class GroupMeeting(models.Model):
    """A meeting of the group: one of the events app's events (itself an activity of the plan)."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="meetings")
    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="group_meetings"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("group meeting")
        verbose_name_plural = _("group meetings")
        constraints = [
            models.UniqueConstraint(fields=["group", "event"], name="group_meeting_once")
        ]

    def __str__(self) -> str:
        return f"{self.group_id}: {self.event_id}"


class GroupDocument(models.Model):
    """An image or a PDF shared in a group; its type is checked by content, not by name."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(_("file"), upload_to="community/%Y/%m/")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=FileKind.choices)
    content_type = models.CharField(_("content type"), max_length=60)
    size = models.PositiveIntegerField(_("size in bytes"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name = _("group document")
        verbose_name_plural = _("group documents")

    def __str__(self) -> str:
        return self.name


class Post(models.Model):
    """A message in the group's discussion thread, in Markdown (sanitised when shown)."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="group_posts",
    )
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(_("posted at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("post")
        verbose_name_plural = _("posts")

    def __str__(self) -> str:
        return f"{self.group_id}: {self.body[:40]}"
