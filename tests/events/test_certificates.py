"""Certificates of attendance: for attended trainings only, in the attendee's language."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from metroscope.events import services
from metroscope.events.certificates import NoCertificate, certificate_pdf
from tests.conftest import client_for, make_user
from tests.events.conftest import make_event

pytestmark = pytest.mark.django_db


def text_of(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def attended(language: str, *, type: str = "training"):
    staff = make_user("staff", ("secretariat", ""))
    user = make_user("ana")
    user.first_name, user.last_name = "Ana", "García"
    user.save()
    event = make_event(type=type)
    reg = services.registration_create(user=user, event=event, language=language)
    services.attendance_mark(user=staff, event=event, attended=[reg.pk])
    reg.refresh_from_db()
    return reg


MONTHS = {
    "en": "January February March April May June July August September October November December",
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    "es": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre "
    "diciembre",
}
DATES = {"en": "{d} {m} {y}", "fr": "{d} {m} {y}", "es": "{d} de {m} de {y}"}


@pytest.mark.parametrize(
    ("language", "heading", "phrase"),
    [
        ("en", "Certificate of attendance", "attended the training"),
        ("fr", "Attestation de participation", "a participé à la formation"),
        ("es", "Certificado de asistencia", "asistió a la formación"),
    ],
)
def test_the_certificate_is_in_the_attendees_language(language, heading, phrase):
    reg = attended(language)
    start = reg.event.activity.start_date
    written = DATES[language].format(
        d=start.day, m=MONTHS[language].split()[start.month - 1], y=start.year
    )
    response = client_for(reg.user).get(f"/events/registrations/{reg.pk}/certificate.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = text_of(response.content)
    assert heading in text
    assert phrase in text
    assert "Ana García" in text
    assert reg.event.title in " ".join(text.split())
    assert written in " ".join(text.split())  # the dates as the language writes them


def test_no_certificate_before_attendance_is_recorded():
    user = make_user("ana")
    reg = services.registration_create(user=user, event=make_event(), language="en")
    with pytest.raises(NoCertificate, match="attendance is recorded"):
        certificate_pdf(reg)
    response = client_for(user).get(f"/events/registrations/{reg.pk}/certificate.pdf")
    assert response.status_code == 302


def test_no_certificate_for_an_event_that_is_not_a_training():
    reg = attended("en", type="event")
    with pytest.raises(NoCertificate, match="trainings only"):
        certificate_pdf(reg)


def test_the_certificate_links_to_the_event_at_the_site_url(settings):
    settings.METROSCOPE_SITE_URL = "https://metroscope.example.org"
    reg = attended("es")
    text = "".join(text_of(certificate_pdf(reg)).split())
    assert f"https://metroscope.example.org/es/events/{reg.event_id}/" in text


def test_the_certificate_fetches_nothing_but_data_urls(monkeypatch):
    """Issue 21: certificates used WeasyPrint's default fetcher (files and any address)."""
    import weasyprint

    seen = []
    real = weasyprint.HTML

    def spy(*args, **kwargs):
        seen.append(kwargs.get("url_fetcher"))
        return real(*args, **kwargs)

    monkeypatch.setattr(weasyprint, "HTML", spy)
    reg = attended("en")
    assert certificate_pdf(reg).startswith(b"%PDF")
    (fetcher,) = seen
    assert fetcher is not None
    for address in ("file:///etc/passwd", "http://127.0.0.1:8000/admin/"):
        with pytest.raises(ValueError, match="disallowed protocol"):
            fetcher(address)
