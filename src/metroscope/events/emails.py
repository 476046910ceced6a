"""E-mails of events and learning, each in the registration's language: the place confirmed,
a place on the waiting list, promotion from it, cancellation, and the certificate ready after
a training. Rendered when the service runs, sent once its transaction commits (a registration
rolled back sends nothing). Links are absolute (METROSCOPE_SITE_URL) and in that language."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy

from metroscope.core.links import absolute_url
from metroscope.core.notifications import (
    link_to,
    notification_send,
    register_kind,
    translations_of,
)
from metroscope.events.models import Registration

CONFIRMED, WAITING, PROMOTED, CANCELLED, CERTIFICATE = (
    "confirmed",
    "waiting",
    "promoted",
    "cancelled",
    "certificate",
)
KINDS = (CONFIRMED, WAITING, PROMOTED, CANCELLED, CERTIFICATE)


def recipient(registration: Registration) -> str:
    """The person's own address (the contact's, or the user's registering themselves), else
    that of whoever registered them; "" when nobody has one."""
    person = registration.contact if registration.contact_id else registration.user
    for address in (getattr(person, "email", ""), registration.registered_by.email):
        if address:
            return str(address)
    return ""


def render(registration: Registration, kind: str, **extra: Any) -> EmailMessage | None:
    """The e-mail of this kind for the registration, in its language (None: no address)."""
    if kind not in KINDS:
        raise ValueError(f"unknown event e-mail {kind!r}")
    address = recipient(registration)
    if not address:
        return None
    event = registration.event
    with translation.override(registration.language):
        context = {
            "registration": registration,
            "event": event,
            "activity": event.activity,
            "link": absolute_url(reverse("events:event", args=[event.pk])),
            "mine": absolute_url(reverse("events:my_registrations")),
            "certificate": absolute_url(reverse("events:certificate", args=[registration.pk])),
            **extra,
        }
        subject = render_to_string(f"events/email/{kind}_subject.txt", context)
        body = render_to_string(f"events/email/{kind}.txt", context)
    return EmailMessage(" ".join(subject.split()), body, settings.DEFAULT_FROM_EMAIL, [address])


def queue(message: EmailMessage) -> None:
    """Send when the current transaction commits (at once outside one)."""
    transaction.on_commit(message.send)


def notify(registration: Registration, kind: str, **extra: Any) -> None:
    """Render now, send when the current transaction commits (at once outside one); and the
    same news in the app."""
    message = render(registration, kind, **extra)
    if message is not None:
        queue(message)
    notify_in_app(registration, kind, **extra)


TEXTS = {
    CONFIRMED: gettext_lazy("%(name)s has a confirmed place at “%(event)s”."),
    WAITING: gettext_lazy("%(name)s is number %(position)s on the waiting list for “%(event)s”."),
    PROMOTED: gettext_lazy("A place came free: %(name)s now has a confirmed place at “%(event)s”."),
    CANCELLED: gettext_lazy("The registration of %(name)s for “%(event)s” is cancelled."),
    CERTIFICATE: gettext_lazy(
        "The certificate of attendance of %(name)s for “%(event)s” is ready."
    ),
}


def register() -> None:
    for kind, text in TEXTS.items():
        register_kind(f"events.{kind}", text)


def notify_in_app(registration: Registration, kind: str, **extra: Any) -> None:
    """To the person registered when she has an account, else to whoever registered her."""
    person = registration.user if registration.user_id else registration.registered_by
    if kind == CERTIFICATE:
        link = link_to("events:certificate", registration.pk)
    else:
        link = link_to("events:event", registration.event_id)
    notification_send(
        recipients=[person],
        kind=f"events.{kind}",
        params={
            "name": registration.name,
            "event": translations_of(registration.event.activity, "title"),
            **{k: v for k, v in extra.items() if isinstance(v, int | str)},
        },
        link=link,
    )
