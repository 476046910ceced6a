"""Shared machinery for loading open-data files: validation errors that name the place,
change-aware upserts (so a second load changes nothing), and a registry of loaders that the
`load_open_data` command runs in one transaction.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from django.core.exceptions import ValidationError
from django.db import models

M = TypeVar("M", bound=models.Model)


class LoadError(Exception):
    """A problem in an input file, located as precisely as we can."""

    def __init__(
        self, path: Path | str, reason: str, *, row: int | None = None, column: str | None = None
    ) -> None:
        self.path = Path(path)
        self.row = row
        self.column = column
        self.reason = reason
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.path.name
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column {self.column!r}"
        return f"{where}: {self.reason}"


@dataclass
class LoadReport:
    """Counts of what a load did, per model."""

    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    on_step: Callable[[str], None] | None = None

    def step(self, what: str) -> None:
        """Say what a long loader is doing now (the command shows it beside its progress bar)."""
        if self.on_step is not None:
            self.on_step(what)

    def add(self, label: str, outcome: str) -> None:
        per_model = self.counts.setdefault(label, {"created": 0, "updated": 0, "unchanged": 0})
        per_model[outcome] += 1

    def add_counts(self, label: str, *, created: int, updated: int, unchanged: int) -> None:
        """Record the outcome of a bulk write at once."""
        for outcome, count in (
            ("created", created),
            ("updated", updated),
            ("unchanged", unchanged),
        ):
            self.counts.setdefault(label, {"created": 0, "updated": 0, "unchanged": 0})
            self.counts[label][outcome] += count

    @property
    def changed(self) -> int:
        return sum(c["created"] + c["updated"] for c in self.counts.values())


@dataclass(frozen=True)
class CsvRow:
    """One data row with its 1-based line number in the file (the header is line 1)."""

    line: int
    values: Mapping[str, str]

    def __getitem__(self, key: str) -> str:
        return self.values[key].strip()


def read_csv(path: Path, required: list[str]) -> list[CsvRow]:
    if not path.exists():
        raise LoadError(path, "file not found")
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        header = reader.fieldnames or []
        missing = [c for c in required if c not in header]
        if missing:
            raise LoadError(path, f"missing column(s): {', '.join(missing)}", row=1)
        rows = []
        for index, raw in enumerate(reader, start=2):
            if None in raw:
                raise LoadError(path, "more fields than the header has", row=index)
            rows.append(CsvRow(index, {k: (v or "") for k, v in raw.items()}))
    return rows


def read_yaml(path: Path) -> Any:
    if not path.exists():
        raise LoadError(path, "file not found")
    try:
        with path.open(encoding="utf-8") as fh:
            return yaml.safe_load(fh)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise LoadError(
            path, f"not valid YAML: {exc}", row=(mark.line + 1) if mark else None
        ) from exc


def require_unique(path: Path, rows: list[CsvRow], column: str) -> None:
    seen: dict[str, int] = {}
    for row in rows:
        value = row[column]
        if not value:
            raise LoadError(path, "empty value", row=row.line, column=column)
        if value in seen:
            raise LoadError(
                path,
                f"duplicate value {value!r} (first on row {seen[value]})",
                row=row.line,
                column=column,
            )
        seen[value] = row.line


def parse_float(
    path: Path, row: CsvRow, column: str, *, low: float | None = None, high: float | None = None
) -> float:
    raw = row[column]
    try:
        value = float(raw)
    except ValueError:
        raise LoadError(path, f"{raw!r} is not a number", row=row.line, column=column) from None
    if (low is not None and value < low) or (high is not None and value > high):
        raise LoadError(path, f"{value} is outside {low}..{high}", row=row.line, column=column)
    return value


def sync(
    model: type[M],
    report: LoadReport,
    *,
    lookup: Mapping[str, Any],
    values: Mapping[str, Any],
) -> M:
    """Create or update one row, saving only when a value differs (no empty audit entries)."""
    label = model._meta.label
    obj = model._default_manager.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj.full_clean(validate_unique=False, validate_constraints=False)
        obj.save()
        report.add(label, "created")
        return obj
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.full_clean(validate_unique=False, validate_constraints=False)
        obj.save()
        report.add(label, "updated")
    else:
        report.add(label, "unchanged")
    return obj


@contextmanager
def at_row(path: Path, row: int | None) -> Iterator[None]:
    """Turn a model validation error into a LoadError that names the file, row and field."""
    try:
        yield
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            column, errors = next(iter(exc.error_dict.items()))
            reason = "; ".join(str(m) for e in errors for m in e.messages)
            raise LoadError(path, reason, row=row, column=column) from exc
        raise LoadError(path, "; ".join(exc.messages), row=row) from exc


Loader = Callable[[Path, LoadReport], None]


@dataclass(frozen=True)
class RegisteredLoader:
    order: int
    name: str
    func: Loader


_LOADERS: dict[str, RegisteredLoader] = {}


def register_loader(name: str, func: Loader, *, order: int) -> None:
    """Apps register their open-data loaders in AppConfig.ready(); lower order runs first."""
    _LOADERS[name] = RegisteredLoader(order, name, func)


def registered_loaders() -> Iterator[RegisteredLoader]:
    yield from sorted(_LOADERS.values(), key=lambda item: (item.order, item.name))
