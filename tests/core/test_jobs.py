"""Jobs of the task queue: who may follow them, their files, their failures and retries, and the
database backend's worker running them for real (the rest of the suite runs tasks at once)."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django_tasks_db.management.commands import db_worker

from metroscope.core import jobs
from metroscope.core.models import Job
from metroscope.observatory.models import ImportBatch, Observation, Status
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

XLSX = "/observatory/download/xlsx/?metro=barcelona&indicator=pm25_annual_mean"
_attempts: list[int] = []


@jobs.job_function
def fails_once(job: jobs.Running) -> jobs.Outcome:
    """A job for these tests: fails on its first run, then writes a small text file."""
    _attempts.append(1)
    if len(_attempts) == 1:
        raise RuntimeError("the disk was full")
    job.progress(3, 3, unit="rows")
    return jobs.Outcome(content=b"hello", file_name="hello.txt", content_type="text/plain")


def streamed(response) -> bytes:
    return b"".join(response.streaming_content)


def test_a_public_download_is_built_once_per_data_version_and_shared():
    anonymous, other = client_for(None), client_for(None)
    first = anonymous.get(XLSX)
    assert first.status_code == 302  # the queue ran it at once here: straight to the file
    job = Job.objects.get()
    assert first["Location"] == reverse("job_file", args=[job.pk])
    assert job.public
    assert job.state == Job.State.DONE
    assert job.started_by is None
    assert job.result == {
        "rows": Observation.objects.filter(
            metro__code="barcelona", indicator__code="pm25_annual_mean", status=Status.PUBLISHED
        ).count()
    }
    assert job.done == job.total == job.result["rows"] > 5
    response = other.get(first["Location"])
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=86400, immutable"
    book = openpyxl.load_workbook(io.BytesIO(streamed(response)), read_only=True)
    assert len(list(book["data"].iter_rows())) == job.result["rows"] + 1  # with its header

    assert other.get(XLSX)["Location"] == first["Location"]  # the same file for the next visitor
    assert Job.objects.count() == 1
    ImportBatch.objects.create(kind="review")  # any write of values makes a new data version
    assert other.get(XLSX)["Location"] != first["Location"]
    assert Job.objects.count() == 2


def test_an_xlsx_too_large_is_refused_before_a_job_starts(settings, monkeypatch):
    from metroscope.core import exports

    monkeypatch.setattr(exports, "XLSX_MAX_ROWS", 3)
    response = client_for(None).get(XLSX)
    assert response.status_code == 400
    assert "more than the 3 Excel can open" in response.content.decode()
    assert not Job.objects.exists()


def test_a_report_is_its_starters_and_the_secretariats_only(board_member, staff, officer_barcelona):
    response = client_for(board_member).get("/plan/report/board-report.pdf?year=2022&lang=fr")
    job = Job.objects.get()
    assert response["Location"] == reverse("job_file", args=[job.pk])
    assert not job.public
    assert job.started_by == board_member
    assert job.done == job.total
    assert job.unit == "sections"
    with translation.override("fr"):
        page = client_for(board_member).get(reverse("job", args=[job.pk]))
    assert page.status_code == 200
    assert "Rapport au Conseil 2022, FR (PDF)" in page.content.decode()  # in the reader's language
    assert streamed(client_for(staff).get(response["Location"])).startswith(b"%PDF")
    assert client_for(officer_barcelona).get(response["Location"]).status_code == 404
    login = client_for(None).get(response["Location"])
    assert login.status_code == 302
    assert "/accounts/login/" in login["Location"]


def test_a_failed_job_keeps_its_error_and_runs_again(officer_barcelona, officer_seoul):
    _attempts.clear()
    job = jobs.start(fails_once, title="A test job", user=officer_barcelona)
    assert job.state == Job.State.FAILED
    assert job.error == "RuntimeError: the disk was full"
    page = client_for(officer_barcelona).get(reverse("job", args=[job.pk]))
    assert "the disk was full" in page.content.decode()
    assert "Run it again" in page.content.decode()

    assert client_for(officer_seoul).post(reverse("job_retry", args=[job.pk])).status_code == 404
    response = client_for(officer_barcelona).post(reverse("job_retry", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.state == Job.State.DONE
    assert job.error == ""
    assert job.attempts == 2
    assert streamed(client_for(officer_barcelona).get(reverse("job_file", args=[job.pk]))) == (
        b"hello"
    )
    with pytest.raises(ValueError, match="Only a failed job"):
        jobs.retry(job)


def test_only_marked_functions_run_as_jobs():
    def not_marked(job: jobs.Running) -> jobs.Outcome:
        return jobs.Outcome()

    with pytest.raises(ValueError, match="is not a @job_function"):
        jobs.start(not_marked, title="x")
    job = Job.objects.create(task="os.system", title="x")
    jobs.run_job.call(str(job.pk))
    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    assert "is not a @job_function" in job.error


def test_the_database_queue_and_its_worker_run_a_download(settings, monkeypatch):
    """The embedded default: the job waits in the database until `db_worker` runs it (here in
    this process, inside the test's transaction), and its page polls while it waits and offers
    the file once done."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    client = client_for(None)
    response = client.get(XLSX)
    job = Job.objects.get()
    assert response["Location"] == reverse("job", args=[job.pk])
    assert job.state == Job.State.QUEUED
    waiting = client.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 1s"' in waiting
    assert "Waiting in the queue." in waiting

    # The worker closes connections between tasks, as a process of its own should; here it
    # shares the test's connection and transaction, which must stay open.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    call_command("db_worker", batch=True, interval=0, startup_delay=False, reload=False)

    job.refresh_from_db()
    assert job.state == Job.State.DONE, job.error
    done = client.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in done
    assert reverse("job_file", args=[job.pk]) in done
    assert streamed(client.get(reverse("job_file", args=[job.pk]))).startswith(b"PK")


@jobs.job_function
def counts_in_a_transaction(job: jobs.Running) -> jobs.Outcome:
    """A job for these tests whose work holds a transaction open, as an import does."""
    with transaction.atomic():
        job.progress(40, 100, unit="rows", step="Reading")
        job.job.refresh_from_db()
        seen_on_the_row = job.job.done
        live = jobs.live(job.job)
        _seen.append((seen_on_the_row, live.done, live.total, live.step))
        job.progress(100, 100, unit="rows", step="Writing")
        transaction.set_rollback(True)  # a dry run
    return jobs.Outcome(result={"ok": True})


_seen: list[tuple] = []


def test_progress_inside_a_transaction_is_read_from_the_cache_and_kept_at_the_end():
    """An import's progress, written inside its transaction, would be seen by no other
    connection (and rolled back with a dry run): pages read it from the jobs' cache."""
    _seen.clear()
    job = jobs.start(counts_in_a_transaction, title="A test job")
    assert _seen == [(0, 40, 100, "Reading")]  # not on the row, yet on the page
    assert job.state == Job.State.DONE
    assert (job.done, job.total, job.unit, job.step) == (100, 100, "rows", "Writing")
    assert jobs.live(job).done == 100
