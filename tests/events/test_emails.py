"""Event e-mails: each in the registration's language, to the right person, with absolute
links, sent only once the registration commits."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import transaction
from django.test import override_settings

from metroscope.events import emails, services
from metroscope.events.models import CertificateSending, Registration
from tests.conftest import client_for, make_user
from tests.events.conftest import make_contact, make_event

pytestmark = pytest.mark.django_db

SITE = "https://metroscope.example.org"

# kind → language → words the subject and the body must hold
EXPECTED = {
    "confirmed": {
        "en": ("is confirmed", "The place of Ana García is confirmed."),
        "fr": ("est confirmée", "La place de Ana García est confirmée."),
        "es": ("está confirmada", "La plaza de Ana García está confirmada."),
    },
    "waiting": {
        "en": ("waiting list", "Ana García is number 1 on the waiting list."),
        "fr": ("liste d'attente", "Ana García est numéro 1 sur la liste d'attente."),
        "es": ("lista de espera", "Ana García es el número 1 en la lista de espera."),
    },
    "promoted": {
        "en": ("is now yours", "Ana García moves up from the waiting list"),
        "fr": ("est à vous", "Ana García quitte la liste d'attente"),
        "es": ("ya es suya", "Ana García sale de la lista de espera"),
    },
    "cancelled": {
        "en": ("cancelled", "The registration of Ana García is cancelled."),
        "fr": ("annulée", "L'inscription de Ana García est annulée."),
        "es": ("cancelada", "La inscripción de Ana García está cancelada."),
    },
    "certificate": {
        "en": ("certificate of attendance", "the certificate of attendance is ready"),
        "fr": ("attestation de participation", "l'attestation de participation est prête"),
        "es": ("certificado de asistencia", "el certificado de asistencia está listo"),
    },
}
PREFIX = {"en": "", "fr": "/fr", "es": "/es"}


@pytest.fixture(autouse=True)
def commit(django_capture_on_commit_callbacks):
    """Each service call commits on its own: e-mails go out at the end of the `with`."""

    def committed(call, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return call(**kwargs)

    return committed


def ana(language: str, email: str = "ana@example.org"):
    user = make_user(f"ana-{language}")
    user.first_name, user.last_name, user.email = "Ana", "García", email
    user.save()
    return user


def only(kind_subject: str) -> mail.EmailMessage:
    found = [m for m in mail.outbox if kind_subject in m.subject]
    assert len(found) == 1, [m.subject for m in mail.outbox]
    return found[0]


@override_settings(METROSCOPE_SITE_URL=SITE + "/")
@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_every_event_email_in_the_registrations_language(commit, language):
    staff = make_user("staff", ("secretariat", ""))
    event = make_event(capacity=1, title="Metropolitan mobility training")
    other = make_user("first")
    other.email = "first@example.org"
    other.save()
    first = commit(services.registration_create, user=other, event=event, language="en")
    mail.outbox.clear()

    reg = commit(services.registration_create, user=ana(language), event=event, language=language)
    assert reg.status == "waiting"
    commit(services.registration_cancel, user=other, registration=first)  # Ana moves up
    commit(services.attendance_mark, user=staff, event=event, attended=[reg.pk])
    commit(services.attendance_mark, user=staff, event=event, attended=[])
    commit(
        services.registration_cancel,
        user=reg.user,
        registration=Registration.objects.get(pk=reg.pk),
    )
    reg_again = commit(services.registration_create, user=reg.user, event=event, language=language)

    to_ana = [m for m in mail.outbox if m.to == ["ana@example.org"]]
    # waiting, promoted, certificate, cancelled, confirmed (the place freed by her own
    # cancellation is hers again); the other's cancellation went to the other alone
    assert len(to_ana) == 5
    assert [m.to for m in mail.outbox if m not in to_ana] == [["first@example.org"]]
    page = f"{SITE}{PREFIX[language]}/events/{event.pk}/"
    for kind, (subject_words, body_words) in {k: v[language] for k, v in EXPECTED.items()}.items():
        matches = [m for m in to_ana if subject_words in m.subject]
        assert matches, (kind, [m.subject for m in to_ana])
        message = matches[0] if kind != "cancelled" else matches[-1]
        assert "Metropolitan mobility training" in message.subject
        assert body_words in message.body, (kind, message.body)
        assert page in message.body, (kind, message.body)
        assert "&" not in message.body.replace("&amp;", "")  # plain text, nothing escaped
    certificate = [m for m in to_ana if EXPECTED["certificate"][language][0] in m.subject][0]
    assert f"{SITE}{PREFIX[language]}/events/registrations/{reg.pk}/certificate.pdf" in (
        certificate.body
    )
    assert reg_again.status == "confirmed"


def test_a_contact_registered_by_an_officer_hears_in_their_language(commit):
    officer = make_user("officer", ("officer", "barcelona-city"))
    officer.email = "officer@example.org"
    officer.save()
    contact = make_contact("barcelona-city", email="ana@bcn.example.org", language="es")
    event = make_event()
    commit(services.registration_create, user=officer, event=event, language="fr", contact=contact)
    (message,) = mail.outbox
    assert message.to == ["ana@bcn.example.org"]  # the person, not the officer
    assert "est confirmée" in message.subject  # the language chosen for the event


def test_without_the_persons_address_the_registrant_hears(commit):
    officer = make_user("officer", ("officer", "barcelona-city"))
    officer.email = "officer@example.org"
    officer.save()
    contact = make_contact("barcelona-city", email="")
    commit(
        services.registration_create,
        user=officer,
        event=make_event(),
        language="en",
        contact=contact,
    )
    assert [m.to for m in mail.outbox] == [["officer@example.org"]]


def test_nobody_with_an_address_means_no_email(commit):
    user = make_user("noaddress")
    commit(services.registration_create, user=user, event=make_event(), language="en")
    assert mail.outbox == []


def test_a_rolled_back_registration_sends_nothing(commit, django_capture_on_commit_callbacks):
    event = make_event()
    user = ana("en")

    def register_then_fail() -> None:
        with transaction.atomic():
            services.registration_create(user=user, event=event, language="en")
            raise RuntimeError("the caller's transaction fails afterwards")

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
    ):
        register_then_fail()
    assert callbacks == []
    assert mail.outbox == []
    assert not Registration.objects.filter(event=event).exists()
    commit(services.registration_create, user=user, event=event, language="en")
    assert len(mail.outbox) == 1


def test_no_certificate_email_for_an_event_that_is_not_a_training(commit):
    staff = make_user("staff", ("secretariat", ""))
    event = make_event(type="event")
    reg = commit(services.registration_create, user=ana("en"), event=event, language="en")
    mail.outbox.clear()
    commit(services.attendance_mark, user=staff, event=event, attended=[reg.pk])
    commit(services.attendance_mark, user=staff, event=event, attended=[reg.pk])
    assert mail.outbox == []


def test_marking_attendance_again_does_not_resend_the_certificate(commit):
    staff = make_user("staff", ("secretariat", ""))
    event = make_event()
    reg = commit(services.registration_create, user=ana("en"), event=event, language="en")
    mail.outbox.clear()
    commit(services.attendance_mark, user=staff, event=event, attended=[reg.pk])
    commit(services.attendance_mark, user=staff, event=event, attended=[reg.pk])
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_the_certificate_email_is_sent_once_per_registration_and_logged(commit, language):
    staff = make_user("staff", ("secretariat", ""))
    other_staff = make_user("other-staff", ("secretariat", ""))
    event = make_event()
    reg = commit(services.registration_create, user=ana(language), event=event, language=language)
    mail.outbox.clear()
    commit(services.attendance_mark, user=staff, event=event, attended=[reg.pk])
    # unmarked by mistake, then marked again by someone else: no second e-mail
    commit(services.attendance_mark, user=other_staff, event=event, attended=[])
    commit(services.attendance_mark, user=other_staff, event=event, attended=[reg.pk])
    (message,) = mail.outbox
    assert EXPECTED["certificate"][language][0] in message.subject
    log = CertificateSending.objects.get()
    assert (log.registration_id, log.email, log.language, log.sent_by) == (
        reg.pk,
        "ana@example.org",
        language,
        staff,
    )
    # a direct second trigger finds the log too, and the certificate stays downloadable
    assert commit(services.certificate_announce, user=staff, registration=reg) is None
    assert len(mail.outbox) == 1
    for _time in range(2):
        response = client_for(reg.user).get(f"/events/registrations/{reg.pk}/certificate.pdf")
        assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")


def test_a_registration_without_an_address_logs_nothing_and_sends_later(commit):
    staff = make_user("staff", ("secretariat", ""))
    event = make_event()
    user = make_user("noaddress")
    reg = commit(services.registration_create, user=user, event=event, language="en")
    commit(services.attendance_mark, user=staff, event=event, attended=[reg.pk])
    assert (mail.outbox, CertificateSending.objects.count()) == ([], 0)
    user.email = "found@example.org"
    user.save()
    commit(services.attendance_mark, user=staff, event=event, attended=[])
    commit(services.attendance_mark, user=staff, event=event, attended=[reg.pk])
    assert [m.to for m in mail.outbox] == [["found@example.org"]]
    assert CertificateSending.objects.get().email == "found@example.org"


def test_a_rolled_back_attendance_logs_and_sends_nothing(
    commit, django_capture_on_commit_callbacks
):
    staff = make_user("staff", ("secretariat", ""))
    event = make_event()
    reg = commit(services.registration_create, user=ana("en"), event=event, language="en")
    mail.outbox.clear()

    def mark_then_fail() -> None:
        with transaction.atomic():
            services.attendance_mark(user=staff, event=event, attended=[reg.pk])
            raise RuntimeError("fails after marking")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        mark_then_fail()
    assert (mail.outbox, CertificateSending.objects.count()) == ([], 0)
    commit(services.attendance_mark, user=staff, event=event, attended=[reg.pk])
    assert len(mail.outbox) == 1


def test_the_migration_logs_certificates_sent_before_the_log(commit):
    """events.0002 (programs.0002 before the rename) backfills the log for trainings already
    attended, so that marking them again after the upgrade sends nothing."""
    from importlib import import_module

    from django.apps import apps

    backfill = import_module(
        "metroscope.events.migrations.0002_certificate_sending"
    ).log_certificates_already_sent
    staff = make_user("staff", ("secretariat", ""))
    event = make_event()
    reg = commit(services.registration_create, user=ana("es"), event=event, language="es")
    quiet = commit(
        services.registration_create, user=make_user("noaddress"), event=event, language="en"
    )
    commit(services.attendance_mark, user=staff, event=event, attended=[reg.pk, quiet.pk])
    CertificateSending.objects.all().delete()  # as before the log existed
    backfill(apps, None)
    log = CertificateSending.objects.get()  # nobody e-mailed the one without an address
    assert (log.registration_id, log.email, log.language) == (reg.pk, "ana@example.org", "es")
    first_marked = reg.history.filter(attended=True).earliest("history_date").history_date
    assert log.sent_at == first_marked
    mail.outbox.clear()
    commit(services.attendance_mark, user=staff, event=event, attended=[])
    commit(services.attendance_mark, user=staff, event=event, attended=[reg.pk])
    assert mail.outbox == []


def test_an_unknown_kind_is_refused(commit, event):
    reg = commit(services.registration_create, user=ana("en"), event=event, language="en")
    with pytest.raises(ValueError, match="unknown event e-mail"):
        emails.render(reg, "reminder")
