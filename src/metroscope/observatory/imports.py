"""Import observations from a user's file: read, check every row, write all or nothing.

One pass streams the file: each record is resolved (metro, indicator, source) and checked
(year, sex, unit, value range); good rows flow into the staging table while problems are
collected. Any problem — or the same key twice — rolls the whole import back, so a file is
either imported completely or not at all. A dry run does the same work and always rolls back,
which gives the preview its true counts.
"""

from __future__ import annotations

import hashlib
import logging
import math
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from metroscope.core.exports import unneutralise
from metroscope.core.text import fold
from metroscope.observatory.models import (
    WRITABLE_STATUSES,
    BatchKind,
    Flag,
    ImportBatch,
    Indicator,
    Observation,
    Scale,
    Sex,
    Status,
    Unit,
    bound_text,
)
from metroscope.observatory.parsing import ImportFileError, RawRecord, open_observations, place
from metroscope.observatory.resolve import (
    IndicatorResolver,
    MetroResolver,
    SourceResolver,
    Unresolved,
)
from metroscope.observatory.writing import DuplicateKeys, StagedRow, write_observations

YEAR_MIN, YEAR_MAX = 1900, 2100
MAX_PROBLEMS = 200
# A value above OUTLIER_FACTOR × the 99th percentile of the indicator's published values is
# within the hard range yet likely a slip (a unit, a decimal point): it is written provisional
# with the "check_value" flag, so the Secretariat sees it before the public does. Below
# OUTLIER_MIN_VALUES published values the percentile says too little to judge by.
OUTLIER_FACTOR = 10
OUTLIER_MIN_VALUES = 20
# How far an import has got: the records read so far, and whether reading has ended (what
# follows is the comparison with the values held and the write). Called every PROGRESS_ROWS
# records, so a progress bar or a job's row costs nothing per record.
RowProgress = Callable[[int, bool], None]
PROGRESS_ROWS = 1000

SEXES = {
    **dict.fromkeys(
        ["total", "t", "_t", "_z", "all", "both", "both sexes", "ensemble", "ambos sexos"],
        Sex.TOTAL,
    ),
    **dict.fromkeys(
        ["female", "f", "women", "woman", "femme", "femmes", "mujer", "mujeres"], Sex.FEMALE
    ),
    **dict.fromkeys(["male", "m", "men", "man", "homme", "hommes", "hombre", "hombres"], Sex.MALE),
}
SCALES = {fold(s.value): s.value for s in Scale} | {fold(str(s.label)): s.value for s in Scale}
UNIT_SPELLINGS: dict[str, set[str]] = {
    Unit.PERCENT: {"percent", "%", "pct", "per cent"},
    Unit.PERSONS: {"persons", "people", "inhabitants", "number"},
    Unit.PERSONS_PER_KM2: {"persons_per_km2", "persons/km2", "inhabitants/km2", "people per km2"},
    Unit.KM2: {"km2", "km²", "square kilometres"},
    Unit.YEARS: {"years", "year"},
    Unit.UG_M3: {"ug_m3", "ug/m3", "µg/m³", "µg/m3", "micrograms per cubic metre"},
    Unit.USD_PPP: {"usd_ppp", "current intl $ ppp", "international $ (ppp)"},
    Unit.USD_PPP_MONTH: {"usd_ppp_month", "2021 ppp $ per month"},
}

FLAG_CODES = tuple(Flag.values)
_FLAG_SPACES = re.compile(r"[\s-]+")

log = logging.getLogger(__name__)


def parse_flags(text: str) -> tuple[str, list[str]]:
    """A flags cell as the comma-separated codes stored (case, spaces and hyphens forgiven,
    repeats dropped, the file's order kept), and the parts that are no Flag code."""
    codes: list[str] = []
    unknown: list[str] = []
    for part in text.split(","):
        code = _FLAG_SPACES.sub("_", part.strip().lower())
        if not code:
            continue
        if code not in FLAG_CODES:
            unknown.append(part.strip())
        elif code not in codes:
            codes.append(code)
    return ",".join(codes), unknown


@dataclass(frozen=True)
class Problem:
    row: int | None
    column: str | None
    value: str
    reason: str

    def __str__(self) -> str:
        shown = f" ({self.value!r})" if self.value else ""
        prefix = place(self.row, self.column)
        return f"{prefix}{shown}: {self.reason}" if prefix else self.reason


class ImportRejected(Exception):
    """Nothing was written; `problems` says why (the first MAX_PROBLEMS of `total`)."""

    def __init__(self, problems: list[Problem], total: int) -> None:
        self.problems = problems
        self.total = total
        super().__init__(f"{total} problem(s); nothing was imported")


@dataclass
class ImportResult:
    file_format: str
    encoding: str | None
    rows: int
    created: int
    updated: int
    unchanged: int
    dry_run: bool
    batch: ImportBatch | None
    sha256: str
    same_file_as: ImportBatch | None = None
    # Optional columns the file lacks ("note", "flags"): the values held keep theirs.
    kept: list[str] = field(default_factory=list)
    by_indicator: dict[str, int] = field(default_factory=dict)
    shortcut: bool = False  # proved unchanged from an earlier batch, without re-reading rows
    proposed: int = 0  # changes proposed to published values: the public keeps those
    # Rows far past the indicator's published values, written provisional with "check_value"
    # (the first MAX_PROBLEMS of `flagged`), for the preview to list.
    flagged: int = 0
    checks: list[Problem] = field(default_factory=list)


class _DryRun(Exception):
    """Raised inside the transaction to roll a dry run back."""


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class _Checker:
    """Turns raw records into staged rows, collecting problems instead of stopping."""

    def __init__(
        self,
        *,
        status: str,
        default_source: str | None,
        allowed_metros: set[int] | None,
    ) -> None:
        # An officer's "Barcelona" is her member's Barcelona, not Venezuela's.
        self.metros = MetroResolver(scope=allowed_metros)
        self.indicators = IndicatorResolver()
        self.sources = SourceResolver()
        self.status = status
        self.default_source = self.sources.resolve(default_source).pk if default_source else None
        self.allowed = allowed_metros
        self.problems: list[Problem] = []
        self.total_problems = 0
        self.rows = 0
        self.by_indicator: dict[str, int] = {}
        self._years: dict[str, int] = {}
        self._source_ids: dict[str, int] = {}
        self._units: dict[tuple[str, str], bool] = {}
        self._ceilings: dict[int, float | None] = {}
        self.flagged = 0
        self.checks: list[Problem] = []
        self._flags: dict[str, tuple[str, list[str]]] = {}
        self.kept: list[str] = []

    def problem(self, rec: RawRecord, column: str | None, value: str, reason: str) -> None:
        self.total_problems += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(Problem(rec.row, column, value, reason))

    def _year(self, rec: RawRecord) -> int | None:
        year = self._years.get(rec.year)
        if year is None:
            try:
                year = int(rec.year.strip())
            except ValueError:
                self.problem(rec, "year", rec.year, "the year is not a whole number")
                return None
            if not YEAR_MIN <= year <= YEAR_MAX:
                self.problem(rec, "year", rec.year, f"the year is outside {YEAR_MIN}–{YEAR_MAX}")
                return None
            self._years[rec.year] = year
        return year

    def _value(self, rec: RawRecord, indicator: Indicator) -> float | None:
        column = rec.value_column
        if not rec.value:
            self.problem(rec, column, "", "the value is empty")
            return None
        try:
            value = float(rec.value)
        except ValueError:
            self.problem(rec, column, rec.value, "the value is not a number")
            return None
        if math.isnan(value) or math.isinf(value):
            self.problem(rec, column, rec.value, "the value is not a finite number")
            return None
        low, high = indicator.valid_range()
        if not low <= value <= high:
            unit = Unit(indicator.unit).label if indicator.unit in Unit.values else indicator.unit
            self.problem(
                rec,
                column,
                rec.value,
                f"{indicator.code} takes values from {bound_text(low)} to "
                f"{bound_text(high)} ({unit})",
            )
            return None
        return value

    def _ceiling(self, indicator: Indicator) -> float | None:
        """OUTLIER_FACTOR × the 99th percentile of the indicator's published values, read once
        per indicator the file holds (two aggregate queries), never per row."""
        if indicator.pk not in self._ceilings:
            self._ceilings[indicator.pk] = outlier_ceiling(indicator)
        return self._ceilings[indicator.pk]

    def _outlier(self, rec: RawRecord, indicator: Indicator, value: float) -> bool:
        ceiling = self._ceiling(indicator)
        if ceiling is None or value <= ceiling:
            return False
        self.flagged += 1
        if len(self.checks) < MAX_PROBLEMS:
            self.checks.append(
                Problem(
                    rec.row,
                    rec.value_column,
                    rec.value,
                    f"more than {OUTLIER_FACTOR}× the 99th percentile of {indicator.code}'s "
                    f"published values ({bound_text(ceiling / OUTLIER_FACTOR)}): written as "
                    "provisional, flagged 'check this value'",
                )
            )
        return True

    def _unit_ok(self, rec: RawRecord, indicator: Indicator) -> bool:
        key = (rec.unit, indicator.unit)
        ok = self._units.get(key)
        if ok is None:
            spelled = rec.unit.strip().lower()
            ok = spelled in UNIT_SPELLINGS.get(indicator.unit, {indicator.unit})
            self._units[key] = ok
        if not ok:
            unit = Unit(indicator.unit).label if indicator.unit in Unit.values else indicator.unit
            self.problem(rec, "unit", rec.unit, f"{indicator.code} is measured in {unit}")
        return ok

    def _source(self, rec: RawRecord) -> int | None:
        if rec.source:
            pk = self._source_ids.get(rec.source)
            if pk is None:
                text = unneutralise(rec.source)
                pk = self._source_ids[rec.source] = self.sources.resolve(text).pk
            return pk
        if self.default_source is None:
            self.problem(rec, "source", "", "no source: add a source column or give a source")
        return self.default_source

    def _flags_of(self, rec: RawRecord, text: str) -> str | None:
        """The row's flags as stored, or None (and a problem) when a code is unknown."""
        parsed = self._flags.get(text)
        if parsed is None:
            parsed = self._flags[text] = parse_flags(text)
        flags, unknown = parsed
        if unknown:
            self.problem(
                rec,
                "flags",
                text,
                f"unknown flag(s) {', '.join(repr(u) for u in unknown)}: flags are "
                f"comma-separated codes among {', '.join(FLAG_CODES)}",
            )
            return None
        return flags

    def stage(self, records: Iterator[RawRecord]) -> Iterator[StagedRow]:
        for rec in records:
            self.rows += 1
            if self.rows == 1:  # a file's records all have the same columns
                self.kept = [c for c in ("note", "flags") if getattr(rec, c) is None]
            try:
                metro_id = self.metros.resolve(rec.metro, rec.country)
            except Unresolved as exc:
                self.problem(rec, "metro", rec.metro, str(exc))
                metro_id = None
            if metro_id is not None and self.allowed is not None and metro_id not in self.allowed:
                self.problem(
                    rec, "metro", rec.metro, "you may enter values only for your member's metros"
                )
                metro_id = None
            try:
                indicator = self.indicators.resolve(rec.indicator)
            except Unresolved as exc:
                self.problem(rec, "indicator", rec.indicator, str(exc))
                continue
            year = self._year(rec)
            sex = SEXES.get(rec.sex.strip().lower() or "total")
            if sex is None:
                self.problem(rec, "sex", rec.sex, "sex must be total, female or male")
            elif sex not in indicator.sexes:
                self.problem(
                    rec,
                    "sex",
                    rec.sex,
                    f"{indicator.code} is given for {', '.join(indicator.sexes)} only",
                )
                sex = None
            scale = SCALES.get(fold(rec.scale)) if rec.scale else Scale.METRO
            if scale is None:
                self.problem(
                    rec, "scale", rec.scale, f"scale must be one of {', '.join(Scale.values)}"
                )
            unit_ok = not rec.unit or self._unit_ok(rec, indicator)
            value = self._value(rec, indicator)
            source_id = self._source(rec)
            note = rec.note
            if note and note[0] == "'":  # as the Observatory's downloads defused it
                note = unneutralise(note)
            if note is not None and len(note) > 500:
                self.problem(rec, "note", note[:40] + "…", "the note is over 500 characters")
                continue
            flags = None if rec.flags is None else self._flags_of(rec, rec.flags)
            if rec.flags is not None and flags is None:
                continue
            if (
                metro_id is None
                or year is None
                or sex is None
                or scale is None
                or not unit_ok
                or value is None
                or source_id is None
            ):
                continue
            self.by_indicator[indicator.code] = self.by_indicator.get(indicator.code, 0) + 1
            outlier = self._outlier(rec, indicator, value)
            yield StagedRow(
                rec.row,
                metro_id,
                indicator.pk,
                year,
                sex,
                value,
                scale,
                source_id,
                Status.PROVISIONAL if outlier else self.status,
                note,
                flags,
                Flag.CHECK_VALUE if outlier else None,
            )


def outlier_ceiling(indicator: Indicator) -> float | None:
    """OUTLIER_FACTOR × the 99th percentile of the indicator's published values (None with
    too few values, or a percentile that is not positive). A count, then a top-k read: no
    percentile function is common to SQLite and PostgreSQL, and neither sorts every value."""
    published = Observation.objects.filter(indicator=indicator, status=Status.PUBLISHED)
    count = published.count()
    if count < OUTLIER_MIN_VALUES:
        return None
    p99 = published.order_by("-value").values_list("value", flat=True)[count // 100]
    return OUTLIER_FACTOR * p99 if p99 > 0 else None


def observation_import(
    *,
    user: Any,
    path: Path,
    status: str = Status.PUBLISHED,
    source: str | None = None,
    dry_run: bool = False,
    filename: str | None = None,
    allowed_metros: set[int] | None = None,
    kind: str = BatchKind.FILE,
    max_bytes: int | None = None,
    full: bool = False,
    progress: RowProgress | None = None,
) -> ImportResult:
    """Import a tidy, wide or SDMX-CSV file (CSV or XLSX) for `user` (None: the command line
    without --user). Raises ImportRejected, writing nothing, when any row has a problem. Who
    may import which metros is the caller's to say, through `allowed_metros`.

    A file imported before, all of whose values are still exactly as that import wrote them,
    is recognised by its hash and not read again (see `unchanged_batch`); `full=True` re-reads
    and re-checks every row anyway. `progress` hears how many records have been read.
    """
    limit = max_bytes or settings.METROSCOPE_IMPORT_MAX_BYTES
    size = path.stat().st_size if path.is_file() else 0
    sha = file_sha256(path) if 0 < size <= limit else ""
    if sha and not full:
        earlier = unchanged_batch(
            sha, status=status, source=source, user=user, full_access=allowed_metros is None
        )
        if earlier is not None:
            return _same_as(earlier, path, filename, user, dry_run)
    try:
        parsed = open_observations(
            path,
            max_bytes=limit,
            max_xlsx_uncompressed=settings.METROSCOPE_IMPORT_MAX_XLSX_UNCOMPRESSED,
        )
    except ImportFileError as exc:
        raise ImportRejected([Problem(exc.row, exc.column, "", exc.reason)], 1) from exc
    result = observation_records_write(
        user=user,
        records=parsed.records,
        status=status,
        source=source,
        dry_run=dry_run,
        allowed_metros=allowed_metros,
        kind=kind,
        filename=filename or path.name,
        sha256=sha or file_sha256(path),
        file_format=parsed.format,
        file_kind=parsed.kind,
        encoding=parsed.encoding,
        progress=progress,
    )
    log.info(
        "import %s: %s rows, %s created, %s updated%s",
        filename or path.name,
        result.rows,
        result.created,
        result.updated,
        " (dry run)" if dry_run else "",
        extra={"batch": result.batch.pk if result.batch else None, "sha256": result.sha256},
    )
    return result


def unchanged_batch(
    sha256: str, *, status: str, source: str | None, user: Any, full_access: bool
) -> ImportBatch | None:
    """An earlier import of the same bytes, with the same options, that wrote every one of its
    rows, and whose values all still carry its mark — so nobody has changed, reviewed or
    deleted any of them since. Importing the file again would find every row unchanged."""
    candidates = ImportBatch.objects.filter(
        sha256=sha256,
        kind=BatchKind.FILE,
        status=status,
        default_source=source or "",
        rows__gt=0,
    ).order_by("-created_at")
    if not full_access:  # an officer relies only on their own earlier import
        candidates = candidates.filter(user=user if user is not None and user.pk else None)
    for batch in candidates[:5]:
        if batch.created + batch.updated != batch.rows:
            continue
        if Observation.objects.filter(batch=batch).count() == batch.rows:
            return batch
    return None


def _same_as(
    earlier: ImportBatch, path: Path, filename: str | None, user: Any, dry_run: bool
) -> ImportResult:
    batch = None
    if not dry_run:
        batch = ImportBatch.objects.create(
            kind=BatchKind.FILE,
            user=user if user is not None and user.pk else None,
            filename=(filename or path.name)[:300],
            sha256=earlier.sha256,
            file_format=earlier.file_format,
            status=earlier.status,
            default_source=earlier.default_source,
            rows=earlier.rows,
            unchanged=earlier.rows,
            note=f"same file as batch #{earlier.pk}; its {earlier.rows} values are unchanged",
        )
    fmt = earlier.file_format.split(" ")[0]
    return ImportResult(
        file_format=fmt,
        encoding=None,
        rows=earlier.rows,
        created=0,
        updated=0,
        unchanged=earlier.rows,
        dry_run=dry_run,
        batch=batch,
        sha256=earlier.sha256,
        same_file_as=earlier,
        shortcut=True,
    )


def observation_records_write(
    *,
    user: Any,
    records: Iterable[RawRecord],
    status: str = Status.PUBLISHED,
    source: str | None = None,
    dry_run: bool = False,
    allowed_metros: set[int] | None = None,
    kind: str = BatchKind.FILE,
    filename: str = "",
    sha256: str = "",
    file_format: str = "",
    file_kind: str = "",
    encoding: str | None = None,
    progress: RowProgress | None = None,
) -> ImportResult:
    """Check and write records from any origin (file, form, API) as one all-or-nothing batch.

    The transaction is the block below rather than a decorator: a dry run rolls it back and
    still returns the counts it found."""
    if status not in WRITABLE_STATUSES:
        raise ImportRejected([Problem(None, "status", status, "unknown status")], 1)
    same = None
    if sha256:
        same = ImportBatch.objects.filter(sha256=sha256).exclude(kind=BatchKind.OPEN_DATA).first()
    user_id = user.pk if user is not None and user.is_authenticated else None
    result: ImportResult | None = None
    try:
        with transaction.atomic():
            checker = _Checker(status=status, default_source=source, allowed_metros=allowed_metros)
            batch = ImportBatch.objects.create(
                kind=kind,
                user_id=user_id,
                filename=filename[:300],
                sha256=sha256,
                file_format=f"{file_format} {file_kind}".strip(),
                status=status,
                default_source=(source or "")[:400],
            )
            try:
                counts = write_observations(
                    checker.stage(_guarded(iter(records), checker, progress)),
                    batch=batch,
                    user_id=user_id,
                )
            except DuplicateKeys as exc:
                for dup in exc.duplicates:
                    checker.total_problems += 1
                    checker.problems.append(
                        Problem(
                            dup.rows[-1],
                            None,
                            "",
                            "the same metro, indicator, year and sex as row(s) "
                            + ", ".join(str(r) for r in dup.rows[:-1]),
                        )
                    )
                raise ImportRejected(checker.problems, checker.total_problems) from exc
            if checker.total_problems:
                raise ImportRejected(checker.problems, checker.total_problems)
            batch.rows, batch.created, batch.updated = checker.rows, counts.created, counts.updated
            batch.unchanged, batch.proposed = counts.unchanged, counts.proposed
            batch.save()
            result = ImportResult(
                file_format=file_format,
                encoding=encoding,
                rows=checker.rows,
                created=counts.created,
                updated=counts.updated,
                unchanged=counts.unchanged,
                dry_run=dry_run,
                batch=None if dry_run else batch,
                sha256=sha256,
                same_file_as=same,
                by_indicator=checker.by_indicator,
                proposed=counts.proposed,
                flagged=checker.flagged,
                checks=checker.checks,
                kept=checker.kept,
            )
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    if result is None:  # pragma: no cover - the block above always sets it or raises
        raise RuntimeError("import ended without a result")
    return result


def _guarded(
    records: Iterator[RawRecord], checker: _Checker, progress: RowProgress | None = None
) -> Iterator[RawRecord]:
    """Errors found while streaming (a bad byte on row 9 million) become problems too."""
    read = 0
    try:
        for record in records:
            yield record
            read += 1
            if progress is not None and read % PROGRESS_ROWS == 0:
                progress(read, False)
    except ImportFileError as exc:
        checker.total_problems += 1
        checker.problems.append(Problem(exc.row, exc.column, "", exc.reason))
    if progress is not None:
        progress(read, True)
