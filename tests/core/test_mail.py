"""Every e-mail goes through the task queue: the request records it, a worker sends it, and a
mail server that is down fails the sending job (kept, and run again), not the request."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives, send_mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.urls import reverse
from django_tasks_db.management.commands import db_worker

from metroscope.core.models import Job
from metroscope.events import services
from tests.conftest import client_for, make_user
from tests.events.conftest import make_event

pytestmark = pytest.mark.django_db

LOCMEM = "django.core.mail.backends.locmem.EmailBackend"


class MailServerDown(BaseEmailBackend):
    """A mail server that refuses every connection."""

    def open(self) -> bool:
        raise ConnectionRefusedError("[Errno 111] Connection refused")

    def send_messages(self, email_messages) -> int:
        raise ConnectionRefusedError("[Errno 111] Connection refused")


@pytest.fixture
def queued(settings):
    settings.EMAIL_BACKEND = "metroscope.core.mail.QueuedEmailBackend"
    settings.METROSCOPE_EMAIL_DELIVERY_BACKEND = LOCMEM
    return settings


def test_a_message_crosses_the_queue_whole(queued):
    message = EmailMultiAlternatives(
        "Invitation — Séminaire",
        "Bonjour,\nvoici le lien.",
        "secretariat@metropolis.org",
        ["ana@example.org"],
        cc=["cc@example.org"],
        reply_to=["reply@example.org"],
        headers={"X-Metroscope-Kind": "survey"},
    )
    message.attach_alternative("<p>Bonjour</p>", "text/html")
    message.attach("agenda.pdf", b"%PDF-1.7 \x00\xff", "application/pdf")
    message.attach("notes.txt", "é", "text/plain")
    assert message.send() == 1

    (sent,) = mail.outbox
    assert (sent.subject, sent.body, sent.from_email) == (
        "Invitation — Séminaire",
        "Bonjour,\nvoici le lien.",
        "secretariat@metropolis.org",
    )
    assert (sent.to, sent.cc, sent.reply_to) == (
        ["ana@example.org"],
        ["cc@example.org"],
        ["reply@example.org"],
    )
    assert sent.extra_headers == {"X-Metroscope-Kind": "survey"}
    assert sent.alternatives == [("<p>Bonjour</p>", "text/html")]
    assert sent.attachments == [
        ("agenda.pdf", b"%PDF-1.7 \x00\xff", "application/pdf"),
        ("notes.txt", "é", "text/plain"),
    ]
    job = Job.objects.get()
    assert job.state == Job.State.DONE
    assert job.result == {"sent": 1}


def test_with_the_database_queue_mail_leaves_only_when_the_worker_runs(queued, monkeypatch):
    queued.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    send_mail("Hello", "Body", "from@example.org", ["a@example.org", "b@example.org"])
    assert mail.outbox == []
    assert Job.objects.get().state == Job.State.QUEUED
    # The worker closes connections between tasks, as a process of its own should; here it
    # shares the test's connection and transaction, which must stay open.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    call_command("db_worker", batch=True, interval=0, startup_delay=False, reload=False)
    assert [m.to for m in mail.outbox] == [["a@example.org", "b@example.org"]]


def test_a_mail_server_outage_fails_the_sending_job_not_the_registration(
    queued, staff, django_capture_on_commit_callbacks
):
    queued.METROSCOPE_EMAIL_DELIVERY_BACKEND = f"{__name__}.MailServerDown"
    person = make_user("ana")
    person.email = "ana@example.org"
    person.save()
    event = make_event(capacity=10, title="Metropolitan mobility training")

    with django_capture_on_commit_callbacks(execute=True):  # e-mails leave once it commits
        registration = services.registration_create(user=person, event=event, language="en")

    assert registration.status == "confirmed"  # committed, whatever the mail server does
    job = Job.objects.get()
    assert job.state == Job.State.FAILED
    assert job.error == "ConnectionRefusedError: [Errno 111] Connection refused"
    assert mail.outbox == []

    # The Secretariat sees it waiting in its workspace, and runs it again once the server is up.
    workspace = client_for(staff).get(reverse("me")).content.decode()
    assert "Jobs that failed" in workspace
    listed = client_for(staff).get(reverse("jobs") + "?state=failed").content.decode()
    assert reverse("job", args=[job.pk]) in listed
    queued.METROSCOPE_EMAIL_DELIVERY_BACKEND = LOCMEM
    client_for(staff).post(reverse("job_retry", args=[job.pk]))
    job.refresh_from_db()
    assert job.state == Job.State.DONE
    assert [m.to for m in mail.outbox] == [["ana@example.org"]]
    assert "Metropolitan mobility training" in mail.outbox[0].subject


def test_a_person_lists_her_own_jobs_the_secretariat_every_job(
    officer_barcelona, officer_seoul, staff
):
    from metroscope.core import jobs
    from tests.core.test_jobs import _attempts, fails_once

    _attempts.clear()
    job = jobs.start(fails_once, title="Barcelona's job", user=officer_barcelona)
    assert (
        reverse("job", args=[job.pk])
        in client_for(officer_barcelona).get("/jobs/").content.decode()
    )
    assert (
        reverse("job", args=[job.pk])
        not in client_for(officer_seoul).get("/jobs/").content.decode()
    )
    assert reverse("job", args=[job.pk]) in client_for(staff).get("/jobs/").content.decode()
    assert client_for(None).get("/jobs/").status_code == 302
