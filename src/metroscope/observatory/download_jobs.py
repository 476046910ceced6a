"""Whole-table downloads as jobs of the task queue (core.jobs): an XLSX, Parquet or data package
of the values is written once per selection and data version, kept as a file, and handed to
everyone who asks for the same thing until the data changes. (CSV and JSON still stream
straight from the database cursor: they start at once and hold no memory.)"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.utils.translation import gettext_noop

from metroscope.core import exports, jobs
from metroscope.core.models import Job
from metroscope.observatory import downloads, panel
from metroscope.observatory.models import Status
from metroscope.observatory.selectors import ObservationFilters, observations

FORMATS = ("xlsx", "parquet", "datapackage")  # the formats that need a whole file first
_SUFFIX = {"xlsx": ".xlsx", "parquet": ".parquet", "datapackage": ".zip"}
_MEDIA = {"xlsx": "xlsx", "parquet": "parquet", "datapackage": "zip"}


def _key(filters: ObservationFilters, fmt: str) -> str:
    chosen = json.dumps(dataclasses.asdict(filters), sort_keys=True, default=list)
    digest = hashlib.sha256(chosen.encode()).hexdigest()[:24]
    newest, metros = panel.data_version()
    return f"observatory-download:{fmt}:{digest}:{newest}.{metros}"


def start(filters: ObservationFilters, fmt: str, user: Any) -> Job:
    """The job that writes this selection in `fmt`: the finished or running one for the same
    selection and data, else a new one. Published values are open data (one file for all);
    a selection of unpublished values belongs to the staff member who asked."""
    if fmt not in FORMATS:
        raise ValueError(f"{fmt!r} is streamed, not written as a job")
    if fmt == "xlsx":  # say so now rather than after a million rows
        total = observations(filters).count()
        if total > exports.XLSX_MAX_ROWS:
            raise exports.ExportTooLarge(
                f"{total:,} rows, more than the {exports.XLSX_MAX_ROWS:,} Excel can open: "
                "narrow the selection or download CSV or Parquet"
            )
    public = tuple(filters.statuses) == (Status.PUBLISHED,)
    params = {
        "filters": dataclasses.asdict(filters),
        "format": fmt,
        "title_args": {"format": str(downloads.FORMATS[fmt])},
    }
    return jobs.start(
        table_file,
        title=gettext_noop("Observatory values, %(format)s"),
        params=params,
        user=user,
        public=public,
        key=_key(filters, fmt) if public else "",
    )


def _counted(rows: Iterator[tuple[Any, ...]], job: jobs.Running, total: int) -> Iterator[Any]:
    for done, row in enumerate(rows, start=1):
        if done % 1000 == 0:
            job.progress(
                done, total, unit=gettext_noop("rows"), step=gettext_noop("Writing the rows")
            )
        yield row
    job.progress(total, total, unit=gettext_noop("rows"), step=gettext_noop("Writing the file"))


@jobs.job_function
def table_file(job: jobs.Running) -> jobs.Outcome:
    fmt = job.params["format"]
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    filters = ObservationFilters(**job.params["filters"])
    total = observations(filters).count()
    job.progress(0, total, unit=gettext_noop("rows"), step=gettext_noop("Reading the values"))
    rows = _counted(downloads.observation_rows_for(filters), job, total)
    name = downloads.file_stem(filters)
    handle, temporary = tempfile.mkstemp(suffix=_SUFFIX[fmt])  # core.jobs keeps it, then removes it
    with open(handle, "wb") as out:
        downloads.write_file(filters, fmt, rows, name, out)
    return jobs.Outcome(
        path=Path(temporary),
        file_name=f"{name}{_SUFFIX[fmt]}",
        content_type=exports.MEDIA_TYPES[_MEDIA[fmt]],
        result={"rows": total},
    )
