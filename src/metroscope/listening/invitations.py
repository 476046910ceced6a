"""Survey invitations and reminders by e-mail, each in its recipient's language.

Every e-mail sent is logged (SurveySending: to whom, when, which kind, by whom), so a second
invitation run invites only those not yet invited, and a reminder reaches only those who
were invited, have not answered, and were not reminded in the last REMINDER_GAP.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from metroscope.core.i18n import translated
from metroscope.core.links import absolute_url
from metroscope.core.notifications import link_to, notification_send, translations_of
from metroscope.listening import audience
from metroscope.listening.emails import (
    LANGUAGE_CODES,
    SURVEY_INVITATION,
    SURVEY_REMINDER,
    language_of,
)
from metroscope.listening.models import (
    Audience,
    SendingKind,
    Survey,
    SurveyInvitation,
    SurveySending,
)

REMINDER_GAP = timedelta(hours=24)


@dataclass(frozen=True)
class SendReport:
    kind: str
    sent: int
    skipped: int


def _new_token() -> str:
    return secrets.token_urlsafe(24)


@transaction.atomic
def invitations_update(*, survey: Survey) -> int:
    """Create the invitations the audience lacks (people added since the last run);
    returns how many were created."""
    known = SurveyInvitation.objects.filter(survey=survey)
    new: list[SurveyInvitation] = []
    if survey.audience == Audience.CONTACT:
        have = set(known.values_list("contact_id", flat=True))
        for contact in audience.audience_contacts(survey):
            if contact.pk not in have:
                language = contact.language if contact.language in LANGUAGE_CODES else "en"
                new.append(
                    SurveyInvitation(
                        survey=survey,
                        member=contact.member,
                        contact=contact,
                        email=contact.email,
                        language=language,
                        token=_new_token(),
                    )
                )
    else:
        pairs = set(known.values_list("member_id", "user_id"))
        for member, user in audience.member_officers(audience.audience_members(survey)):
            if (member.pk, user.pk) not in pairs:
                new.append(
                    SurveyInvitation(
                        survey=survey,
                        member=member,
                        user=user,
                        email=user.email,
                        language=language_of(user),
                        token=_new_token(),
                    )
                )
    SurveyInvitation.objects.bulk_create(new)
    return len(new)


def link_for(invitation: SurveyInvitation) -> str:
    """The answering page in the recipient's language (call inside translation.override)."""
    if invitation.contact_id:
        path = reverse("listening:survey_invited", args=[invitation.survey_id, invitation.token])
    else:
        path = reverse("listening:survey", args=[invitation.survey_id])
    return absolute_url(path)


def render(invitation: SurveyInvitation, kind: str) -> EmailMessage:
    """The invitation or reminder, in the invitation's language."""
    with translation.override(invitation.language):
        context = {
            "survey": invitation.survey,
            # Plain text: the English fallback without the page's HTML badge.
            "title": translated(invitation.survey, "title")[0],
            "intro": translated(invitation.survey, "intro")[0],
            "invitation": invitation,
            "link": link_for(invitation),
            "per_contact": bool(invitation.contact_id),
        }
        subject = render_to_string(f"listening/email/survey_{kind}_subject.txt", context)
        body = render_to_string(f"listening/email/survey_{kind}.txt", context)
    return EmailMessage(
        " ".join(subject.split()), body, settings.DEFAULT_FROM_EMAIL, [invitation.email]
    )


def _due(survey: Survey, kind: str, now: datetime) -> Any:
    invitations = SurveyInvitation.objects.filter(survey=survey).select_related(
        "survey", "member", "user"
    )
    invited = SurveySending.objects.filter(invitation=OuterRef("pk"), kind=SendingKind.INVITATION)
    if kind == SendingKind.INVITATION:
        return invitations.filter(~Exists(invited))
    reminded = SurveySending.objects.filter(
        invitation=OuterRef("pk"), kind=SendingKind.REMINDER, sent_at__gt=now - REMINDER_GAP
    )
    answered = audience.answered_units(survey)
    due = invitations.filter(Exists(invited), ~Exists(reminded))
    if survey.audience == Audience.CONTACT:
        return due.exclude(contact_id__in=answered)
    return due.exclude(member_id__in=answered)


def survey_send(*, survey: Survey, remind: bool = False, user: Any = None) -> SendReport:
    """Invite everyone in the audience not yet invited, or (remind) remind those who have
    not answered. Each e-mail is logged as soon as it is sent, so a run that fails half-way
    resumes where it stopped."""
    now = timezone.now()
    if now >= survey.closes_at:
        raise ValueError(_("This survey is closed: there is no one to invite or remind."))
    kind = SendingKind.REMINDER if remind else SendingKind.INVITATION
    invitations_update(survey=survey)
    due = list(_due(survey, kind, now))
    total = SurveyInvitation.objects.filter(survey=survey).count()
    for invitation in due:
        render(invitation, kind).send()
        SurveySending.objects.create(invitation=invitation, kind=kind, sent_by=user)
        if invitation.user_id:  # an officer answers in Metroscope; a contact through her link
            notification_send(
                recipients=[invitation.user],
                kind=SURVEY_REMINDER if remind else SURVEY_INVITATION,
                params={
                    "survey": translations_of(invitation.survey, "title"),
                    "member": invitation.member.name,
                },
                link=link_to("listening:survey", invitation.survey_id),
            )
    return SendReport(kind=kind, sent=len(due), skipped=total - len(due))
