"""The plan's themes, challenges and cross-cutting factors of the real activities, from
data/plan/activity_tags.csv: each tag with the words of the activity's record that support it
(its title, as the source names it, or the summary of the cited source) and that source's
address. The loader adds tags, never removes one: staff may tag further, and a second load
changes nothing."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from django.db import models

from metroscope.accountability.activities.models import Activity
from metroscope.core.loading import LoadError, LoadReport, read_csv
from metroscope.plan.models import Challenge, CrossCuttingFactor, Theme

FILE = Path("plan") / "activity_tags.csv"
COLUMNS = ["date", "title", "tag", "field", "quote", "source_url"]
# Which field of data/plan/activities.csv a quote is taken from.
FIELDS = {"title": "title", "summary": "summary", "figures": "participants_or_figures"}
# The tag's prefix says what it is: T- an orienting theme, C- a challenge, X- a factor.
KINDS: dict[str, tuple[type[models.Model], str]] = {
    "T-": (Theme, "themes"),
    "C-": (Challenge, "challenges"),
    "X-": (CrossCuttingFactor, "factors"),
}


@dataclass(frozen=True)
class Tag:
    code: str  # the activity's code
    relation: str  # "themes", "challenges" or "factors"
    pk: int


def read_tags(data_dir: Path, records: Mapping[tuple[str, str], Mapping[str, str]]) -> list[Tag]:
    """Check every row of the tags file against the activities' records (keyed by date and
    title, with their code under "code"): the activity exists, the tag is one of the plan's,
    the quote is word for word in the field named and the address is the activity's source."""
    path = data_dir / FILE
    known = {
        prefix: dict(model._default_manager.values_list("code", "pk"))  # type: ignore[attr-defined]
        for prefix, (model, _relation) in KINDS.items()
    }
    tags: list[Tag] = []
    seen: dict[tuple[str, str, str], int] = {}
    for row in read_csv(path, COLUMNS):

        def fail(column: str, why: str, line: int = row.line) -> LoadError:
            return LoadError(path, why, row=line, column=column)

        record = records.get((row["date"], row["title"]))
        if record is None:
            raise fail("title", "no activity of data/plan/activities.csv has this date and title")
        tag = row["tag"]
        prefix = tag[:2]
        if prefix not in KINDS or tag not in known[prefix]:
            raise fail("tag", f"{tag!r} is no theme, challenge or factor of the plan")
        field = FIELDS.get(row["field"])
        if field is None:
            raise fail("field", f"{row['field']!r} is not one of {', '.join(FIELDS)}")
        quote = row["quote"]
        if not quote or quote not in record[field]:
            raise fail("quote", f"the quote is not word for word in the activity's {row['field']}")
        if row["source_url"] != record["source_url"]:
            raise fail("source_url", "not the activity's source address")
        key = (record["code"], tag, quote)
        if key in seen:
            raise fail("quote", f"the same tag and quote as row {seen[key]}")
        seen[key] = row.line
        tags.append(Tag(record["code"], KINDS[prefix][1], known[prefix][tag]))
    return tags


def apply_tags(tags: list[Tag], report: LoadReport) -> None:
    """Add the tags an activity lacks, through the relation (so its history records them)."""
    wanted: dict[tuple[str, str], set[int]] = {}
    for tag in tags:
        wanted.setdefault((tag.code, tag.relation), set()).add(tag.pk)
    activities = Activity.objects.filter(code__in={code for code, _r in wanted}).prefetch_related(
        "themes", "challenges", "factors"
    )
    for activity in activities:
        for relation in ("themes", "challenges", "factors"):
            pks = wanted.get((activity.code, relation), set())
            if not pks:
                continue
            manager = getattr(activity, relation)
            missing = pks - {item.pk for item in manager.all()}
            if missing:
                manager.add(*sorted(missing))
            report.add_counts(
                f"accountability.Activity.{relation}",
                created=len(missing),
                updated=0,
                unchanged=len(pks) - len(missing),
            )
