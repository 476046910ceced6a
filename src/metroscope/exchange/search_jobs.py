"""The rebuild of the Exchange's search index as a job of the task queue (core.jobs), for a
rebuild asked from the command line (`reindex_solutions --queue`) without waiting for it."""

from __future__ import annotations

import logging
import time
from typing import Any

from django.utils.translation import gettext_noop

from metroscope.core import jobs
from metroscope.core.models import Job
from metroscope.exchange import search

log = logging.getLogger("metroscope.exchange")


def start(user: Any = None) -> Job:
    """Queue a rebuild of the whole index."""
    return jobs.start(
        solutions_reindex, title=gettext_noop("Rebuilding the Exchange's search index"), user=user
    )


@jobs.job_function
def solutions_reindex(job: jobs.Running) -> jobs.Outcome:
    started = time.perf_counter()

    def advance(done: int, total: int) -> None:
        job.progress(
            done, total, unit=gettext_noop("solutions"), step=gettext_noop("Indexing solutions")
        )

    count = search.reindex(progress=advance)
    seconds = time.perf_counter() - started
    log.info("reindex: %s published solutions in %.1f s (job)", count, seconds)
    return jobs.Outcome(result={"solutions": count})
