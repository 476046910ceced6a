"""Open-data loader of the real activities of Metropolis (data/plan/activities.csv, see
data/PROVENANCE.md): every row is checked before anything is written; a bad row stops the load
with its file, row, column and reason; a second load changes nothing. Work plans are created
(as drafts) for the years the activities span; results are not in the open data, so none are
loaded. Themes, challenges and factors come from data/plan/activity_tags.csv (see tags.py),
each with the words of the source that support it."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils import timezone
from django.utils.text import slugify

from metroscope.accountability.activities import tags
from metroscope.accountability.activities.models import (
    Activity,
    ActivityStatus,
    ActivityType,
    DatePrecision,
    Mode,
    WorkPlan,
)
from metroscope.core.loading import CsvRow, LoadError, LoadReport, read_csv, sync
from metroscope.core.text import fold
from metroscope.members.models import Member
from metroscope.plan.models import Axis, Program

FILE = Path("plan") / "activities.csv"
COLUMNS = [
    "date",
    "title",
    "type",
    "city",
    "action_line_guess",
    "participants_or_figures",
    "summary",
    "source_url",
]
# The source's words for the kind of activity, mapped onto the plan's activity types.
TYPES = {
    "event": ActivityType.EVENT,
    "publication": ActivityType.PUBLICATION,
    "platform": ActivityType.PLATFORM,
    "statement": ActivityType.STATEMENT,
    "policy debate": ActivityType.POLICY_DEBATE,
    "training": ActivityType.TRAINING,
    "board meeting": ActivityType.STATUTORY,
    "general assembly": ActivityType.STATUTORY,
}
# Editorial: the programme an activity belongs to, from words of its title (first match wins).
PROGRAM_WORDS = (
    ("guangzhou award", "P-GZA"),
    ("use (urban sustainability exchange)", "P-USE"),
    ("cities for global health", "P-CGH"),
    ("emergency governance", "P-EGI"),
    ("egi policy brief", "P-EGI"),
    ("shrdc", "P-MITI"),
    ("metropolitan day", "P-WMD"),
    ("policy debate", "P-DEBATE"),
    ("call to rethink", "P-CALL"),
    ("metropolitan indicators", "P-OBS"),
)
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_QUALIFIED = re.compile(r"^(?P<name>[^()]+?)\s*\((?P<qualifier>[^()]+)\)$")


@dataclass
class _Row:
    code: str
    values: dict[str, Any]
    year: int
    members: set[int] = field(default_factory=set)
    record: dict[str, str] = field(default_factory=dict)


def load_activities_data(data_dir: Path, report: LoadReport) -> None:
    path = data_dir / FILE
    report.step("activities")
    index = _member_index()
    rows: list[_Row] = []
    seen: dict[str, int] = {}
    for raw in read_csv(path, COLUMNS):
        parsed = _parse(path, raw, index)
        if parsed.code in seen:
            raise LoadError(
                path,
                f"same date and title as row {seen[parsed.code]}",
                row=raw.line,
                column="title",
            )
        seen[parsed.code] = raw.line
        rows.append(parsed)
    records = {(r.record["date"], r.record["title"]): r.record for r in rows}
    found_tags = tags.read_tags(data_dir, records)
    plans = {year: _work_plan(year, report) for year in sorted({r.year for r in rows})}
    for parsed in rows:
        activity = sync(
            Activity,
            report,
            lookup={"code": parsed.code},
            values={**parsed.values, "work_plan": plans[parsed.year]},
        )
        if set(activity.members.values_list("pk", flat=True)) != parsed.members:
            activity.members.set(parsed.members)
    tags.apply_tags(found_tags, report)


def activity_code(date: str, title: str) -> str:
    """The code a row of the activities file is loaded under (its date and title)."""
    return slugify(f"{date} {title}")[:120]


def open_data_codes(data_dir: Path) -> set[str]:
    """The codes of the activities the open data holds (for apps above that extend them)."""
    return {activity_code(row["date"], row["title"]) for row in read_csv(data_dir / FILE, COLUMNS)}


def _work_plan(year: int, report: LoadReport) -> WorkPlan:
    # Only created here: status and approval belong to staff and are never overwritten.
    plan, created = WorkPlan.objects.get_or_create(year=year)
    report.add(WorkPlan._meta.label, "created" if created else "unchanged")
    return plan


def _parse(path: Path, row: CsvRow, index: _MemberIndex) -> _Row:
    def fail(column: str, why: str) -> LoadError:
        return LoadError(path, why, row=row.line, column=column)

    title = row["title"]
    if not title:
        raise fail("title", "the title is empty")
    kind = TYPES.get(row["type"].lower())
    if kind is None:
        raise fail("type", f"unknown type {row['type']!r}; known: {', '.join(sorted(TYPES))}")
    start, end, precision = _dates(row["date"], fail)
    axis_code = row["action_line_guess"]
    axis = Axis.objects.filter(code=axis_code).first() if axis_code else None
    if axis_code and axis is None:
        raise fail("action_line_guess", f"no plan axis has the code {axis_code!r}")
    url = row["source_url"]
    if not url.startswith(("https://", "http://")):
        raise fail("source_url", f"{url!r} is not a web address")
    program = _program(title)
    mode, host_city, places = _place(row["city"])
    today = timezone.localdate()
    values: dict[str, Any] = {
        "title": title,
        "description": row["summary"],
        "type": kind,
        "status": ActivityStatus.COMPLETED if (end or start) < today else ActivityStatus.ONGOING,
        "axis": axis,
        "axis_is_editorial": axis is not None,
        "program": program,
        "program_is_editorial": program is not None,
        "mode": mode,
        "host_city": host_city,
        "start_date": start,
        "end_date": end,
        "date_precision": precision,
        "figures": row["participants_or_figures"],
        "source_url": url,
    }
    code = activity_code(row["date"], title)
    record = {column: row[column] for column in COLUMNS} | {"code": code}
    return _Row(code, values, start.year, _members(places, index), record)


def _dates(raw: str, fail: Any) -> tuple[dt.date, dt.date | None, str]:
    """'2018-08-26' is a day; '2018-08' a month and '2020' a year: the activity starts on the
    first day of it and its end is the last day (none for a known day)."""
    match = _DATE.match(raw)
    if not match:
        raise fail("date", f"{raw!r} is not a date (YYYY-MM-DD, YYYY-MM or YYYY)")
    year = int(match[1])
    month, day = (int(p) if p else None for p in match.groups()[1:])
    try:
        if day is not None and month is not None:
            return dt.date(year, month, day), None, DatePrecision.DAY
        if month is not None:
            last = calendar.monthrange(year, month)[1]
            return dt.date(year, month, 1), dt.date(year, month, last), DatePrecision.MONTH
        return dt.date(year, 1, 1), dt.date(year, 12, 31), DatePrecision.YEAR
    except ValueError:
        raise fail("date", f"{raw!r} is not a date in the calendar") from None


def _program(title: str) -> Program | None:
    folded = title.casefold()
    for words, code in PROGRAM_WORDS:
        if words in folded:
            return Program.objects.filter(code=code).first()
    return None


def _place(city: str) -> tuple[str, str, list[str]]:
    """'online' → online; 'Guangzhou (virtual)' → online in Guangzhou; 'Johannesburg (Soweto)'
    → in person in Johannesburg, names to match: Johannesburg, Soweto; '' → not known."""
    if not city:
        return "", "", []
    if fold(city) == "online":
        return Mode.ONLINE, "", []
    match = _QUALIFIED.match(city)
    if match is None:
        return Mode.IN_PERSON, city, [city]
    name, qualifier = match["name"].strip(), match["qualifier"].strip()
    if fold(qualifier) == "virtual":
        return Mode.ONLINE, name, [name]
    if fold(qualifier) == "hybrid":
        return Mode.HYBRID, name, [name]
    return Mode.IN_PERSON, city, [name, qualifier]


_MemberIndex = tuple[dict[str, list[Member]], dict[str, list[Member]]]


def _member_index() -> _MemberIndex:
    exact: dict[str, list[Member]] = {}
    loose: dict[str, list[Member]] = {}
    for member in Member.objects.order_by("name"):
        exact.setdefault(fold(member.name), []).append(member)
        base, _, qualifier = member.name.partition(" (")
        if qualifier:
            loose.setdefault(fold(base), []).append(member)
    return exact, loose


def _members(places: list[str], index: _MemberIndex) -> set[int]:
    """Members named like the place, as exchange/loaders.py matches them: exact folded name,
    else "<place> (city)" before any other "<place> (...)"."""
    exact, loose = index
    found: set[int] = set()
    for place in places:
        key = fold(place)
        if key in exact:
            found.update(m.pk for m in exact[key])
        elif key in loose:
            cities = [m for m in loose[key] if m.name.endswith("(city)")]
            found.update(m.pk for m in (cities or loose[key]))
    return found
