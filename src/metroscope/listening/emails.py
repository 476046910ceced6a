"""E-mails of the request desk, each rendered in its recipient's language."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy

from metroscope.core.links import absolute_url
from metroscope.core.notifications import link_to, notification_send, register_kind
from metroscope.core.roles import SECRETARIAT
from metroscope.listening.models import RequestMessage, SupportRequest
from metroscope.members.selectors import user_language

LANGUAGE_CODES = {code for code, _name in settings.LANGUAGES}


def language_of(user: Any, fallback: str = "") -> str:
    """A user's language (the members registry says how it is found)."""
    return user_language(user, fallback)


def render(template: str, language: str, context: dict[str, Any]) -> tuple[str, str]:
    """(subject, body) of an e-mail in the language given; links in that language too."""
    with translation.override(language):
        link = reverse("listening:request", args=[context["request"].pk])
        context = {
            **context,
            "link": absolute_url(link),
        }
        subject = render_to_string(f"listening/email/{template}_subject.txt", context)
        body = render_to_string(f"listening/email/{template}.txt", context)
    return " ".join(subject.split()), body


def _send(template: str, recipients: list[tuple[str, str]], context: dict[str, Any]) -> None:
    messages = []
    for address, language in recipients:
        subject, body = render(template, language, context)
        messages.append(EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [address]))
    if messages:
        transaction.on_commit(lambda: [m.send() for m in messages])


def staff_users(request: SupportRequest) -> list[Any]:
    """Who hears of a new request: the staff member it is assigned to, else all the
    Secretariat's active staff."""
    if request.assigned_to is not None:
        return [request.assigned_to]
    return list(
        get_user_model().objects.filter(groups__name=SECRETARIAT, is_active=True).distinct()
    )


def staff_recipients(request: SupportRequest) -> list[tuple[str, str]]:
    """The e-mail addresses (and languages) of those who hear of a new request."""
    return sorted({(u.email, language_of(u)) for u in staff_users(request) if u.email})


def notify_new_request(request: SupportRequest) -> None:
    notification_send(
        recipients=staff_users(request),
        kind=NEW_REQUEST,
        params={"member": request.member.name, "subject": request.subject},
        link=link_to("listening:request", request.pk),
    )
    _send("new_request", staff_recipients(request), {"request": request})


def notify_answer(request: SupportRequest, message: RequestMessage) -> None:
    asker = request.created_by
    notification_send(
        recipients=[asker],
        kind=ANSWER,
        params={"subject": request.subject},
        link=link_to("listening:request", request.pk),
    )
    if not asker.email:
        return
    recipients = [(asker.email, language_of(asker, request.language))]
    _send("answer", recipients, {"request": request, "message": message})


NEW_REQUEST, ANSWER = "listening.new_request", "listening.answer"
SURVEY_INVITATION, SURVEY_REMINDER = "listening.survey_invitation", "listening.survey_reminder"
TEXTS = {
    NEW_REQUEST: gettext_lazy("%(member)s asked the Secretariat: “%(subject)s”"),
    ANSWER: gettext_lazy("The Secretariat answered your request “%(subject)s”."),
    SURVEY_INVITATION: gettext_lazy(
        "You are invited to answer the survey “%(survey)s” for %(member)s."
    ),
    SURVEY_REMINDER: gettext_lazy(
        "Reminder: the survey “%(survey)s” still waits for the answer of %(member)s."
    ),
}


def register() -> None:
    for kind, text in TEXTS.items():
        register_kind(kind, text)
