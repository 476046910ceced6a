"""Certificates of attendance: a PDF made by WeasyPrint from an HTML template, in the
attendee's language, for attended registrations of trainings only."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from metroscope.core.links import absolute_url
from metroscope.events.models import Registration, RegistrationStatus


class NoCertificate(ValueError):
    """This registration does not earn a certificate."""


def certificate_check(registration: Registration) -> None:
    if not registration.event.is_training:
        raise NoCertificate(_("Certificates of attendance are given for trainings only."))
    if registration.status != RegistrationStatus.CONFIRMED or not registration.attended:
        raise NoCertificate(_("A certificate is given once your attendance is recorded."))


def certificate_pdf(registration: Registration) -> bytes:
    certificate_check(registration)
    from weasyprint import HTML  # slow to import; only when a certificate is made
    from weasyprint.urls import URLFetcher

    with translation.override(registration.language):
        sessions = list(registration.event.sessions.all())
        html = render_to_string(
            "events/certificate.html",
            {
                "registration": registration,
                "event": registration.event,
                "sessions": sessions,
                "link": absolute_url(reverse("events:event", args=[registration.event_id])),
            },
        )
    # data: URLs only, as the Board report: a name or title typed by a person can never make
    # the server fetch a file or an address while the PDF is drawn.
    fetcher = URLFetcher(allowed_protocols=["data"], fail_on_errors=True)
    return bytes(HTML(string=html, url_fetcher=fetcher).write_pdf())
