"""The exchange's API: solutions (search and filters), one solution, and the writes that
follow the same rules as the forms."""

# No `from __future__ import annotations`: django-ninja reads the annotations at runtime.
from collections.abc import Callable
from datetime import datetime
from typing import Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status as Reply
from ninja.security import django_auth

from metroscope.core import markdown, tokens
from metroscope.core.api_errors import ApiError, refusal
from metroscope.core.i18n import translated
from metroscope.core.tokens import TokenAuth
from metroscope.exchange import access, search, selectors, services, solution_input
from metroscope.exchange.models import Language, Solution, SolutionStatus

router = Router(tags=["exchange"])


class Ref(Schema):
    code: str
    name: str


class CollectionOut(Schema):
    code: str
    name: str
    description: str
    website: str
    url: str
    solutions: int
    cities: int
    countries: int


class TranslationOut(Schema):
    language: str
    title: str
    summary: str
    description_markdown: str
    description_html: str


class AttachmentOut(Schema):
    id: int
    name: str
    kind: str
    content_type: str
    size: int
    caption: str
    url: str


class ContactOut(Schema):
    name: str
    role: str
    email: str


class SolutionOut(Schema):
    slug: str
    url: str
    title: str
    summary: str
    description_markdown: str
    description_html: str
    results: str
    language: str
    collection: Ref
    city: str
    country_iso3: str
    metro: str | None
    members: list[Ref]
    year_started: int | None
    themes: list[Ref]
    challenges: list[Ref]
    sdgs: list[int]
    tags: list[str]
    source_url: str
    published_at: datetime | None
    updated_at: datetime
    views: int
    synthetic: bool
    translations: list[TranslationOut]
    attachments: list[AttachmentOut]
    contact: ContactOut | None = None


def _reader(request: HttpRequest) -> Any:
    """The session's user, or a bearer token's: the contact person is for members only."""
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return tokens.user_for(header[7:].strip())
    return request.user


def _ref(obj: Any) -> dict[str, str]:
    return {"code": obj.code, "name": translated(obj, "name")[0] or obj.name}


def attachment_out(request: HttpRequest, attachment: Any, slug: str) -> dict[str, Any]:
    return {
        "id": attachment.pk,
        "name": attachment.name,
        "kind": attachment.kind,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "caption": attachment.caption,
        "url": request.build_absolute_uri(
            reverse("exchange:attachment", kwargs={"slug": slug, "pk": attachment.pk})
        ),
    }


def _solution_out(request: HttpRequest, solution: Any) -> dict[str, Any]:
    reader = _reader(request)
    contact = None
    if reader is not None and access.can_see_solution_contacts(reader):
        contact = {
            "name": solution.contact_name,
            "role": solution.contact_role,
            "email": solution.contact_email,
        }
    slug = solution.slug
    return {
        "slug": slug,
        "url": request.build_absolute_uri(reverse("exchange:solution", kwargs={"slug": slug})),
        "title": solution.title,
        "summary": solution.summary,
        "description_markdown": solution.description,
        "description_html": str(markdown.render(solution.description)),
        "results": solution.results,
        "language": solution.language,
        "collection": _ref(solution.collection),
        "city": solution.city,
        "country_iso3": solution.country_iso3,
        "metro": solution.metro.code if solution.metro is not None else None,
        "members": [{"code": m.code, "name": m.name} for m in solution.members.all()],
        "year_started": solution.year_started,
        "themes": [_ref(t) for t in solution.themes.all()],
        "challenges": [_ref(c) for c in solution.challenges.all()],
        "sdgs": solution.sdgs,
        "tags": solution.tags,
        "source_url": solution.source_url,
        "published_at": solution.published_at,
        "updated_at": solution.updated_at,
        "views": solution.views,
        "synthetic": solution.synthetic,
        "translations": [
            {
                "language": t.language,
                "title": t.title,
                "summary": t.summary,
                "description_markdown": t.description,
                "description_html": str(markdown.render(t.description)),
            }
            for t in solution.translations.all()
        ],
        "attachments": [attachment_out(request, a, slug) for a in solution.attachments.all()],
        "contact": contact,
    }


@router.get(
    "/solutions/{slug}",
    response=SolutionOut,
    summary="One published solution",
    description=(
        "Its text (the description as Markdown source and as sanitised HTML), plan themes and "
        "challenges, SDGs, tags, collection, place, members, translations and attachment "
        "addresses. `contact` is filled for signed-in officers of members and secretariat "
        "staff (session or bearer token), and `null` for everyone else."
    ),
)
def get_solution(request: HttpRequest, slug: str) -> dict[str, Any]:
    solution = (
        selectors.solution_detail().filter(slug=slug, status=SolutionStatus.PUBLISHED).first()
    )
    if solution is None:
        raise HttpError(404, f"no published solution at {slug!r}")
    return _solution_out(request, solution)


@router.get(
    "/collections",
    response=list[CollectionOut],
    summary="Collections of solutions, with their counters",
)
def list_collections(request: HttpRequest) -> list[dict[str, Any]]:
    found = []
    for counted in selectors.collections_with_counters():
        c = counted.collection
        url = reverse("exchange:collection", kwargs={"code": c.code})
        found.append(
            {
                "code": c.code,
                "name": translated(c, "name")[0],
                "description": translated(c, "description")[0],
                "website": c.website,
                "url": request.build_absolute_uri(url),
                "solutions": counted.solutions,
                "cities": counted.cities,
                "countries": counted.countries,
            }
        )
    return found


# --- search (exchange/search.py) ---------------------------------------------------------------


class SolutionSearchQuery(Schema):
    q: str = Field(
        "",
        description=(
            "Words, in English, French or Spanish; every word must match. "
            '"a phrase" keeps its order, hous* is a prefix, OR joins two words, -word leaves '
            "out"
        ),
    )
    collection: list[str] = Field([], description="Collection codes, e.g. `use`")
    theme: list[str] = Field([], description="Plan theme codes, e.g. `T-SUS`")
    challenge: list[str] = Field([], description="Plan challenge codes, e.g. `C-RESIL`")
    sdg: list[str] = Field([], description="SDG numbers, 1 to 17")
    region: list[str] = Field([], description="Region codes, e.g. `europe`")
    country: list[str] = Field([], description="ISO 3166 alpha-3 codes, e.g. `ESP`")
    year: list[str] = Field([], description="Years the solutions started")
    sort: str = Field(
        "",
        description="`relevance` (the default with words), `newest` (the default without), "
        "`oldest`, `views` or `title`",
    )
    page: int = Field(1, ge=1, le=search.MAX_PAGE)
    per_page: int = Field(search.PER_PAGE, ge=1, le=search.MAX_PER_PAGE)


class FacetValueOut(Schema):
    value: str
    label: str
    count: int
    selected: bool


class HighlightsOut(Schema):
    title: str
    summary: str


class SolutionHitOut(Schema):
    slug: str
    url: str
    title: str
    summary: str
    language: str = Field(..., description="the language of the title and summary given")
    matched_languages: list[str] = Field(
        default_factory=list, description="the languages in which the query matched"
    )
    city: str
    country: str
    country_name: str
    collection: Ref
    year: int | None
    published_at: datetime | None
    score: float | None
    highlights: HighlightsOut


class SolutionSearchOut(Schema):
    q: str
    sort: str
    page: int
    per_page: int
    pages: int
    total: int
    facets: dict[str, list[FacetValueOut]]
    items: list[SolutionHitOut]
    suggestions: list[str] = Field(
        default_factory=list,
        description="when nothing matches: queries spelt close to this one that find something",
    )


def _listed(values: list[str]) -> list[str]:
    return [part for value in values for part in value.split(",") if part.strip()]


@router.get(
    "/solutions",
    response=SolutionSearchOut,
    summary="Search published solutions, with facets",
    description=(
        "Full-text search on the database's own engine (PostgreSQL tsvector, SQLite FTS5), "
        "stemmed in English, French and Spanish: every word must match, in any of the three "
        "languages (the solution's text, its translations, or the labels of its themes, "
        "challenges, SDGs and tags); phrases in quotes, prefixes (hous*), OR and -word; "
        "with filters: values of one facet are OR-ed, facets "
        "AND-ed; give a facet several times or comma-separated. `facets` counts the "
        "matching solutions by collection, theme, challenge, SDG, region, country and year, "
        "each facet without its own filter (a chosen value still shows its alternatives). "
        "`highlights` are HTML-escaped text with the matching words in `<mark>`. Bad input "
        "(operators, quotes, a page past the end) gives results or an empty page, not an error."
    ),
)
def search_solutions(request: HttpRequest, filters: Query[SolutionSearchQuery]) -> dict[str, Any]:
    params = filters.dict()
    chosen = {name: _listed(params[name]) for name in search.FACETS}
    found = search.search(params["q"], chosen, params["sort"], params["page"], params["per_page"])
    items = []
    for hit in found.hits:
        s = hit.solution
        items.append(
            {
                "slug": s.slug,
                "url": request.build_absolute_uri(
                    reverse("exchange:solution", kwargs={"slug": s.slug})
                ),
                "title": hit.title_text,
                "summary": hit.summary_text,
                "language": hit.language,
                "matched_languages": list(hit.matched),
                "city": s.city,
                "country": s.country_iso3,
                "country_name": hit.country_name,
                "collection": _ref(s.collection),
                "year": s.year_started,
                "published_at": s.published_at,
                "score": hit.score,
                "highlights": {"title": str(hit.title), "summary": str(hit.summary)},
            }
        )
    return {
        "q": found.q,
        "sort": found.sort,
        "page": found.page,
        "per_page": found.per_page,
        "pages": found.pages,
        "total": found.total,
        "suggestions": found.suggestions,
        "facets": {
            f.name: [
                {"value": v.value, "label": v.label, "count": v.count, "selected": v.selected}
                for v in f.values
            ]
            for f in found.facets
        },
        "items": items,
    }


# --- writes: the same services and rules as the forms -----------------------------------------


class SolutionIn(Schema):
    title: str = Field(..., max_length=300)
    summary: str
    description: str = ""
    results: str = ""
    language: Language = Language.EN
    collection: str = Field(..., description="collection code, e.g. `use`")
    city: str = Field(..., max_length=200)
    country_iso3: str = Field(..., min_length=3, max_length=3)
    metro: str = Field("", description="Observatory metro code, name or alias")
    members: list[str] = Field(
        [], description="member codes; officers: their own (one member: the default)"
    )
    year_started: int | None = Field(None, ge=1900, le=2100)
    themes: list[str] = Field([], description="plan theme codes, e.g. `T-SUS`")
    challenges: list[str] = Field([], description="plan challenge codes, e.g. `C-RESIL`")
    sdgs: list[int] = Field([], description="SDG numbers, 1 to 17")
    tags: list[str] = []
    contact_name: str = ""
    contact_email: str = ""
    contact_role: str = ""
    source_url: str = ""


class SolutionPatch(Schema):
    title: str | None = Field(None, max_length=300)
    summary: str | None = None
    description: str | None = None
    results: str | None = None
    language: Language | None = None
    collection: str | None = None
    city: str | None = Field(None, max_length=200)
    country_iso3: str | None = Field(None, min_length=3, max_length=3)
    metro: str | None = None
    members: list[str] | None = None
    year_started: int | None = Field(None, ge=1900, le=2100)
    themes: list[str] | None = None
    challenges: list[str] | None = None
    sdgs: list[int] | None = None
    tags: list[str] | None = None
    contact_name: str | None = None
    contact_email: str | None = None
    contact_role: str | None = None
    source_url: str | None = None


class CommentIn(Schema):
    comment: str = Field("", max_length=5000)


class ReviewIn(Schema):
    action: Literal["publish", "request_changes", "reject", "archive"]
    comment: str = Field("", max_length=5000)


class StepOut(Schema):
    action: str
    from_status: str
    to_status: str
    comment: str
    actor: str | None
    at: datetime


class WorkflowOut(Schema):
    slug: str
    url: str
    status: SolutionStatus
    title: str
    members: list[str]
    submitted_at: datetime | None
    published_at: datetime | None
    allowed_actions: list[str]
    steps: list[StepOut]


WRITE_RESPONSES: dict[int, Any] = {
    200: WorkflowOut,
    400: ApiError,
    403: ApiError,
    404: ApiError,
}


def _workflow_out(request: HttpRequest, solution: Any) -> dict[str, Any]:
    solution.refresh_from_db()
    steps = solution.steps.select_related("actor").order_by("at", "pk")
    return {
        "slug": solution.slug,
        "url": request.build_absolute_uri(
            reverse("exchange:solution", kwargs={"slug": solution.slug})
        ),
        "status": solution.status,
        "title": solution.title,
        "members": list(solution.members.order_by("code").values_list("code", flat=True)),
        "submitted_at": solution.submitted_at,
        "published_at": solution.published_at,
        "allowed_actions": services.allowed_actions(request.user, solution),
        "steps": [
            {
                "action": s.action,
                "from_status": s.from_status,
                "to_status": s.to_status,
                "comment": s.comment,
                "actor": s.actor.get_username() if s.actor else None,
                "at": s.at,
            }
            for s in steps
        ],
    }


def _written(request: HttpRequest, write: Callable[[], Any], status: int = 200) -> Reply:
    """Run a service; its refusals become 400/403 answers that say what was wrong."""
    try:
        solution = write()
    except ValidationError as exc:
        return Reply(400, refusal(exc))
    except services.InvalidTransition as exc:
        return Reply(400, {"detail": str(exc), "errors": {}})
    except PermissionDenied as exc:
        return Reply(403, {"detail": str(exc) or "permission denied", "errors": {}})
    return Reply(status, _workflow_out(request, solution))


def _writable(request: HttpRequest, slug: str) -> Any:
    """The solution at `slug` if this user may see it; a 404 answer (as for a solution that does
    not exist) otherwise."""
    solution = Solution.objects.filter(slug=slug).first()
    if solution is None or not access.can_view_solution(request.user, solution):
        raise HttpError(404, f"no solution at {slug!r}")
    return solution


@router.post(
    "/solutions",
    response={201: WorkflowOut, 400: ApiError, 403: ApiError},
    auth=[TokenAuth(), django_auth],
    summary="Write a solution as a draft (officers of members, for their own; secretariat staff)",
)
def create_solution(request: HttpRequest, payload: SolutionIn) -> Any:
    def write() -> Any:
        return services.solution_create(
            user=request.user, data=solution_input.resolve_codes(payload.dict())
        )

    return _written(request, write, status=201)


@router.patch(
    "/solutions/{slug}",
    response=WRITE_RESPONSES,
    auth=[TokenAuth(), django_auth],
    summary="Change a draft or a solution sent back for changes (only the fields given)",
)
def update_solution(request: HttpRequest, slug: str, payload: SolutionPatch) -> Any:
    solution = _writable(request, slug)
    data = payload.dict(exclude_unset=True)

    def write() -> Any:
        return services.solution_update(
            user=request.user, solution=solution, data=solution_input.resolve_codes(data)
        )

    return _written(request, write)


@router.post(
    "/solutions/{slug}/submit",
    response=WRITE_RESPONSES,
    auth=[TokenAuth(), django_auth],
    summary="Send a draft to the Secretariat for review",
)
def submit_solution(request: HttpRequest, slug: str, payload: CommentIn | None = None) -> Any:
    solution = _writable(request, slug)
    comment = payload.comment if payload is not None else ""
    return _written(
        request,
        lambda: services.solution_submit(user=request.user, solution=solution, comment=comment),
    )


@router.post(
    "/solutions/{slug}/review",
    response=WRITE_RESPONSES,
    auth=[TokenAuth(), django_auth],
    summary="Publish, ask for changes, reject or archive a solution (secretariat staff)",
)
def review_solution(request: HttpRequest, slug: str, payload: ReviewIn) -> Any:
    solution = _writable(request, slug)
    return _written(
        request,
        lambda: services.solution_review(
            user=request.user, solution=solution, action=payload.action, comment=payload.comment
        ),
    )
