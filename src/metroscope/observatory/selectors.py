"""Read side of the Observatory: catalogue, metros and filtered selections of values.

The public sees published values only; secretariat staff may ask for any status. Exports and
the API read through `observation_rows`, which streams plain tuples in key order.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, Max, Min, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from metroscope.core.queues import Queue, queue_of
from metroscope.core.text import fold
from metroscope.members.models import Country, Member
from metroscope.observatory import analytics, coverage, page_figures
from metroscope.observatory.models import (
    WAITING_STATUSES,
    BatchKind,
    Decision,
    ImportBatch,
    Indicator,
    Metro,
    MetroMember,
    Observation,
    ObservationRevision,
    PlaceRelation,
    ProposedValue,
    Scale,
    Source,
    Status,
)
from metroscope.observatory.network import network_figures
from metroscope.observatory.resolve import MetroResolver, Unresolved
from metroscope.plan.models import HeadlineAverage, StrategicPlan


@dataclass(frozen=True)
class ObservationFilters:
    indicators: Sequence[str] = ()
    metros: Sequence[str] = ()
    member: str = ""
    country: str = ""
    region: str = ""
    year_from: int | None = None
    year_to: int | None = None
    sex: str = ""
    scale: str = ""
    statuses: Sequence[str] = field(default_factory=lambda: (Status.PUBLISHED,))

    def as_query(self) -> dict[str, str]:
        """The filters as query-string parameters (for download links)."""
        query: dict[str, str] = {}
        for key in ("member", "country", "region", "sex", "scale"):
            if getattr(self, key):
                query[key] = getattr(self, key)
        if self.indicators:
            query["indicator"] = ",".join(self.indicators)
        if self.metros:
            query["metro"] = ",".join(self.metros)
        if self.year_from is not None:
            query["year_from"] = str(self.year_from)
        if self.year_to is not None:
            query["year_to"] = str(self.year_to)
        return query


def observations(filters: ObservationFilters) -> QuerySet[Observation]:
    qs = Observation.objects.filter(status__in=list(filters.statuses))
    if filters.indicators:
        qs = qs.filter(indicator__code__in=list(filters.indicators))
    if filters.metros:
        qs = qs.filter(metro__code__in=list(filters.metros))
    if filters.member:
        # the member's own place: the places it lies in are not its figures
        qs = qs.filter(
            metro__memberships__member__code=filters.member,
            metro__memberships__relation="own",
        )
    if filters.country:
        qs = qs.filter(metro__country_iso3=filters.country.upper())
    if filters.region:
        isos = Country.objects.filter(region__code=filters.region).values("iso3")
        qs = qs.filter(metro__country_iso3__in=isos)
    if filters.year_from is not None:
        qs = qs.filter(year__gte=filters.year_from)
    if filters.year_to is not None:
        qs = qs.filter(year__lte=filters.year_to)
    if filters.sex:
        qs = qs.filter(sex=filters.sex)
    if filters.scale:
        qs = qs.filter(scale=filters.scale)
    return qs


EXPORT_COLUMNS = (
    "metro",
    "metro_name",
    "country_iso3",
    "indicator",
    "year",
    "sex",
    "value",
    "unit",
    "scale",
    "status",
    "source",
    "source_title",
    "licence",
    "note",
    "synthetic",
    "citation",
    "flags",
)
_PLAIN = (
    "metro_id",
    "indicator_id",
    "year",
    "sex",
    "value",
    "scale",
    "status",
    "source_id",
    "note",
    "flags",
)


@dataclass(frozen=True)
class ExportLookups:
    """The few columns an export repeats on every row, read once per export instead of being
    joined row by row: metro id -> (code, name, country, synthetic), indicator id -> (code,
    unit), source id -> (code, title, licence, required citation)."""

    metros: dict[int, tuple[str, str, str, bool]]
    indicators: dict[int, tuple[str, str]]
    sources: dict[int, tuple[str, str, str, str]]


def export_lookups() -> ExportLookups:
    return ExportLookups(
        metros={
            pk: (code, name, iso3, synthetic)
            for pk, code, name, iso3, synthetic in Metro.objects.values_list(
                "pk", "code", "name", "country_iso3", "synthetic"
            ).iterator(chunk_size=10000)
        },
        indicators={pk: (c, u) for pk, c, u in Indicator.objects.values_list("pk", "code", "unit")},
        sources={
            pk: (c, t, lic, cit)
            for pk, c, t, lic, cit in Source.objects.values_list(
                "pk", "code", "title", "licence", "citation"
            )
        },
    )


def plain_rows(filters: ObservationFilters, chunk_size: int = 10000) -> Iterator[tuple[Any, ...]]:
    """Observation columns without joins, in key order (the unique index's order, so the
    database streams without sorting)."""
    qs = observations(filters).order_by("metro_id", "indicator_id", "year", "sex")
    return qs.values_list(*_PLAIN).iterator(chunk_size=chunk_size)


def observation_rows(
    filters: ObservationFilters, chunk_size: int = 10000
) -> Iterator[tuple[Any, ...]]:
    """Rows in EXPORT_COLUMNS order, streamed from the database with flat memory."""
    lookups = export_lookups()
    metros, indicators, sources = lookups.metros, lookups.indicators, lookups.sources
    for metro, ind, year, sex, value, scale, status, source, note, flags in plain_rows(
        filters, chunk_size
    ):
        code, name, iso3, synthetic = metros[metro]
        ind_code, unit = indicators[ind]
        src_code, title, licence, citation = sources[source]
        yield (
            code,
            name,
            iso3,
            ind_code,
            year,
            sex,
            value,
            unit,
            scale,
            status,
            src_code,
            title,
            licence,
            note,
            synthetic,
            citation,
            flags,
        )


def existing_indicator_codes(codes: Sequence[str]) -> list[str]:
    """The codes of these indicators that exist, as stored, in the order asked."""
    found = set(Indicator.objects.filter(code__in=list(codes)).values_list("code", flat=True))
    return [c for c in codes if c in found]


def existing_metro_codes(codes: Sequence[str]) -> list[str]:
    found = set(Metro.objects.filter(code__in=list(codes)).values_list("code", flat=True))
    return [c for c in codes if c in found]


def indicator_catalogue() -> QuerySet[Indicator]:
    published = Q(observations__status=Status.PUBLISHED)
    return (
        Indicator.objects.prefetch_related("plan_themes", "plan_challenges")
        .annotate(
            metro_count=Count("observations__metro", filter=published, distinct=True),
            value_count=Count("observations", filter=published),
            first_year=Min("observations__year", filter=published),
            last_year=Max("observations__year", filter=published),
        )
        .order_by("order", "code")
    )


@dataclass(frozen=True)
class IndicatorCounts:
    """An indicator's published values: how many, of how many metros, over which years."""

    metro_count: int = 0
    value_count: int = 0
    first_year: int | None = None
    last_year: int | None = None


def catalogue_indicators() -> list[Indicator]:
    """Every indicator in catalogue order, each with the attributes `indicator_catalogue`
    annotates, counted once per data version (page_figures) instead of on every request."""
    counts = page_figures.figure(("catalogue",), _indicator_counts)
    indicators = list(
        Indicator.objects.prefetch_related("plan_themes", "plan_challenges").order_by(
            "order", "code"
        )
    )
    for indicator in indicators:
        found = counts.get(indicator.pk, IndicatorCounts())
        indicator.metro_count = found.metro_count  # type: ignore[attr-defined]
        indicator.value_count = found.value_count  # type: ignore[attr-defined]
        indicator.first_year = found.first_year  # type: ignore[attr-defined]
        indicator.last_year = found.last_year  # type: ignore[attr-defined]
    return indicators


def _indicator_counts() -> dict[int, IndicatorCounts]:
    rows = (
        Observation.objects.filter(status=Status.PUBLISHED)
        .order_by()
        .values_list("indicator_id")
        .annotate(Count("metro", distinct=True), Count("pk"), Min("year"), Max("year"))
    )
    return {pk: IndicatorCounts(*figures) for pk, *figures in rows}


def metro_count() -> int:
    """Metropolitan spaces of the open data (synthetic ones left out)."""
    return page_figures.figure(("metro_count",), Metro.objects.filter(synthetic=False).count)


def member_metro_ids() -> tuple[int, ...]:
    """The ids of the metros that are members' own places, read now: the key of the cached
    figures over member metros (a new or ended membership changes no data version)."""
    return tuple(member_metros().order_by("pk").values_list("pk", flat=True))


def indicator_coverage(indicator: Indicator) -> dict[str, Any]:
    """How many metros, and how many member metros, have published values, by scale."""
    members = member_metro_ids()

    def count() -> dict[str, Any]:
        published = indicator.observations.filter(status=Status.PUBLISHED)
        return {
            "metros": published.values("metro").distinct().count(),
            "member_metros": published.filter(metro__in=member_metros())
            .values("metro")
            .distinct()
            .count(),
            "member_metro_total": len(members),
            "by_scale": list(
                published.order_by("scale")
                .values_list("scale")
                .annotate(n=Count("metro", distinct=True))
            ),
        }

    found = page_figures.figure(("coverage", indicator.pk, members), count)
    return {**found, "by_scale": [(Scale(scale).label, n) for scale, n in found["by_scale"]]}


def latest_values(
    indicator: Indicator,
    *,
    members_only: bool = True,
    sex: str = "total",
    limit: int = 500,
    scale: str = "",
    year: int | None = None,
) -> list[Observation]:
    """The most recent published value (not a projection) of each metro for one indicator,
    or its value of `year`; only values of `scale` when given."""
    qs = shown_values(indicator, members_only=members_only, sex=sex, scale=scale)
    if year is not None:
        chosen = qs.filter(year=year)
    else:
        # The newest year of the outer row's own metro: that metro already passed the member
        # filter, and repeating it here made SQLite scan the whole indicator once per metro
        # (1.7 s at 13,000 metros) instead of reading the (metro, indicator, year) key.
        own = shown_values(indicator, members_only=False, sex=sex, scale=scale)
        newest = own.filter(metro=OuterRef("metro")).order_by("-year").values("year")[:1]
        chosen = qs.filter(year=Subquery(newest))
    result = chosen.select_related("metro", "source").order_by("-value", "metro__name")
    return list(result[:limit])


def shown_values(
    indicator: Indicator, *, members_only: bool, sex: str, scale: str = ""
) -> QuerySet[Observation]:
    qs = indicator.observations.filter(
        status=Status.PUBLISHED, sex=sex, year__lte=_reference_year()
    )
    if members_only:
        qs = qs.filter(metro__in=member_metros())
    if scale:
        qs = qs.filter(scale=scale)
    return qs


def _shown_key(indicator: Indicator, members_only: bool, *rest: Any) -> tuple[Any, ...]:
    """The key of a figure over `shown_values`: the metros it may count and the year that
    projections start after are part of it."""
    members = member_metro_ids() if members_only else None
    return (indicator.pk, members, _reference_year(), *rest)


def scale_counts(indicator: Indicator, *, members_only: bool, sex: str) -> dict[str, int]:
    """Scale -> metros with a published value of that scale (projections left out)."""

    def count() -> dict[str, int]:
        qs = shown_values(indicator, members_only=members_only, sex=sex)
        return dict(qs.order_by().values_list("scale").annotate(n=Count("metro", distinct=True)))

    return page_figures.figure(("scales", *_shown_key(indicator, members_only, sex)), count)


def newest_year_with_enough(
    indicator: Indicator, *, members_only: bool, sex: str, scale: str
) -> int | None:
    """The newest year (no projection) with at least MIN_PEERS values of this scale."""

    def find() -> int | None:
        qs = shown_values(indicator, members_only=members_only, sex=sex, scale=scale)
        counts = qs.order_by().values_list("year").annotate(n=Count("metro", distinct=True))
        return analytics.newest_year_with_enough(dict(counts), up_to=_reference_year())

    key = ("enough_year", *_shown_key(indicator, members_only, sex, scale))
    return page_figures.figure(key, find)


# The relations that make a metro a member's own place (its other links say where it lies).
OWN_RELATIONS = (PlaceRelation.OWN.value,)


def member_metros() -> QuerySet[Metro]:
    """The metros that are members' own places: the one way to ask, so that what counts as
    a member's metro is decided here."""
    return Metro.objects.filter(memberships__relation__in=OWN_RELATIONS).distinct()


def metro_list(
    *, query: str = "", country: str = "", kind: str = "", members_only: bool = False
) -> QuerySet[Metro]:
    qs = Metro.objects.all()
    if query:
        folded = fold(query)
        qs = qs.filter(
            Q(folded__contains=folded) | Q(aliases__folded__contains=folded) | Q(code=query)
        ).distinct()
    if country:
        qs = qs.filter(country_iso3=country.upper())
    if kind:
        qs = qs.filter(kind=kind)
    if members_only:
        qs = qs.filter(memberships__relation="own").distinct()
    return qs.annotate(member_count=Count("memberships", distinct=True)).order_by("name", "code")


def _reference_year() -> int:
    """Values after this year are projections (UN WUP to 2035): never shown as the latest."""
    return timezone.now().year


def metro_values(metro: Metro, *, include_unpublished: bool = False) -> list[dict[str, Any]]:
    """Per indicator: its series (newest first, total before female and male) and the latest
    value that is not a projection."""
    qs = metro.observations.order_by("indicator__order", "indicator__code", "-year", "sex")
    if not include_unpublished:
        qs = qs.filter(status=Status.PUBLISHED)
    observations = list(qs)
    # A metro has hundreds of values of a few dozen indicators, sources and batches: one
    # instance of each, shared, instead of one per value through joins (making a translated
    # Indicator is slow: it was a third of the profile page's time). The batch says whether a
    # note was written by the open-data loaders (in English).
    for name, model in (("indicator", Indicator), ("source", Source), ("batch", ImportBatch)):
        ids = {getattr(obs, f"{name}_id") for obs in observations} - {None}
        found = model.objects.in_bulk(ids)
        for obs in observations:
            key = getattr(obs, f"{name}_id")
            if key is not None:
                setattr(obs, name, found[key])
    grouped: dict[int, dict[str, Any]] = {}
    for obs in observations:
        entry = grouped.setdefault(obs.indicator_id, {"indicator": obs.indicator, "values": []})
        entry["values"].append(obs)
    now = _reference_year()
    for entry in grouped.values():
        entry["values"].sort(key=lambda o: (-o.year, o.sex != "total", o.sex))
        current = [o for o in entry["values"] if o.year <= now] or entry["values"]
        entry["latest"] = current[0]
    return list(grouped.values())


def sexes_with_values(indicator: Indicator) -> list[str]:
    """The sexes of the indicator that have published values, total first."""

    def find() -> set[str]:
        published = indicator.observations.filter(status=Status.PUBLISHED).order_by()
        return set(published.values_list("sex", flat=True).distinct())

    found = page_figures.figure(("sexes", indicator.pk), find)
    return [s for s in indicator.sexes if s in found]


def metros_of_member(member: Member) -> QuerySet[Metro]:
    return Metro.objects.filter(memberships__member=member, memberships__relation="own").distinct()


def metros_for_officer(user: Any) -> set[int]:
    """Metro ids where the user is an officer of a member that operates there."""
    if not user.is_authenticated:
        return set()
    return set(
        Metro.objects.filter(
            memberships__relation="own", memberships__member__officers__user=user
        ).values_list("pk", flat=True)
    )


def pending_review() -> QuerySet[Observation]:
    """Values waiting for the Secretariat (provisional or validated), newest first."""
    return (
        Observation.objects.filter(status__in=WAITING_STATUSES)
        .select_related("metro", "indicator", "source", "updated_by")
        .order_by("-updated_at", "metro__name", "pk")
    )


@dataclass(frozen=True)
class ReviewRow:
    """A value in the review queue with what the reviewer compares it to: the published
    value of the same metro, indicator and sex in the latest earlier year, and the change."""

    observation: Observation
    previous: Observation | None

    @property
    def change(self) -> float | None:
        if self.previous is None:
            return None
        return self.observation.value - self.previous.value

    @property
    def change_percent(self) -> float | None:
        if self.previous is None or not self.previous.value:
            return None
        return 100 * (self.observation.value - self.previous.value) / abs(self.previous.value)


def with_previous(observations: Sequence[Observation]) -> list[ReviewRow]:
    """Each value beside its previous published one (one query for a page of values)."""
    if not observations:
        return []
    keys = {(o.metro_id, o.indicator_id, o.sex) for o in observations}
    latest = max(o.year for o in observations)
    published = (
        Observation.objects.filter(
            metro_id__in={k[0] for k in keys},
            indicator_id__in={k[1] for k in keys},
            status=Status.PUBLISHED,
            year__lt=latest,
        )
        .only("metro_id", "indicator_id", "sex", "year", "value")
        .order_by("-year")
    )
    series: dict[tuple[int, int, str], list[Observation]] = {}
    for obs in published:
        key = (obs.metro_id, obs.indicator_id, obs.sex)
        if key in keys:
            series.setdefault(key, []).append(obs)
    rows = []
    for obs in observations:
        earlier = series.get((obs.metro_id, obs.indicator_id, obs.sex), [])
        previous = next((p for p in earlier if p.year < obs.year), None)
        rows.append(ReviewRow(obs, previous))
    return rows


def returned_values(*, metros: set[int] | None = None) -> QuerySet[Observation]:
    """Values the Secretariat returned for correction, each with its review batch (whose note
    is the comment); with `metros`, only theirs. Oldest return first."""
    qs = Observation.objects.filter(status=Status.RETURNED)
    if metros is not None:
        qs = qs.filter(metro_id__in=metros)
    return qs.select_related("metro", "indicator", "source", "batch__user").order_by(
        "updated_at", "pk"
    )


def review_queue() -> Queue:
    return queue_of(Observation.objects.filter(status__in=WAITING_STATUSES), "updated_at")


def proposal_queue() -> Queue:
    return queue_of(ProposedValue.objects.filter(decision=Decision.PENDING), "proposed_at")


def returned_value(
    *, metros: QuerySet[Metro], metro: str, indicator: str, year: int | None, sex: str
) -> Observation | None:
    """The returned value of that key among `metros` (the ones the user may enter), if any."""
    if not (metro and indicator and year):
        return None
    return (
        returned_values()
        .filter(metro__in=metros, metro__code=metro, indicator__code=indicator, year=year, sex=sex)
        .first()
    )


def returned_proposals(*, metros: Any = None) -> QuerySet[ProposedValue]:
    """Changes to published values the Secretariat returned for correction and nobody has
    proposed again since (a newer proposal for the value answers the return), each with its
    decision's batch (whose note is the comment); with `metros` (ids or a queryset), only
    theirs. Oldest return first."""
    newer = ProposedValue.objects.filter(
        observation=OuterRef("observation"), proposed_at__gt=OuterRef("proposed_at")
    )
    qs = ProposedValue.objects.filter(decision=Decision.RETURNED).exclude(Exists(newer))
    if metros is not None:
        qs = qs.filter(observation__metro__in=metros)
    return qs.select_related(
        "observation__metro",
        "observation__indicator",
        "source",
        "decided_batch__user",
    ).order_by("decided_at", "pk")


def returned_proposal(
    *, metros: QuerySet[Metro], metro: str, indicator: str, year: int | None, sex: str
) -> ProposedValue | None:
    """The returned change to that key among `metros` (the ones the user may enter), if any."""
    if not (metro and indicator and year):
        return None
    return (
        returned_proposals(metros=metros)
        .filter(
            observation__metro__code=metro,
            observation__indicator__code=indicator,
            observation__year=year,
            observation__sex=sex,
        )
        .last()
    )


@dataclass(frozen=True)
class OfficerValues:
    """The values of an officer's members' metros that people entered, by where they stand."""

    returned: list[Observation]
    waiting: list[Observation]
    published: list[Observation]
    proposals: list[ProposedValue]
    returned_proposals: list[ProposedValue] = field(default_factory=list)


def officer_values(user: Any, *, published_limit: int = 20) -> OfficerValues:
    """Returned (with the comment), waiting (provisional or validated), recently published
    after review, and changes proposed to published values, waiting or returned, for the
    metros of the members the user is an officer of."""
    metros = metros_for_officer(user)
    if not metros:
        return OfficerValues([], [], [], [])
    mine = Observation.objects.filter(metro_id__in=metros).select_related(
        "metro", "indicator", "source", "batch"
    )
    return OfficerValues(
        returned=list(returned_values(metros=metros)),
        waiting=list(mine.filter(status__in=WAITING_STATUSES).order_by("-updated_at", "pk")),
        published=list(
            mine.filter(status=Status.PUBLISHED, batch__kind=BatchKind.REVIEW).order_by(
                "-updated_at", "pk"
            )[:published_limit]
        ),
        proposals=list(pending_proposals().filter(observation__metro_id__in=metros)),
        returned_proposals=list(returned_proposals(metros=metros)),
    )


def pending_proposals(*, metro: Metro | None = None) -> QuerySet[ProposedValue]:
    """Changes proposed to published values and waiting for review, each with the published
    observation beside it (for the difference), newest first."""
    qs = ProposedValue.objects.filter(decision=Decision.PENDING)
    if metro is not None:
        qs = qs.filter(observation__metro=metro)
    return qs.select_related(
        "observation__metro",
        "observation__indicator",
        "observation__source",
        "source",
        "proposed_by",
    ).order_by("-proposed_at", "observation__metro__name", "pk")


def proposal_history(obs: Observation) -> QuerySet[ProposedValue]:
    return obs.proposals.select_related("source", "proposed_by", "decided_by", "decided_batch")


def observation_history(obs: Observation) -> QuerySet[ObservationRevision]:
    return obs.revisions.select_related("source", "written_by", "replaced_by")


def compare(metros: list[Metro]) -> list[dict[str, Any]]:
    """Per indicator, each metro's latest published total value (projections left out)."""
    now = _reference_year()
    qs = (
        Observation.objects.filter(
            metro__in=metros, status=Status.PUBLISHED, sex="total", year__lte=now
        )
        .select_related("indicator", "source")
        .order_by("indicator__order", "indicator__code", "metro_id", "-year")
    )
    rows: dict[int, dict[str, Any]] = {}
    for obs in qs:
        row = rows.setdefault(obs.indicator_id, {"indicator": obs.indicator, "cells": {}})
        row["cells"].setdefault(obs.metro_id, obs)
    return [
        {"indicator": row["indicator"], "cells": [row["cells"].get(m.pk) for m in metros]}
        for row in rows.values()
    ]


def metros_named(names: Sequence[str]) -> tuple[list[Metro], list[str]]:
    """The metros the texts name, in their order without repeats, and a problem per text that
    names none or several. Codes are read in one query; anything else (names in any spelling,
    aliases) goes through the MetroResolver, as on the compare page."""
    by_code = {m.code: m for m in Metro.objects.filter(code__in=list(names))}
    resolver: MetroResolver | None = None
    metros: list[Metro] = []
    problems: list[str] = []
    for name in names:
        metro = by_code.get(name)
        if metro is None:
            resolver = resolver or MetroResolver()
            try:
                metro = Metro.objects.get(pk=resolver.resolve(name))
            except Unresolved as exc:
                problems.append(str(exc))
                continue
        if metro not in metros:
            metros.append(metro)
    return metros, problems


def metro_suggestions(text: str, *, limit: int = 8) -> list[Metro]:
    """Metros whose code, name or another name starts with the text (accents ignored), those
    where members operate first: what a name field offers while a person types."""
    folded = fold(text)
    if len(folded) < 2:
        return []
    matching = Metro.objects.filter(
        Q(folded__startswith=folded)
        | Q(aliases__folded__startswith=folded)
        | Q(code__startswith=text.strip().lower())
    ).values("pk")
    return list(
        Metro.objects.filter(pk__in=matching)
        .annotate(member_count=Count("memberships", distinct=True))
        .order_by("-member_count", "name", "code")[:limit]
    )


def metros_with_most_values(
    indicator: Indicator, *, sex: str, limit: int, exclude: Sequence[int] = ()
) -> list[Metro]:
    """The metros where members operate with the most published values of the indicator for
    this sex, most first, then by name."""
    members = Metro.objects.filter(memberships__relation="own").values("pk")
    return list(
        Metro.objects.filter(
            pk__in=members,
            observations__indicator=indicator,
            observations__sex=sex,
            observations__status=Status.PUBLISHED,
        )
        .exclude(pk__in=list(exclude))
        .annotate(n=Count("observations"))
        .order_by("-n", "name", "code")[:limit]
    )


def indicator_series(
    indicator: Indicator, metros: Sequence[Metro], *, sex: str
) -> list[Observation]:
    """Every published value of the indicator for these metros and this sex, projections
    included, by metro then year."""
    return list(
        indicator.observations.filter(
            status=Status.PUBLISHED, sex=sex, metro__in=[m.pk for m in metros]
        )
        .select_related("metro", "source")
        .order_by("metro_id", "year")
    )


GENDER_SORTS = ("metro", "year", "female", "male", "gap", "ratio")


def _gender_order(rows: list[dict[str, Any]], sort: str) -> list[dict[str, Any]]:
    """Rows by a column of the lens ("-gap": largest first); missing values always last."""
    key = sort.lstrip("-")
    if key not in GENDER_SORTS or key == "metro":
        return sorted(rows, key=lambda r: r["metro"].name, reverse=sort == "-metro")
    present = [r for r in rows if r[key] is not None]
    missing = [r for r in rows if r[key] is None]
    present.sort(key=lambda r: (r[key], r["metro"].name), reverse=sort.startswith("-"))
    return present + missing


def gender_lens(*, members_only: bool = True, sort: str = "metro") -> list[dict[str, Any]]:
    """For every indicator split by sex: each metro's latest year with both a female and a male
    value, the gap (male − female) and the ratio (female ÷ male), ordered by `sort`."""
    now = _reference_year()
    result = []
    for indicator in Indicator.objects.order_by("order", "code"):
        if not {"female", "male"} <= set(indicator.sexes):
            continue
        qs = indicator.observations.filter(
            status=Status.PUBLISHED, sex__in=["female", "male"], year__lte=now
        )
        if members_only:
            qs = qs.filter(metro__in=Metro.objects.filter(memberships__relation="own"))
        pairs: dict[tuple[int, int], dict[str, Observation]] = {}
        for obs in qs.select_related("metro").order_by("metro__name", "-year"):
            pairs.setdefault((obs.metro_id, obs.year), {})[obs.sex] = obs
        latest: dict[int, dict[str, Any]] = {}
        for (metro_id, year), by_sex in pairs.items():
            if metro_id in latest or len(by_sex) < 2:
                continue
            female, male = by_sex["female"].value, by_sex["male"].value
            latest[metro_id] = {
                "metro": by_sex["female"].metro,
                "year": year,
                "female": female,
                "male": male,
                "gap": male - female,
                "ratio": female / male if male else None,
                "scale": by_sex["female"].get_scale_display(),
            }
        sexes_present = set(qs.values_list("sex", flat=True).distinct())
        result.append(
            {
                "indicator": indicator,
                "rows": _gender_order(list(latest.values()), sort),
                "sexes_present": sorted(sexes_present),
            }
        )
    return result


def coverage_matrix(*, members_only: bool = True) -> dict[str, Any]:
    """Metros × indicators with each cell's latest published year (None where no value), so
    gaps and stale values show."""
    indicators = list(Indicator.objects.order_by("order", "code"))
    metros_qs = Metro.objects.all()
    if members_only:
        metros_qs = metros_qs.filter(memberships__relation="own").distinct()
    metros = list(metros_qs.order_by("name", "code"))
    latest = (
        Observation.objects.filter(status=Status.PUBLISHED, metro__in=metros_qs)
        .values_list("metro_id", "indicator_id")
        .annotate(last=Max("year"))
        .order_by()
    )
    cells = {(m, i): year for m, i, year in latest}
    return {
        "indicators": indicators,
        "rows": [
            {"metro": metro, "years": [cells.get((metro.pk, ind.pk)) for ind in indicators]}
            for metro in metros
        ],
    }


def headline_rows() -> list[dict[str, Any]]:
    """The home's headline table: a row per metric of the plan's table (in its order), its
    stated average beside the network's figure from the loaded values, then a row per
    indicator staff feature. A metric no indicator stands for still gets its row."""
    indicators = list(Indicator.objects.filter(~Q(headline="") | Q(featured=True)))
    figures = {f.indicator.pk: f for f in network_figures(indicators)}
    by_headline = {i.headline: i for i in indicators if i.headline}
    newest_plan = StrategicPlan.objects.order_by("-start_year").values("pk")[:1]
    stated = list(HeadlineAverage.objects.filter(plan__in=newest_plan).order_by("order"))
    rows: list[dict[str, Any]] = []
    for average in stated:
        # The catalogue names the plan's metric in English; `indicator` reads in the page's
        # language, so matching on it lost every figure in French and Spanish.
        indicator = by_headline.pop(getattr(average, "indicator_en", average.indicator), None)
        figure = figures[indicator.pk] if indicator else None
        rows.append({"indicator": indicator, "figure": figure, "stated": average})
    rest = sorted(
        (i for i in indicators if i.headline in by_headline or not i.headline),
        key=lambda i: (i.order, i.code),
    )
    rows.extend({"indicator": i, "figure": figures[i.pk], "stated": None} for i in rest)
    return rows


def member_coverage() -> tuple[list[tuple[str, str]], list[coverage.CoverageRow]]:
    """(member names and countries, published values grouped per member link, indicator,
    scale and citation) for the data-coverage report."""
    links: dict[int, list[tuple[str, str, str]]] = {}
    for name, iso3, metro_id, relation in MetroMember.objects.values_list(
        "member__name", "member__country__iso3", "metro_id", "relation"
    ):
        links.setdefault(metro_id, []).append((name, iso3, relation))
    grouped = (
        Observation.objects.filter(status=Status.PUBLISHED, metro_id__in=list(links))
        .values("metro_id", "indicator__code", "indicator__theme", "scale", "source__citation")
        .annotate(newest=Max("year"))
        .order_by()
    )
    rows = [
        coverage.CoverageRow(
            member=name,
            country=iso3,
            relation=relation,
            indicator=g["indicator__code"],
            theme=g["indicator__theme"],
            scale=g["scale"],
            newest=g["newest"],
            cited=bool(g["source__citation"]),
        )
        for g in grouped
        for name, iso3, relation in links[g["metro_id"]]
    ]
    members = list(Member.objects.order_by("name").values_list("name", "country__iso3"))
    return members, rows
