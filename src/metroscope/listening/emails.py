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

from metroscope.core.links import absolute_url
from metroscope.core.roles import SECRETARIAT
from metroscope.listening.models import RequestMessage, SupportRequest
from metroscope.members.models import Contact

LANGUAGE_CODES = {code for code, _name in settings.LANGUAGES}


def language_of(user: Any, fallback: str = "") -> str:
    """A user's language: that of the member contact with their e-mail address, else the
    fallback (e.g. the language they wrote their request in), else the site's default."""
    if user.email:
        known = (
            Contact.objects.filter(email__iexact=user.email)
            .values_list("language", flat=True)
            .first()
        )
        if known in LANGUAGE_CODES:
            return str(known)
    return fallback if fallback in LANGUAGE_CODES else settings.LANGUAGE_CODE


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


def staff_recipients(request: SupportRequest) -> list[tuple[str, str]]:
    """Who hears of a new request: the staff member it is assigned to, else all the
    Secretariat's active staff with an e-mail address."""
    if request.assigned_to is not None and request.assigned_to.email:
        users = [request.assigned_to]
    else:
        users = list(
            get_user_model()
            .objects.filter(groups__name=SECRETARIAT, is_active=True)
            .exclude(email="")
            .distinct()
        )
    return sorted({(u.email, language_of(u)) for u in users})


def notify_new_request(request: SupportRequest) -> None:
    _send("new_request", staff_recipients(request), {"request": request})


def notify_answer(request: SupportRequest, message: RequestMessage) -> None:
    asker = request.created_by
    if not asker.email:
        return
    recipients = [(asker.email, language_of(asker, request.language))]
    _send("answer", recipients, {"request": request, "message": message})
