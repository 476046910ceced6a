"""The Board report and the mandate report as jobs of the task queue (core.jobs): 8–14 s of
charts and pages, too long for a web request."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_noop

from metroscope.accountability.report import render as report
from metroscope.core import exports, jobs
from metroscope.core.models import Job


def start(scope: Any, user: Any) -> Job:
    """Put the report of `scope` in the queue for `user`."""
    if scope.mandate:
        title = gettext_noop("Mandate report %(label)s, %(language)s (PDF)")
    else:
        title = gettext_noop("Board report %(label)s, %(language)s (PDF)")
    params = {
        "years": scope.years,
        "language": scope.language,
        "mandate": scope.mandate,
        "title_args": {"label": scope.label, "language": scope.language.upper()},
    }
    return jobs.start(board_report, title=title, params=params, user=user)


@jobs.job_function
def board_report(job: jobs.Running) -> jobs.Outcome:
    p = job.params
    scope = report.scope_for(years=p["years"], language=p["language"], mandate=p["mandate"])

    def progress(done: int, total: int) -> None:
        step = (
            gettext_noop("Writing the pages")
            if done == total - 1
            else gettext_noop("Drawing the sections and their charts")
        )
        job.progress(done, total, unit=gettext_noop("sections"), step=step)

    pdf = report.report_pdf(scope, progress)
    stem = "metropolis-mandate-report" if scope.mandate else "metropolis-board-report"
    name = exports.safe_filename(stem, scope.label, scope.language, extension="pdf")
    return jobs.Outcome(
        content=pdf, file_name=name, content_type="application/pdf", result={"bytes": len(pdf)}
    )
