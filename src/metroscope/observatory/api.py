"""API v1 for the Observatory: the catalogue, metros and values (read), and writes for officers
and staff with exactly the rules of the forms and file imports."""

# No `from __future__ import annotations`: django-ninja reads Query[...] annotations at runtime.
import base64
import binascii
from typing import Any, Literal

import orjson
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate
from ninja.responses import Status as Reply
from ninja.security import django_auth

from metroscope.core import tokens
from metroscope.core.api_errors import ApiError, error_body
from metroscope.core.api_paging import BoundedLimitOffset
from metroscope.core.api_params import BodyId
from metroscope.core.i18n import translated
from metroscope.core.tokens import TokenAuth
from metroscope.observatory import access, analytics, benchmarks, selectors, services
from metroscope.observatory.imports import ImportRejected
from metroscope.observatory.models import (
    AreaKind,
    Flag,
    Indicator,
    Metro,
    Observation,
    ProposedValue,
    Scale,
    Sex,
    Status,
    split_flags,
)
from metroscope.observatory.resolve import is_generic

router = Router(tags=["observatory"])


class IndicatorOut(Schema):
    code: str
    name: str
    definition: str
    methodology: str
    theme: str
    unit: str
    decimals: int
    direction: str
    sexes: list[str]
    min_value: float | None
    max_value: float | None
    sdg_targets: list[str]
    umf_domain: str
    umf_objective: str
    headline: str
    plan_themes: list[str]
    plan_challenges: list[str]
    metro_count: int = 0
    value_count: int = 0
    first_year: int | None = None
    last_year: int | None = None

    @staticmethod
    def resolve_name(obj: Indicator) -> str:
        return translated(obj, "name")[0]

    @staticmethod
    def resolve_definition(obj: Indicator) -> str:
        return translated(obj, "definition")[0]

    @staticmethod
    def resolve_methodology(obj: Indicator) -> str:
        return translated(obj, "methodology")[0]

    @staticmethod
    def resolve_plan_themes(obj: Indicator) -> list[str]:
        return [t.code for t in obj.plan_themes.all()]

    @staticmethod
    def resolve_plan_challenges(obj: Indicator) -> list[str]:
        return [c.code for c in obj.plan_challenges.all()]


class MemberLink(Schema):
    code: str
    name: str
    relation: str


class MetroOut(Schema):
    code: str
    name: str
    country_iso3: str
    country_name: str
    kind: str
    latitude: float | None
    longitude: float | None
    ghsl_id: int | None
    wup_id: int | None
    wup_match: str
    wup_distance_km: float | None
    synthetic: bool
    members: list[MemberLink]

    @staticmethod
    def resolve_members(obj: Metro) -> list[dict[str, str]]:
        return [
            {"code": link.member.code, "name": link.member.name, "relation": link.relation}
            for link in obj.memberships.all()
        ]


class MetroDetail(MetroOut):
    aliases: list[str]

    @staticmethod
    def resolve_aliases(obj: Metro) -> list[str]:
        return [a.name for a in obj.aliases.all() if not is_generic(a.folded)]


class SourceOut(Schema):
    code: str
    publisher: str
    title: str
    url: str
    licence: str
    released: str
    citation: str = Field("", description="wording the source requires with its values")


class ObservationOut(Schema):
    id: int
    metro: str
    metro_name: str
    country_iso3: str
    indicator: str
    year: int
    sex: str
    value: float
    unit: str
    scale: str
    status: str
    source: SourceOut
    note: str
    flags: list[Flag] = Field(
        description="what a reader must know about this value: projection, low_coverage "
        "(WHO temporal coverage below 75 %), self_reported, source_boundary, "
        "sum_of_components, check_value",
    )
    synthetic: bool


class ObservationPage(Schema):
    items: list[ObservationOut]
    next_cursor: str | None = Field(None, description="pass as `cursor` for the next page")


class ObservationQuery(Schema):
    indicator: str = Field("", description="indicator code(s), comma-separated")
    metro: str = Field("", description="metro code(s), comma-separated")
    member: str = Field("", description="member code: the values of its own place")
    country: str = Field("", description="ISO 3166-1 alpha-3 of the metro's country")
    region: str = Field("", description="Metropolis region code")
    year_from: int | None = Field(None, ge=1900, le=2100)
    year_to: int | None = Field(None, ge=1900, le=2100)
    sex: Sex | None = None
    scale: Scale | None = None
    status: Status | None = Field(None, description="secretariat staff only; default published")
    cursor: str = ""
    limit: int = Field(500, ge=1, le=5000)


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _cursor(text: str) -> int:
    if not text:
        return 0
    try:
        return int(base64.urlsafe_b64decode(text.encode()).decode())
    except (ValueError, binascii.Error):
        raise HttpError(400, "invalid cursor") from None


def _filters(request: HttpRequest, q: ObservationQuery) -> selectors.ObservationFilters:
    statuses: tuple[str, ...] = (Status.PUBLISHED,)
    if q.status is not None and q.status != Status.PUBLISHED:
        if not access.can_view_unpublished(request.user):
            raise HttpError(403, "only secretariat staff see unpublished values")
        statuses = (q.status.value,)
    return selectors.ObservationFilters(
        indicators=_split(q.indicator),
        metros=_split(q.metro),
        member=q.member,
        country=q.country,
        region=q.region,
        year_from=q.year_from,
        year_to=q.year_to,
        sex=q.sex.value if q.sex else "",
        scale=q.scale.value if q.scale else "",
        statuses=statuses,
    )


def _out(o: Observation) -> dict[str, Any]:
    s = o.source
    return {
        "id": o.pk,
        "metro": o.metro.code,
        "metro_name": o.metro.name,
        "country_iso3": o.metro.country_iso3,
        "indicator": o.indicator.code,
        "year": o.year,
        "sex": o.sex,
        "value": o.value,
        "unit": o.indicator.unit,
        "scale": o.scale,
        "status": o.status,
        "source": {
            "code": s.code,
            "publisher": s.publisher,
            "title": s.title,
            "url": s.url,
            "licence": s.licence,
            "released": s.released,
            "citation": s.citation,
        },
        "note": o.note,
        "flags": split_flags(o.flags),
        "synthetic": o.metro.synthetic,
    }


@router.get("/indicators", response=list[IndicatorOut], summary="The indicator catalogue")
def list_indicators(request: HttpRequest, theme: str = ""):  # type: ignore[no-untyped-def]
    qs = selectors.indicator_catalogue()
    if theme:
        qs = qs.filter(theme=theme)
    return list(qs)


@router.get("/indicators/{code}", response=IndicatorOut, summary="One indicator")
def get_indicator(request: HttpRequest, code: str) -> Indicator:
    return get_object_or_404(selectors.indicator_catalogue(), code=code)


class MetroQuery(Schema):
    q: str = Field("", max_length=100, description="name or alias, accents ignored")
    country: str = Field("", description="ISO 3166-1 alpha-3")
    kind: AreaKind | None = None
    members_only: bool = Field(False, description="only metros where members operate")


@router.get("/metros", response=list[MetroOut], summary="Metropolitan spaces")
@paginate(BoundedLimitOffset)
def list_metros(request: HttpRequest, filters: Query[MetroQuery]):  # type: ignore[no-untyped-def]
    return selectors.metro_list(
        query=filters.q,
        country=filters.country,
        kind=filters.kind.value if filters.kind else "",
        members_only=filters.members_only,
    ).prefetch_related("memberships__member")


@router.get("/metros/{code}", response=MetroDetail, summary="One metro, with members and aliases")
def get_metro(request: HttpRequest, code: str) -> Metro:
    return get_object_or_404(
        Metro.objects.prefetch_related("memberships__member", "aliases"), code=code
    )


@router.get(
    "/observations",
    response={200: ObservationPage, 403: ApiError},
    summary="Values, filtered, with cursor pagination",
)
def list_observations(request: HttpRequest, q: Query[ObservationQuery]) -> dict[str, Any]:
    after = _cursor(q.cursor)
    qs = (
        selectors.observations(_filters(request, q))
        .filter(pk__gt=after)
        .select_related("metro", "indicator", "source")
        .order_by("pk")
    )
    items = list(qs[: q.limit + 1])
    more = len(items) > q.limit
    items = items[: q.limit]
    token = base64.urlsafe_b64encode(str(items[-1].pk).encode()).decode() if more else None
    return {"items": [_out(o) for o in items], "next_cursor": token}


class ValueIn(Schema):
    metro: str = Field(..., description="metro code, name or alias")
    indicator: str
    year: int
    value: float
    sex: Sex = Sex.TOTAL
    scale: Scale = Scale.METRO
    source: str = Field(..., min_length=1, description="source code or title")
    note: str | None = Field(
        None,
        max_length=500,
        description="omitted or null: a value already held keeps its note; empty: no note",
    )


class WriteResult(Schema):
    rows: int
    created: int
    updated: int
    unchanged: int
    proposed: int = Field(
        0, description="changes proposed to published values (those stay public until review)"
    )
    flagged: int = Field(0, description="values flagged 'check_value' (far past the published)")
    batch: int | None
    status: str


class Problem(Schema):
    row: int | None
    column: str | None
    value: str
    reason: str


class Rejected(ApiError):
    """ApiError with the rows a value import refused (empty for other refusals)."""

    problems: list[Problem] = Field(
        default_factory=list, description="each value refused: its row, column and why"
    )


@router.post(
    "/observations",
    response={200: WriteResult, 403: Rejected, 422: Rejected},
    auth=[TokenAuth(), django_auth],
    summary="Enter or correct values (officers: own member's metros; values start provisional)",
)
def write_observations(request: HttpRequest, payload: list[ValueIn]) -> Any:
    values = [services.ValueInput(**v.dict()) for v in payload]
    try:
        result = services.observation_enter(user=request.user, values=values, kind="api")
    except ImportRejected as exc:
        return Reply(
            422,
            {
                "detail": f"{exc.total} problem(s); nothing was written",
                "errors": {},
                "problems": [p.__dict__ for p in exc.problems],
            },
        )
    except services.PermissionDenied:
        return Reply(403, error_body("you may not enter values"))
    return Reply(
        200,
        {
            "rows": result.rows,
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "proposed": result.proposed,
            "flagged": result.flagged,
            "batch": result.batch.pk if result.batch else None,
            "status": Status.PROVISIONAL,
        },
    )


class ReviewIn(Schema):
    ids: list[BodyId] = Field(..., min_length=1, max_length=10000)
    status: Status = Field(
        ..., description="validated, published, or returned (for correction, with a comment)"
    )
    comment: str = Field("", max_length=2000, description="why the values are returned")


class ReviewOut(Schema):
    changed: int


@router.post(
    "/observations/review",
    response={200: ReviewOut, 400: Rejected, 403: Rejected},
    auth=[TokenAuth(), django_auth],
    summary="Validate, publish or return values with a comment (secretariat staff)",
)
def review_observations(request: HttpRequest, payload: ReviewIn) -> Any:
    try:
        if payload.status == Status.RETURNED:
            changed = services.observation_return(
                user=request.user, observation_ids=payload.ids, comment=payload.comment
            )
        else:
            changed = services.observation_review(
                user=request.user, observation_ids=payload.ids, status=payload.status.value
            )
    except services.PermissionDenied:
        return Reply(403, error_body("only secretariat staff review values"))
    except ValueError as exc:
        return Reply(400, error_body(str(exc)))
    return Reply(200, {"changed": changed})


class ProposalOut(Schema):
    id: int
    metro: str
    indicator: str
    year: int
    sex: str
    published_value: float
    value: float
    difference: float
    scale: str
    source: str
    note: str
    flags: list[str]
    proposed_by: str | None
    proposed_at: str


def _proposal_out(p: ProposedValue) -> dict[str, Any]:
    obs = p.observation
    return {
        "id": p.pk,
        "metro": obs.metro.code,
        "indicator": obs.indicator.code,
        "year": obs.year,
        "sex": obs.sex,
        "published_value": obs.value,
        "value": p.value,
        "difference": p.difference,
        "scale": p.scale,
        "source": p.source.code,
        "note": p.note,
        "flags": p.flag_list(),
        "proposed_by": p.proposed_by.get_username() if p.proposed_by else None,
        "proposed_at": p.proposed_at.isoformat(),
    }


@router.get(
    "/observations/proposals",
    response={200: list[ProposalOut], 403: Rejected, 404: Rejected},
    auth=[TokenAuth(), django_auth],
    summary="Changes proposed to a metro's published values, waiting for review",
)
def list_proposals(request: HttpRequest, metro: str = "") -> Any:
    place = get_object_or_404(Metro, code=metro) if metro else None
    allowed = (
        access.can_view_proposals(request.user, place)
        if place is not None
        else access.can_review_values(request.user)
    )
    if not allowed:
        return Reply(403, error_body("you may not see these proposed changes"))
    return Reply(200, [_proposal_out(p) for p in selectors.pending_proposals(metro=place)])


class DecideIn(Schema):
    ids: list[BodyId] = Field(..., min_length=1, max_length=10000)
    decision: Literal["approve", "reject", "return"]
    comment: str = Field(
        "", max_length=2000, description="why the changes are returned (required to return)"
    )


class DecideOut(Schema):
    decided: int


@router.post(
    "/observations/proposals/decide",
    response={200: DecideOut, 400: Rejected, 403: Rejected},
    auth=[TokenAuth(), django_auth],
    summary="Approve, reject or return with a comment proposed changes (secretariat staff)",
)
def decide_proposals(request: HttpRequest, payload: DecideIn) -> Any:
    try:
        if payload.decision == "return":
            decided = services.proposal_return(
                user=request.user, proposal_ids=payload.ids, comment=payload.comment
            )
        else:
            decided = services.proposal_decide(
                user=request.user, proposal_ids=payload.ids, approve=payload.decision == "approve"
            )
    except services.PermissionDenied:
        return Reply(
            403,
            error_body("only secretariat staff decide proposed changes"),
        )
    except ValueError as exc:
        return Reply(400, error_body(str(exc)))
    return Reply(200, {"decided": decided})


# --- peer benchmarking -------------------------------------------------------------------------


class StatsOut(Schema):
    count: int
    mean: float | None
    median: float | None
    p25: float | None
    p75: float | None
    min: float | None
    max: float | None


RANK_HELP = (
    "absent when fewer than MIN_PEERS (5) values of this scale and year are among the peers "
    "(see `reason`)"
)
REASON_HELP = (
    "why no value carries a percentile rank: `too_few_peers` (fewer than MIN_PEERS values, "
    "`peer_count` says how many; `enough_year` is the newest year with enough) or "
    "`national_proxy` (a country's figure copied onto its metros: listed once per country "
    "in `countries`, never ranked as metros); absent when every value is ranked"
)


class PeerValue(Schema):
    metro: str
    metro_name: str
    country_iso3: str
    value: float
    percentile_rank: float | None = Field(None, description=RANK_HELP)
    better_than: float | None = Field(
        None, description=f"null for a neutral indicator; {RANK_HELP}"
    )


class CountryValue(Schema):
    country_iso3: str
    value: float = Field(..., description="the country's figure")
    metros: int = Field(..., description="metros among the peers the figure was copied onto")


class BenchmarkOut(Schema):
    indicator: str
    year: int
    sex: str
    peers: str
    scale: str = Field(
        ..., description="the one scale compared (metro, core_city, region or national_proxy)"
    )
    min_peers: int = Field(..., description="the fewest values a percentile rank rests on")
    peer_count: int = Field(..., description="values of this scale and year among the peers")
    other_scales: dict[str, int] = Field(
        ..., description="values of that year among the peers at other scales, left out"
    )
    reason: str | None = Field(None, description=REASON_HELP)
    enough_year: int | None = Field(
        None,
        description="with `too_few_peers`: the newest year (not after this one) with at least "
        "MIN_PEERS values of this scale among the peers; null when none has",
    )
    stats: StatsOut = Field(
        ...,
        description="of the values, or of the country figures for national proxies; median "
        "and quartiles are null among fewer than MIN_PEERS (they are percentiles too)",
    )
    values: list[PeerValue]
    countries: list[CountryValue] | None = Field(
        None, description="national proxies: one row per country, highest figure first"
    )


PEERS_HELP = (
    "all, members, region:<code>, country:<ISO3>, size:<lt1m|1m-5m|5m-10m|ge10m>, "
    "group:<id> (a saved peer group: yours, or one shared by link) or metros:<code,…>"
)


class BenchmarkQuery(Schema):
    indicator: str
    year: int = Field(..., ge=1900, le=2100)
    sex: Sex = Sex.TOTAL
    peers: str = Field("all", description=PEERS_HELP)
    scale: Scale | None = Field(
        None,
        description="the scale to compare; default: the one most of the year's values among "
        "the peers have (metro, core_city, region on a tie), national_proxy only when alone",
    )


class ProfileQuery(Schema):
    peers: str = Field("all", description=PEERS_HELP)
    sex: Sex = Sex.TOTAL
    years: str = Field(
        "",
        max_length=400,
        description="`indicator:year,…`: rank these indicators at these years of the metro's "
        "values instead of the latest (e.g. an `enough_year`)",
    )


class SimilarQuery(Schema):
    k: int = Field(10, ge=1, le=100)
    indicators: str = Field("", description="indicator codes, comma-separated; default set")


def _reader(request: HttpRequest) -> Any:
    """Who reads: the session's user, or a bearer token's on these public endpoints (a
    private peer group is visible to its owner only)."""
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return tokens.user_for(header[7:].strip())
    return request.user


def _peers(request: HttpRequest, spec: str) -> benchmarks.Peers:
    try:
        reader = _reader(request) if spec.strip().startswith("group:") else None
        return benchmarks.resolve_peers(spec, reader)
    except benchmarks.PeerError as exc:
        raise HttpError(400, str(exc)) from exc


@router.get(
    "/benchmarks",
    response={200: BenchmarkOut, 404: ApiError},
    summary="Statistics of one indicator-year among peers of one scale, with every peer's "
    "value and rank (ranks only among at least 5 peers; national proxies once per country)",
)
def get_benchmarks(request: HttpRequest, q: Query[BenchmarkQuery]) -> HttpResponse:
    ind = get_object_or_404(Indicator, code=q.indicator)
    group = _peers(request, q.peers)
    scale = q.scale.value if q.scale else None
    result = benchmarks.benchmark(ind, q.year, q.sex.value, group, scale)
    head = {
        "indicator": ind.code,
        "year": q.year,
        "sex": q.sex.value,
        "peers": group.spec,
        "scale": result["scale"],
        "min_peers": analytics.MIN_PEERS,
        "peer_count": result["peer_count"],
        "other_scales": result["other_scales"],
        **{k: result[k] for k in ("reason", "enough_year", "countries") if k in result},
        "stats": result["stats"].__dict__,
    }
    # Up to 13,000 peers, encoded once per data version: the answer is spliced from JSON
    # bytes instead of being validated row by row against the schema, which still documents
    # it in OpenAPI.
    body = orjson.dumps(head)[:-1] + b',"values":' + result["peers_json"] + b"}"
    return HttpResponse(body, content_type="application/json")


class ReferenceOut(Schema):
    code: str
    label: str
    kind: str
    value: float
    year: int | None
    source: str
    distance: float = Field(..., description="the metro's value minus the reference value")
    meets: bool | None = Field(
        ..., description="at or below it where lower is better, at or above where higher is"
    )


class ProfileRow(Schema):
    indicator: str
    name: str
    unit: str
    direction: str
    year: int
    value: float
    scale: str = Field(..., description="peers are the values of this scale and year only")
    source: str
    citation: str = Field("", description="wording the source requires with its values")
    flags: list[Flag]
    percentile_rank: float | None = Field(None, description=RANK_HELP)
    better_than: float | None = Field(
        None, description=f"null for a neutral indicator; {RANK_HELP}"
    )
    peer_median: float | None = Field(None, description=RANK_HELP)
    peer_count: int | None = Field(
        None,
        description="values of this scale and year among the peers, the metro's included; "
        "absent for a national proxy",
    )
    reason: str | None = Field(None, description=REASON_HELP)
    enough_year: int | None = Field(
        None,
        description="with `too_few_peers`: the newest year of the metro's own values of this "
        "scale with at least MIN_PEERS peers (ask `years=<indicator>:<year>`); null when none",
    )
    references: list[ReferenceOut]


class ProfileOut(Schema):
    metro: str
    peers: str
    indicators: list[ProfileRow]


@router.get(
    "/metros/{code}/profile",
    response=ProfileOut,
    summary="Every indicator of a metro at its latest year, ranked among peers of the same "
    "scale and year (only among at least 5; a national proxy is not ranked)",
    exclude_unset=True,  # a row without enough peers has no rank fields at all
)
def get_profile(request: HttpRequest, code: str, q: Query[ProfileQuery]) -> dict[str, Any]:
    metro = get_object_or_404(Metro, code=code)
    group = _peers(request, q.peers)
    rows = benchmarks.profile(metro, group, q.sex.value, benchmarks.parse_years(q.years))
    return {
        "metro": metro.code,
        "peers": group.spec,
        "indicators": [
            {
                "indicator": r["indicator"].code,
                "name": translated(r["indicator"], "name")[0],
                "unit": r["indicator"].unit,
                "direction": r["indicator"].direction,
                "year": r["observation"].year,
                "value": r["observation"].value,
                "scale": r["observation"].scale,
                "source": r["observation"].source.code,
                "citation": r["observation"].source.citation,
                "flags": split_flags(r["observation"].flags),
                **_standing_fields(r),
                "references": [
                    {
                        "code": ref["reference"].code,
                        "label": translated(ref["reference"], "label")[0],
                        "kind": ref["reference"].kind,
                        "value": ref["reference"].value,
                        "year": ref["reference"].year,
                        "source": ref["reference"].source,
                        "distance": ref["distance"].gap,
                        "meets": ref["distance"].meets,
                    }
                    for ref in r["references"]
                ],
            }
            for r in rows
        ],
    }


def _standing_fields(row: dict[str, Any]) -> dict[str, Any]:
    """A profile row's rank fields, or, without enough peers, the reason instead of them."""
    if row["reason"] is None:
        return {k: row[k] for k in ("percentile_rank", "better_than", "peer_median", "peer_count")}
    fields = {"reason": row["reason"]}
    if row["reason"] == benchmarks.TOO_FEW_PEERS:
        fields |= {"peer_count": row["peer_count"], "enough_year": row["enough_year"]}
    return fields


class Neighbour(Schema):
    metro: str
    metro_name: str
    country_iso3: str
    distance: float
    shared_indicators: int
    closest_on: list[str]


class SimilarOut(Schema):
    metro: str
    indicators: list[str] = Field(
        ..., description="compared, each at one scale (the one most of its values have)"
    )
    left_out: list[str] = Field(
        ..., description="asked but with national proxies only: not compared"
    )
    neighbours: list[Neighbour]


@router.get(
    "/metros/{code}/similar",
    response=SimilarOut,
    summary="Metros like this one: nearest over z-scored indicators, with the reasons",
)
def get_similar(request: HttpRequest, code: str, q: Query[SimilarQuery]) -> dict[str, Any]:
    metro = get_object_or_404(Metro, code=code)
    codes = _split(q.indicators) or list(benchmarks.DEFAULT_SIMILAR)
    try:
        result = benchmarks.similar(metro, q.k, codes, strict=True)
    except benchmarks.UnknownIndicators as exc:
        raise HttpError(400, f"unknown indicator(s): {', '.join(exc.codes)}") from exc
    return {
        "metro": metro.code,
        "indicators": [i.code for i in result["indicators"]],
        "left_out": [i.code for i in result["left_out"]],
        "neighbours": [
            {
                "metro": n["metro"].code,
                "metro_name": n["metro"].name,
                "country_iso3": n["metro"].country_iso3,
                "distance": n["distance"],
                "shared_indicators": n["shared"],
                "closest_on": n["closest"],
            }
            for n in result["neighbours"]
        ],
    }
