"""Pure computations of the listening app: response times, medians, response rates and
survey result counts. Data in, data out, no ORM.

Response times are counted in calendar hours (nights and weekends included): the plan asks
for quick answers, and members wait through weekends too.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import dataclass
from datetime import datetime
from typing import Any


def hours_between(start: datetime, end: datetime | None) -> float | None:
    """Calendar hours from start to end; None while the end has not happened."""
    if end is None:
        return None
    return (end - start).total_seconds() / 3600


def median(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return statistics.median(present) if present else None


@dataclass(frozen=True)
class RequestTimes:
    """What the dashboard needs of one request."""

    created_at: datetime
    first_response_at: datetime | None
    closed_at: datetime | None
    region: str

    @property
    def first_response_hours(self) -> float | None:
        return hours_between(self.created_at, self.first_response_at)

    @property
    def resolution_hours(self) -> float | None:
        return hours_between(self.created_at, self.closed_at)


@dataclass(frozen=True)
class MedianRow:
    group: str
    requests: int
    answered: int
    closed: int
    median_first_response_hours: float | None
    median_resolution_hours: float | None


def _row(group: str, items: Sequence[RequestTimes]) -> MedianRow:
    first = [r.first_response_hours for r in items]
    resolved = [r.resolution_hours for r in items]
    return MedianRow(
        group=group,
        requests=len(items),
        answered=sum(1 for v in first if v is not None),
        closed=sum(1 for v in resolved if v is not None),
        median_first_response_hours=median(first),
        median_resolution_hours=median(resolved),
    )


def medians_by_month(items: Iterable[RequestTimes]) -> list[MedianRow]:
    """Per month the request was asked in (UTC, `YYYY-MM`), oldest first."""
    groups: dict[str, list[RequestTimes]] = defaultdict(list)
    for item in items:
        groups[item.created_at.strftime("%Y-%m")].append(item)
    return [_row(month, groups[month]) for month in sorted(groups)]


def medians_by_region(items: Iterable[RequestTimes], regions: Sequence[str]) -> list[MedianRow]:
    """Per region, in the order given; regions without requests are listed with zero."""
    groups: dict[str, list[RequestTimes]] = defaultdict(list)
    for item in items:
        groups[item.region].append(item)
    order = list(regions) + sorted(set(groups) - set(regions))
    return [_row(region, groups.get(region, [])) for region in order]


@dataclass(frozen=True)
class RateRow:
    """One group's response rate: `region` names the group (a region, role or language)
    and `members` counts its audience (members, or contacts in a per-contact survey)."""

    region: str
    members: int
    responded: int

    @property
    def group(self) -> str:
        return self.region

    @property
    def rate(self) -> float | None:
        return self.responded / self.members if self.members else None


def response_rates(
    members_by_region: Mapping[str, int], responded_by_region: Mapping[str, int]
) -> list[RateRow]:
    """The share of the audience (members) that answered, per region, plus a total row
    named "" at the end."""
    rows = [
        RateRow(region, count, min(responded_by_region.get(region, 0), count))
        for region, count in members_by_region.items()
    ]
    rows.append(RateRow("", sum(r.members for r in rows), sum(r.responded for r in rows)))
    return rows


def option_counts(
    answers: Iterable[tuple[object, str]],
) -> dict[tuple[object, str], int]:
    """How often each option (or scale value) was chosen, per region: answers are
    (value chosen, region) pairs; a multiple-choice answer gives one pair per option."""
    return dict(Counter(answers))


def mean_ranks(rankings: Iterable[Sequence[int]]) -> dict[int, float]:
    """Each option's mean rank (1 = first) over complete rankings."""
    ranks: dict[int, list[int]] = defaultdict(list)
    for ranking in rankings:
        for position, option in enumerate(ranking, start=1):
            ranks[option].append(position)
    return {option: statistics.fmean(values) for option, values in ranks.items()}


def rates_by(
    audience: Iterable[tuple[object, str]], responded: Set[object], order: Sequence[str]
) -> list[RateRow]:
    """Response rates per group: `audience` gives (who, group) for each person or member
    invited, `responded` who of them answered. Groups in `order` first (listed even when
    empty), any others after in name order, then the total row named ""."""
    invited: Counter[str] = Counter()
    answered: Counter[str] = Counter()
    seen: set[object] = set()
    for who, group in audience:
        if who in seen:
            continue
        seen.add(who)
        invited[group] += 1
        answered[group] += who in responded
    groups = list(order) + sorted(set(invited) - set(order))
    return response_rates({g: invited[g] for g in groups}, {g: answered[g] for g in groups})


SMALL_CELL = 3


def suppressed(count: int, threshold: int = SMALL_CELL) -> int | None:
    """A published count, or None when it is so small (1 or 2) that it could point to
    someone; zero is shown, since it reveals no one's answer."""
    return None if 0 < count < threshold else count


def public_counts(
    rows: Iterable[Mapping[str, Any]],
    respondents: Mapping[str, int],
    threshold: int = SMALL_CELL,
) -> tuple[list[dict[str, Any]], list[str]]:
    """Counts split by group fit to publish: groups with fewer than `threshold` respondents
    are left out whole (named in the second list), and small cells come back as None."""
    hidden = sorted(g for g, n in respondents.items() if n < threshold)
    shown = [
        {**row, "count": suppressed(int(row["count"]), threshold)}
        for row in rows
        if row["group"] not in hidden
    ]
    return shown, hidden
