"""Writes on experts (opting in records consent with its time; withdrawing hides at once) and
on groups (members, meetings, documents, the thread), each checked and audited."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from metroscope.community import access
from metroscope.community.models import (
    Expert,
    ExpertKind,
    ExpertLanguage,
    Group,
    GroupDocument,
    GroupMeeting,
    GroupRole,
    Membership,
    Post,
)
from metroscope.core import attachments
from metroscope.core.audit import audited_delete, audited_save
from metroscope.core.roles import is_secretariat
from metroscope.events.models import Event
from metroscope.members.models import Contact


def _commas(values: list[str]) -> str:
    cleaned = sorted({v.strip().lower() for v in values if v.strip()})
    return "," + ",".join(cleaned) + "," if cleaned else ""


@transaction.atomic
def expert_opt_in(
    *,
    name: str,
    kind: str,
    consent: bool,
    languages: list[str],
    topics: list[str] | None = None,
    themes: Any = (),
    challenges: Any = (),
    regions: Any = (),
    expert: Expert | None = None,
    **fields: Any,
) -> Expert:
    """Create or update an expert; refused without explicit consent."""
    if not consent:
        raise ValueError(_("Consent is required to be listed as an expert."))
    bad = [code for code in languages if code not in ExpertLanguage.values]
    if bad:
        raise ValueError(_("Unknown language code: %(codes)s") % {"codes": ", ".join(bad)})
    expert = expert or Expert()
    expert.name, expert.kind = name, kind
    for key, value in fields.items():
        setattr(expert, key, value)
    expert.languages = _commas(languages)
    expert.topics = _commas(topics or [])
    if not expert.listed:
        expert.consent_given_at, expert.withdrawn_at = timezone.now(), None
    expert.full_clean()
    expert.save()
    expert.themes.set(themes)
    expert.challenges.set(challenges)
    expert.regions.set(regions)
    return expert


def expert_kind_of(user: Any) -> str:
    """Staff are Secretariat staff; a member's officer is a member official; anyone else
    signs up as a partner."""
    if is_secretariat(user):
        return ExpertKind.STAFF
    if user.officer_assignments.exists():
        return ExpertKind.OFFICIAL
    return ExpertKind.PARTNER


@transaction.atomic
def expert_profile_save(*, user: Any, data: dict[str, Any]) -> Expert:
    """A signed-in person's own expert profile, from the checked fields of the profile form
    (the page and the API): created on opting in, changed afterwards; consent required."""
    expert = Expert.objects.filter(user=user.pk).first()
    return expert_opt_in(
        name=data["name"],
        kind=expert.kind if expert is not None else expert_kind_of(user),
        consent=data["consent"],
        languages=data["languages"],
        topics=data["topics"],
        themes=data["themes"],
        challenges=data["challenges"],
        regions=data["regions"],
        expert=expert,
        user=user,
        affiliation=data["affiliation"],
        email=data["email"],
        phone=data["phone"],
        bio=data["bio"],
    )


@transaction.atomic
def expert_withdraw(*, expert: Expert) -> Expert:
    expert.withdrawn_at = timezone.now()
    expert.save(update_fields=["withdrawn_at"])
    return expert


# --- groups ------------------------------------------------------------------------------------
# Every write names its actor, checks the actor's rights here (not only in the view), and is
# kept in the audit trail (django-simple-history) with that actor.

MAX_POST_CHARS = 20_000


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def group_save(*, actor: Any, data: dict[str, Any], group: Group | None = None) -> Group:
    """A new group, or changes to one: `data` holds name_en/fr/es, description_en/fr/es,
    kind, visibility, program. Only the Secretariat; ValidationError by field."""
    _require(access.can_manage_groups(actor), _("Only the Secretariat may create groups."))
    with transaction.atomic():
        group = group or Group()
        for key, value in data.items():
            setattr(group, key, value.strip() if isinstance(value, str) else value)
        audited_save(group, user=actor, clean=True)
    return group


@transaction.atomic
def member_add(
    *,
    actor: Any,
    group: Group,
    user: Any = None,
    contact: Contact | None = None,
    role: str = GroupRole.MEMBER,
) -> Membership:
    """Put a user or a member's contact in the group (not both, not twice)."""
    _require(access.rights(actor, group).manages, _("You may not manage this group's members."))
    if (user is None) == (contact is None):
        raise ValueError(_("Choose either a user or a member's contact."))
    if user is not None and not access.can_add_users_by_name(actor):
        raise PermissionDenied(_("Only the Secretariat adds users to a group."))
    if contact is not None and not access.contacts_to_add(actor).filter(pk=contact.pk).exists():
        raise PermissionDenied(
            _("You may add only the contacts of a member you are an officer of.")
        )
    if role not in GroupRole.values:
        raise ValueError(_("The role must be coordinator or member."))
    found = (
        group.memberships.filter(user=user) if user else group.memberships.filter(contact=contact)
    )
    if found.exists():
        raise ValueError(_("%(name)s is already in this group.") % {"name": found.first()})
    membership = Membership(group=group, user=user, contact=contact, role=role)
    audited_save(membership, user=actor, clean=True)
    return membership


@transaction.atomic
def member_remove(*, actor: Any, membership: Membership) -> None:
    group = membership.group
    _require(access.rights(actor, group).manages, _("You may not manage this group's members."))
    audited_delete(membership, user=actor)


@transaction.atomic
def meeting_add(*, actor: Any, group: Group, event: Event) -> GroupMeeting:
    _require(access.rights(actor, group).manages, _("You may not manage this group's meetings."))
    if group.meetings.filter(event=event).exists():
        raise ValueError(_("This event is already one of the group's meetings."))
    meeting = GroupMeeting(group=group, event=event)
    audited_save(meeting, user=actor)
    return meeting


@transaction.atomic
def meeting_remove(*, actor: Any, meeting: GroupMeeting) -> None:
    rights = access.rights(actor, meeting.group)
    _require(rights.manages, _("You may not manage this group's meetings."))
    audited_delete(meeting, user=actor)


@transaction.atomic
def post_create(*, actor: Any, group: Group, body: str) -> Post:
    """A message in the group's thread, by one of its members or the Secretariat."""
    _require(access.rights(actor, group).inside, _("Only the group's members may post here."))
    text = body.strip()
    if not text:
        raise ValueError(_("The message is empty: write something before posting."))
    if len(text) > MAX_POST_CHARS:
        raise ValueError(
            _("The message is %(length)s characters long; the most is %(limit)s.")
            % {"length": len(text), "limit": MAX_POST_CHARS}
        )
    post = Post(group=group, author=actor, body=text)
    audited_save(post, user=actor)
    return post


@transaction.atomic
def document_add(*, actor: Any, group: Group, upload: Any) -> GroupDocument:
    """Keep an image or a PDF with the group under a random name (the original name is kept
    for display); the checks are core.attachments' (content, not name; size)."""
    _require(access.rights(actor, group).inside, _("Only the group's members may add files."))
    checked = attachments.check_upload(upload)
    document = GroupDocument(
        group=group,
        name=attachments.display_name(upload, checked),
        kind=checked.kind,
        content_type=checked.content_type,
        size=upload.size,
        uploaded_by=actor,
    )
    attachments.store(document, upload, checked, lambda: audited_save(document, user=actor))
    return document


@transaction.atomic
def document_remove(*, actor: Any, document: GroupDocument) -> None:
    rights = access.rights(actor, document.group)
    _require(
        rights.manages or (rights.inside and document.uploaded_by_id == actor.pk),
        _("Only who added the file, the group's coordinators and the Secretariat may remove it."),
    )
    stored, storage = document.file.name, document.file.storage
    audited_delete(document, user=actor)
    transaction.on_commit(lambda: storage.delete(stored))
