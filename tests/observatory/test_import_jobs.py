"""The import as jobs of the task queue: a staged file in the default storage, a preview job
(a dry run) whose result holds the counts and problems, a write job only its stager or the
Secretariat may start, all or nothing, a failure kept and run again, staged files removed."""

from __future__ import annotations

import logging
import os
import time
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from metroscope.core import jobs
from metroscope.core.models import Job
from metroscope.exchange import search_jobs
from metroscope.exchange.models import Solution, SolutionStatus
from metroscope.observatory import import_jobs, imports
from metroscope.observatory.models import BatchKind, ImportBatch, Observation, Status
from tests.conftest import BARCELONA, make_user

pytestmark = pytest.mark.django_db

GOOD = (
    b"metro,indicator,year,value,source\n"
    b"barcelona,pm25_annual_mean,2031,10.25,ASPB\n"
    b"barcelona,pm10_annual_mean,2031,21.5,ASPB\n"
)
BAD = b"metro,indicator,year,value,source\nXanadu-on-Sea,pm25_annual_mean,2031,1,ASPB\n"


def preview_of(user, content: bytes = GOOD, name: str = "values.csv", status=Status.PUBLISHED):
    return import_jobs.import_preview_start(
        user=user,
        file=SimpleUploadedFile(name, content, content_type="text/csv"),
        name=name,
        status=status,
        source=None,
        max_bytes=100 * 1024**2,
    )


def written_2031() -> int:
    return Observation.objects.filter(year=2031).count()


def test_the_preview_counts_and_lists_problems_and_writes_nothing(officer_barcelona):
    job = preview_of(officer_barcelona)
    assert job.state == Job.State.DONE, job.error
    assert job.started_by == officer_barcelona
    assert job.params["staged"].startswith("imports/staged/")
    assert default_storage.exists(job.params["staged"])  # kept for the write
    assert job.params["status"] == Status.PROVISIONAL  # an officer's values start provisional
    result = job.result
    assert result["outcome"] == "checked"
    assert (result["rows"], result["created"], result["updated"]) == (2, 2, 0)
    assert (result["file_format"], result["encoding"]) == ("tidy", "utf-8")
    assert (job.done, job.total, job.unit) == (2, 2, "rows")
    assert written_2031() == 0
    assert not ImportBatch.objects.filter(kind=BatchKind.FILE).exists()


def test_a_refused_file_keeps_its_problems_and_its_staged_file_goes(officer_barcelona):
    job = preview_of(officer_barcelona, BAD, "bad.csv")
    assert job.state == Job.State.DONE
    assert job.result["outcome"] == "rejected"
    assert job.result["total"] == 1
    [problem] = job.result["problems"]
    assert (problem["row"], problem["column"], problem["value"]) == (2, "metro", "Xanadu-on-Sea")
    assert "unknown metro" in problem["reason"]
    assert not default_storage.exists(job.params["staged"])
    with pytest.raises(import_jobs.CannotConfirm):
        import_jobs.import_confirm(preview=job, user=officer_barcelona)
    assert not Job.objects.filter(task__endswith="import_write").exists()


def test_problems_are_capped_in_the_result(staff):
    rows = b"".join(b"Xanadu,pm25_annual_mean,2031,1,ASPB\n" for _ in range(300))
    job = preview_of(staff, b"metro,indicator,year,value,source\n" + rows)
    assert job.result["total"] == 300
    assert len(job.result["problems"]) == imports.MAX_PROBLEMS


def test_an_officer_stays_within_her_members_metros(officer_barcelona):
    content = b"metro,indicator,year,value,source\nseoul,pm25_annual_mean,2031,20,ASPB\n"
    job = preview_of(officer_barcelona, content)
    assert job.result["outcome"] == "rejected"
    assert "only for your member's metros" in job.result["problems"][0]["reason"]


def test_confirm_writes_all_values_and_removes_the_staged_file(officer_barcelona):
    preview = preview_of(officer_barcelona)
    write = import_jobs.import_confirm(preview=preview, user=officer_barcelona)
    assert write.state == Job.State.DONE, write.error
    assert write.result["outcome"] == "checked"
    assert (write.result["created"], write.result["updated"], write.result["unchanged"]) == (
        2,
        0,
        0,
    )
    assert (write.done, write.total) == (2, 2)
    batch = ImportBatch.objects.get(pk=write.result["batch"])
    assert (batch.user, batch.filename, batch.created) == (officer_barcelona, "values.csv", 2)
    assert set(Observation.objects.filter(year=2031).values_list("status", flat=True)) == {
        Status.PROVISIONAL
    }
    assert not default_storage.exists(preview.params["staged"])
    # Confirming again finds the same write rather than importing twice.
    assert import_jobs.import_confirm(preview=preview, user=officer_barcelona) == write
    assert import_jobs.write_of(preview) == write


def test_only_the_stager_or_the_secretariat_may_confirm(officer_barcelona, officer_seoul, staff):
    colleague = make_user("officer_barcelona_2", ("officer", BARCELONA))
    preview = preview_of(officer_barcelona)
    for other in (officer_seoul, colleague):
        with pytest.raises(PermissionDenied):
            import_jobs.import_confirm(preview=preview, user=other)
    assert written_2031() == 0
    write = import_jobs.import_confirm(preview=preview, user=staff)
    assert write.state == Job.State.DONE, write.error
    # The Secretariat wrote the officer's file as the officer staged it: provisional, hers.
    batch = ImportBatch.objects.get(pk=write.result["batch"])
    assert batch.user == officer_barcelona
    assert batch.status == Status.PROVISIONAL
    assert written_2031() == 2


def test_a_failed_write_changes_nothing_keeps_its_error_and_runs_again(staff, monkeypatch):
    real = imports.write_observations
    calls: list[int] = []

    def breaks_after_writing(rows, **kwargs):
        counts = real(rows, **kwargs)  # every row written inside the import's transaction…
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("the database went away")  # …then the connection fails
        return counts

    preview = preview_of(staff)
    monkeypatch.setattr(imports, "write_observations", breaks_after_writing)
    before = ImportBatch.objects.count()
    write = import_jobs.import_confirm(preview=preview, user=staff)
    assert write.state == Job.State.FAILED
    assert write.error == "RuntimeError: the database went away"
    assert written_2031() == 0  # all or nothing
    assert ImportBatch.objects.count() == before
    assert default_storage.exists(preview.params["staged"])  # kept to run again

    again = jobs.retry(write)
    assert again.state == Job.State.DONE, again.error
    assert (again.attempts, again.error) == (2, "")
    assert written_2031() == 2
    assert not default_storage.exists(preview.params["staged"])


def test_confirming_a_failed_write_runs_it_again(staff, monkeypatch):
    real = imports.write_observations
    failures = [RuntimeError("the disk was full")]

    def fails_once(rows, **kwargs):
        if failures:
            raise failures.pop()
        return real(rows, **kwargs)

    monkeypatch.setattr(imports, "write_observations", fails_once)
    preview = preview_of(staff)  # the dry run fails too: run it again
    assert preview.state == Job.State.FAILED
    preview = jobs.retry(preview)
    assert preview.state == Job.State.DONE
    failures.append(RuntimeError("the disk was full"))
    write = import_jobs.import_confirm(preview=preview, user=staff)
    assert write.state == Job.State.FAILED
    again = import_jobs.import_confirm(preview=preview, user=staff)
    assert again.pk == write.pk
    assert again.state == Job.State.DONE
    assert written_2031() == 2


def test_an_expired_staged_file_cannot_be_confirmed(staff):
    preview = preview_of(staff)
    default_storage.delete(preview.params["staged"])
    with pytest.raises(import_jobs.CannotConfirm, match="expired"):
        import_jobs.import_confirm(preview=preview, user=staff)
    assert import_jobs.write_of(preview) is None


def test_staged_files_older_than_a_day_are_removed(staff):
    old = preview_of(staff).params["staged"]
    new = preview_of(staff).params["staged"]
    day_ago = time.time() - 25 * 3600
    os.utime(default_storage.path(old), (day_ago, day_ago))
    assert import_jobs.forget_old_staged() == 1
    assert not default_storage.exists(old)
    assert default_storage.exists(new)
    assert import_jobs.forget_old_staged(now=timezone.now() + timedelta(days=2)) >= 1
    assert not default_storage.exists(new)


def test_every_import_writes_log_lines(staff, caplog, monkeypatch):
    caplog.set_level(logging.INFO, logger="metroscope.observatory.imports")
    preview = preview_of(staff)
    import_jobs.import_confirm(preview=preview, user=staff)
    preview_of(staff, BAD, "bad.csv")
    monkeypatch.setattr(
        imports, "write_observations", lambda rows, **kw: (_ for _ in ()).throw(OSError("gone"))
    )
    preview_of(staff, GOOD.replace(b"2031", b"2032"), "broken.csv")
    messages = [r.getMessage() for r in caplog.records]
    for start in (
        "import staged: values.csv",
        "import previewed: values.csv, 2 rows, 2 created",
        "import confirmed: values.csv",
        "import written: values.csv, 2 rows, 2 created",
        "import refused: bad.csv, 1 problem(s) (preview)",
        "import failed: broken.csv: OSError: gone",
    ):
        assert any(m.startswith(start) for m in messages), (start, messages)


def test_the_command_queues_an_import_and_prints_its_address(tmp_path, staff, capsys):
    path = tmp_path / "values.csv"
    path.write_bytes(GOOD)
    call_command("import_observations", str(path), "--queue", "--user", "staff")
    job = Job.objects.get(task__endswith="import_write")
    out = capsys.readouterr().out
    assert f"/observatory/import/{job.pk}/" in out
    assert job.state == Job.State.DONE, job.error  # the tests' queue runs it at once
    assert job.started_by == staff
    assert job.result["created"] == 2
    assert Observation.objects.get(year=2031, indicator__code="pm25_annual_mean").status == (
        Status.PUBLISHED
    )
    assert not default_storage.exists(job.params["staged"])


def test_the_command_in_the_foreground_keeps_its_output(tmp_path, capsys):
    path = tmp_path / "values.csv"
    path.write_bytes(GOOD)
    call_command("import_observations", str(path), "--dry-run")
    out = capsys.readouterr().out
    assert "Would import values.csv (tidy, utf-8): 2 row(s) read, 2 created, 0 changed" in out
    assert written_2031() == 0


def test_reindexing_runs_as_a_job(capsys):
    call_command("reindex_solutions", "--queue")
    job = Job.objects.get()
    assert f"/jobs/{job.pk}/" in capsys.readouterr().out
    assert job.state == Job.State.DONE, job.error
    published = Solution.objects.filter(status=SolutionStatus.PUBLISHED).count()
    assert job.result == {"solutions": published}
    assert search_jobs.start().result == {"solutions": published}
