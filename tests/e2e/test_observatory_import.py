"""Journey: an officer imports a file on the task queue. She uploads a CSV, the page follows
the check while it waits for the worker (htmx polling), shows the preview, and after she
confirms follows the import to its counts — in English, French and Spanish, on a laptop and a
390 px phone, no wider than the window, with axe on each state.

The queue is the embedded database backend, its worker run by the test between two states.
Playwright's sync API hands the browser's requests to the live server only while the test is
inside a Playwright call (the page fixture routes every request), so the worker never shares
the database with a request."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.core.management import call_command
from django_tasks_db.management.commands import db_worker
from playwright.sync_api import Page, expect

from metroscope.core.models import Job
from metroscope.observatory.models import Observation, Status
from tests.conftest import BARCELONA, make_user
from tests.e2e.conftest import JOURNEY_CASES, check, prefix, sign_in_as, tr

pytestmark = pytest.mark.e2e

NAME = "barcelona-2031.csv"
CSV = (
    "metro,indicator,year,value,source\n"
    "barcelona,pm25_annual_mean,2031,12.5,Agència de Salut Pública de Barcelona\n"
    "barcelona,pm10_annual_mean,2031,24.5,Agència de Salut Pública de Barcelona\n"
)
# METROSCOPE_E2E_SCREENSHOTS=DIR keeps a picture of each state of the page.
SHOTS = os.environ.get("METROSCOPE_E2E_SCREENSHOTS", "")


def run_worker() -> None:
    call_command("db_worker", batch=True, interval=0, startup_delay=False, reload=False)


def shoot(page: Page, language: str, size: dict[str, int], state: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(
            path=f"{SHOTS}/import-{language}-{size['width']}-{state}.png", full_page=True
        )


@pytest.mark.parametrize(("language", "size"), JOURNEY_CASES)
def test_an_officer_imports_a_file_through_the_queue(
    page: Page, tmp_path: Path, settings, monkeypatch, language: str, size: dict[str, int]
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    # The worker shares the test's connection (and the live server's in-memory database).
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    make_user("officer_barcelona", ("officer", BARCELONA))
    page.set_viewport_size(size)
    sign_in_as(page, "officer_barcelona", language)

    page.goto(f"{prefix(language)}/observatory/import/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        tr(language, "Import values from a file")
    )
    check(page, language)
    upload = tmp_path / NAME
    upload.write_text(CSV, encoding="utf-8")
    page.locator("#id_file").set_input_files(upload)
    page.get_by_role("button", name=tr(language, "Check the file")).click()

    # The check waits for the worker; the page says so and keeps asking.
    block = page.locator("#import-job")
    expect(block.get_by_role("heading")).to_have_text(
        tr(language, "Checking %(name)s") % {"name": NAME}
    )
    expect(block.get_by_role("status")).to_contain_text(tr(language, "Waiting in the queue."))
    expect(block).to_have_attribute("hx-trigger", "every 1s")
    preview = Job.objects.get()
    assert f"/observatory/import/{preview.pk}/" in page.url  # the job's id, nothing else
    check(page, language)
    shoot(page, language, size, "1-waiting")

    run_worker()
    heading = tr(language, "Preview of %(name)s") % {"name": NAME}
    expect(page.get_by_role("heading", name=heading)).to_be_visible(timeout=10_000)
    facts = page.locator("section.preview dl")
    expect(facts.locator(f"dt:text-is('{tr(language, 'Rows read')}') + dd")).to_have_text("2")
    expect(facts.locator(f"dt:text-is('{tr(language, 'New values')}') + dd")).to_have_text("2")
    assert not Observation.objects.filter(year=2031).exists()  # a preview writes nothing
    check(page, language)
    shoot(page, language, size, "2-preview")

    page.reload()  # the address alone brings the preview back
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    page.get_by_role("button", name=tr(language, "Import these values")).click()
    expect(block.get_by_role("heading")).to_have_text(
        tr(language, "Importing %(name)s") % {"name": NAME}
    )
    check(page, language)
    shoot(page, language, size, "3-importing")

    # Halfway, as a worker writes it (the total is the preview's count): a bar and its figures.
    write = Job.objects.exclude(pk=preview.pk).get()
    Job.objects.filter(pk=write.pk).update(
        state=Job.State.RUNNING, done=1, total=2, unit="rows", step="Checking and writing the rows"
    )
    expect(block.locator("progress")).to_have_attribute("value", "1", timeout=10_000)
    expect(block.get_by_role("status")).to_contain_text(
        tr(language, "%(done)s of %(total)s %(unit)s (%(percent)s %%)")
        % {"done": 1, "total": 2, "unit": tr(language, "rows"), "percent": 50}
    )
    expect(block.get_by_role("status")).to_contain_text(
        tr(language, "Checking and writing the rows")
    )
    check(page, language)
    shoot(page, language, size, "3-running")

    run_worker()
    done = tr(
        language,
        "Imported %(name)s: %(created)s created, %(updated)s changed, %(unchanged)s unchanged.",
    ) % {"name": NAME, "created": 2, "updated": 0, "unchanged": 0}
    expect(block.get_by_role("status")).to_have_text(done, timeout=10_000)
    expect(block).not_to_have_attribute("hx-trigger", "every 1s")
    expect(
        page.get_by_text(
            tr(language, "The values stay provisional until the Secretariat reviews them.")
        )
    ).to_be_visible()
    check(page, language)
    shoot(page, language, size, "4-imported")
    written = Observation.objects.filter(year=2031, metro__code="barcelona")
    assert sorted(written.values_list("value", flat=True)) == [12.5, 24.5]
    assert set(written.values_list("status", flat=True)) == {Status.PROVISIONAL}
