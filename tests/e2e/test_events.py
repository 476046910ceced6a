"""Journey of events and learning: a user registers for a training, staff mark attendance,
the user downloads the certificate; axe on each page."""

from __future__ import annotations

import io
import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from metroscope.events.models import Registration
from tests.conftest import make_user
from tests.e2e.conftest import assert_accessible, sign_in
from tests.events.conftest import make_event, make_speaker

pytestmark = pytest.mark.e2e

MONTHS_ES = [
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
]


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()


def test_register_attend_and_download_the_certificate(page: Page):
    event = make_event(capacity=5, title="Training on metropolitan mobility")
    make_speaker(event, name="Dr. Ada Rivera", affiliation="Barcelona")
    ana = make_user("ana")
    ana.email = "ana@example.org"
    ana.save()
    make_user("staff", ("secretariat", ""))

    page.goto("/events/")
    assert_accessible(page)
    sign_in(page, "ana")
    page.goto("/events/")
    page.get_by_role("link", name="Training on metropolitan mobility").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Training on metropolitan mobility")
    expect(page.get_by_text("Dr. Ada Rivera")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Language you will follow").select_option("es")
    page.get_by_role("button", name="Register").click()
    expect(page.locator(".messages [role=status]")).to_contain_text("the place is confirmed")
    expect(page.get_by_test_id("status")).to_have_text("Confirmed")
    assert_accessible(page)
    sign_out(page)

    sign_in(page, "staff")
    # from the plan's activity, one click to the registrations
    page.goto(f"/plan/activities/{event.activity_id}/")
    expect(page.get_by_test_id("activity-event")).to_contain_text("1 of 5 places taken")
    assert_accessible(page)
    page.get_by_test_id("activity-event").get_by_role(
        "link", name="Registrations and attendance"
    ).click()
    assert_accessible(page)
    page.get_by_label("ana attended").check()
    page.get_by_role("button", name="Save attendance").click()
    expect(page.locator(".messages [role=status]")).to_contain_text("1 attended")
    row = page.get_by_role("row", name=re.compile("ana"))
    expect(row).to_contain_text("ana@example.org")  # when the certificate was e-mailed, to whom
    expect(page.locator("#counts-h + dl")).to_contain_text("Not stated: 1")  # labels, not codes
    assert_accessible(page)
    # unmarked by mistake and marked again: the certificate e-mail is not sent twice
    page.get_by_label("ana attended").uncheck()
    page.get_by_role("button", name="Save attendance").click()
    page.get_by_label("ana attended").check()
    page.get_by_role("button", name="Save attendance").click()
    expect(page.locator(".messages [role=status]")).to_contain_text("1 attended")
    certificates = [m for m in mail.outbox if "certificado de asistencia" in m.subject]
    assert len(certificates) == 1, [m.subject for m in mail.outbox]
    sign_out(page)

    sign_in(page, "ana")
    page.goto("/es/events/registrations/")
    assert_accessible(page)
    with page.expect_download() as info:
        page.get_by_role("link", name="Descargar el certificado de asistencia (PDF)").click()
    pdf = info.value.path().read_bytes()
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Certificado de asistencia" in text  # the attendee's language
    assert " de " + MONTHS_ES[event.activity.start_date.month - 1] + " de " in text
    assert Registration.objects.get(event=event).attended
