"""Reads of work plans, activities and results, prefetched for pages, the API and exports."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.functional import Promise

from metroscope.accountability import version as ledger_version
from metroscope.accountability.activities import analytics as progress
from metroscope.accountability.activities.models import (
    Activity,
    ActivityStatus,
    ActivityType,
    GenderMarker,
    ResultIndicator,
    ResultPeriod,
    WorkPlan,
)
from metroscope.core import params as query
from metroscope.members.models import Member
from metroscope.plan import models as framework

NOT_SCREENED = "none"
StrOrPromise = str | Promise


@dataclass(frozen=True)
class ActivityFilters:
    """The filters of the activities list and API; empty strings mean "any"."""

    year: int | None = None
    type: str = ""
    status: str = ""
    theme: str = ""
    challenge: str = ""
    program: str = ""
    gender_marker: str = ""  # "0", "1", "2" or "none" (not screened)
    member: str = ""  # a member's code: the activities it is involved in
    untagged: bool = False  # in no cell of the opportunity matrix: no theme or no challenge

    @classmethod
    def from_params(cls, params: Any) -> ActivityFilters:
        """Read filters from a query dict, dropping values that name nothing we know."""
        kind = str(params.get("type", ""))
        status = str(params.get("status", ""))
        marker = str(params.get("gender_marker", ""))
        return cls(
            year=query.year(params),
            type=kind if kind in ActivityType.values else "",
            status=status if status in ActivityStatus.values else "",
            theme=str(params.get("theme", "")).strip(),
            challenge=str(params.get("challenge", "")).strip(),
            program=str(params.get("program", "")).strip(),
            gender_marker=marker
            if marker in {NOT_SCREENED, *(str(v) for v in GenderMarker.values)}
            else "",
            member=str(params.get("member", "")).strip(),
            untagged=str(params.get("untagged", "")) == "1",
        )

    def as_q(self) -> Q:
        q = Q()
        if self.year is not None:
            q &= Q(work_plan__year=self.year)
        if self.type:
            q &= Q(type=self.type)
        if self.status:
            q &= Q(status=self.status)
        if self.theme:
            q &= Q(themes__code=self.theme)
        if self.challenge:
            q &= Q(challenges__code=self.challenge)
        if self.program:
            q &= Q(program__code=self.program)
        if self.gender_marker == NOT_SCREENED:
            q &= Q(gender_marker__isnull=True)
        elif self.gender_marker:
            q &= Q(gender_marker=int(self.gender_marker))
        if self.member:
            q &= Q(members__code=self.member)
        if self.untagged:
            q &= Q(pk__in=Activity.objects.filter(themes__isnull=True).values("pk")) | Q(
                pk__in=Activity.objects.filter(challenges__isnull=True).values("pk")
            )
        return q


def illustrative_activities() -> bool:
    """Whether some activities are made up (benchmark or sample rows): the pages that show
    activities then carry the "illustrative figures" label. Once per version of the data."""
    return ledger_version.cached(
        "illustrative_activities", None, Activity.objects.filter(illustrative=True).exists
    )


def work_plans() -> QuerySet[WorkPlan]:
    return WorkPlan.objects.annotate(activity_count=Count("activities")).order_by("-year")


def activities(*, filters: ActivityFilters | None = None) -> QuerySet[Activity]:
    """Activities matching the filters, with what a list row shows."""
    qs = Activity.objects.all()
    if filters is not None:
        q = filters.as_q()
        if q:
            # Filtering through a many-to-many may repeat rows: select by key instead.
            qs = qs.filter(pk__in=Activity.objects.filter(q).values("pk"))
    return qs.select_related("work_plan", "program", "axis").order_by("start_date", "title", "pk")


@dataclass
class Facets:
    total: int
    by_year: list[tuple[int, int]]
    by_type: list[tuple[str, StrOrPromise, int]]  # labels lazy: the page's language
    by_status: list[tuple[str, StrOrPromise, int]]
    illustrative: bool = False  # some of the activities are made up (benchmark, sample)


def facets_for(filters: ActivityFilters) -> Facets:
    """The facets of the activities matching `filters`, once per version of the data."""
    return ledger_version.cached(
        "activity_facets", filters, lambda: activity_facets(activities(filters=filters))
    )


def activity_facets(qs: QuerySet[Activity]) -> Facets:
    """Counts of the listed activities by year, type and status, and whether any is made up
    (four queries)."""
    years = Counter(
        {
            row["work_plan__year"]: row["n"]
            for row in qs.order_by().values("work_plan__year").annotate(n=Count("pk"))
        }
    )
    types = {row["type"]: row["n"] for row in qs.order_by().values("type").annotate(n=Count("pk"))}
    statuses = {
        row["status"]: row["n"] for row in qs.order_by().values("status").annotate(n=Count("pk"))
    }
    return Facets(
        total=sum(years.values()),
        by_year=sorted(years.items()),
        by_type=[(v, label, types[v]) for v, label in ActivityType.choices if v in types],
        by_status=[(v, label, statuses[v]) for v, label in ActivityStatus.choices if v in statuses],
        illustrative=qs.filter(illustrative=True).exists(),
    )


def activity_detail(*, pk: int) -> Activity | None:
    return (
        Activity.objects.filter(pk=pk)
        .select_related("work_plan", "program", "axis__line", "outcome_kind", "responsible_staff")
        .prefetch_related(
            Prefetch(
                "outcomes",
                queryset=framework.Outcome.objects.select_related("axis__line").order_by(
                    "axis__line__order", "axis__order", "order"
                ),
            ),
            Prefetch("themes", queryset=framework.Theme.objects.order_by("order")),
            Prefetch("challenges", queryset=framework.Challenge.objects.order_by("order")),
            Prefetch("factors", queryset=framework.CrossCuttingFactor.objects.order_by("order")),
            Prefetch("members", queryset=framework_members()),
            Prefetch("indicators", queryset=indicators_with_periods()),
        )
        .first()
    )


def framework_members() -> QuerySet[Member]:
    return Member.objects.select_related("country").order_by("name")


def indicators_with_periods() -> QuerySet[ResultIndicator]:
    return ResultIndicator.objects.prefetch_related(
        Prefetch("periods", queryset=ResultPeriod.objects.order_by("year"))
    ).order_by("pk")


@dataclass
class PeriodRow:
    period: ResultPeriod
    assessment: progress.Assessment


@dataclass
class IndicatorRow:
    indicator: ResultIndicator
    periods: list[PeriodRow] = field(default_factory=list)


def results(indicators: list[ResultIndicator], *, on: dt.date) -> list[IndicatorRow]:
    """Each indicator's periods with their progress on the day `on`."""
    rows = []
    for indicator in indicators:
        row = IndicatorRow(indicator)
        for period in indicator.periods.all():
            row.periods.append(
                PeriodRow(
                    period,
                    progress.assess(
                        year=period.year,
                        baseline=period.baseline,
                        target=period.target,
                        actual=period.actual,
                        on=on,
                        ascending=indicator.ascending,
                    ),
                )
            )
        rows.append(row)
    return rows


@dataclass
class OutcomeNode:
    outcome: framework.Outcome
    activities: int
    indicators: list[IndicatorRow]


@dataclass
class AxisNode:
    axis: framework.Axis
    activities: int  # distinct activities on the axis or on one of its outcomes
    outcomes: list[OutcomeNode]


@dataclass
class LineNode:
    line: framework.ActionLine
    activities: int
    axes: list[AxisNode]


def progress_tree(
    *, plan: framework.StrategicPlan, on: dt.date, years: list[int] | None = None
) -> list[LineNode]:
    """Line → axis → outcome with activity counts and outcome results (eight queries, once per
    version of the plan's data and day); with `years`, only the activities of those years'
    work plans are counted."""
    key = (plan.pk, on, None if years is None else tuple(years))
    return ledger_version.cached("progress_tree", key, lambda: _progress_tree(plan, on, years))


def _progress_tree(
    plan: framework.StrategicPlan, on: dt.date, years: list[int] | None
) -> list[LineNode]:
    lines = list(
        framework.ActionLine.objects.filter(plan=plan)
        .order_by("order")
        .prefetch_related(
            Prefetch(
                "axes",
                queryset=framework.Axis.objects.order_by("order").prefetch_related(
                    Prefetch(
                        "outcomes",
                        queryset=framework.Outcome.objects.order_by("order").prefetch_related(
                            Prefetch("indicators", queryset=indicators_with_periods())
                        ),
                    )
                ),
            )
        )
    )
    per_outcome: dict[int, set[int]] = defaultdict(set)
    per_axis: dict[int, set[int]] = defaultdict(set)
    in_years = Q() if years is None else Q(activity__work_plan__year__in=years)
    through = Activity.outcomes.through.objects.filter(in_years).values_list(
        "activity_id", "outcome_id"
    )
    outcome_axis = dict(framework.Outcome.objects.values_list("pk", "axis_id"))
    for activity_id, outcome_id in through:
        per_outcome[outcome_id].add(activity_id)
        per_axis[outcome_axis[outcome_id]].add(activity_id)
    on_axis = Activity.objects.filter(axis__isnull=False)
    if years is not None:
        on_axis = on_axis.filter(work_plan__year__in=years)
    for activity_id, axis_id in on_axis.values_list("pk", "axis_id"):
        per_axis[axis_id].add(activity_id)
    tree = []
    for line in lines:
        axes = []
        line_activities: set[int] = set()
        for axis in line.axes.all():
            outcomes = [
                OutcomeNode(o, len(per_outcome[o.pk]), results(list(o.indicators.all()), on=on))
                for o in axis.outcomes.all()
            ]
            axes.append(AxisNode(axis, len(per_axis[axis.pk]), outcomes))
            line_activities |= per_axis[axis.pk]
        tree.append(LineNode(line, len(line_activities), axes))
    return tree
