"""The exchange's public reading side: its home, a collection's mini-site, a solution's page,
the solution's files and the feeds of newly published solutions."""

from __future__ import annotations

import mimetypes
from pathlib import PurePath
from typing import Any

from django.core.paginator import Paginator
from django.db.models import F
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.templatetags.static import static
from django.urls import NoReverseMatch, reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from metroscope.core import markdown
from metroscope.core.i18n import translated
from metroscope.exchange import access, selectors
from metroscope.exchange.charts import solution_map
from metroscope.exchange.feeds import KINDS, AtomSolutionsFeed, SolutionsFeed
from metroscope.exchange.models import (
    Attachment,
    AttachmentKind,
    Collection,
    Solution,
    SolutionStatus,
)
from metroscope.exchange.sdgs import sdg_label

PAGE_SIZE = 20
HOME_LIST = 6
OUTLINE = "geo/countries-110m.json"
# Files are served with the type recorded at upload (checked by content there) when it is one
# of these; anything else is offered as a download of bytes.
SERVED_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf"})


def search_url() -> str:
    """The exchange's search page (built beside this module; its address is agreed)."""
    try:
        return reverse("exchange:search")
    except NoReverseMatch:
        return reverse("exchange:home") + "search/"


def _feeds(code: str | None, name: str) -> list[dict[str, str]]:
    """The <link rel="alternate"> entries of a page's head."""
    links = []
    for kind, label, mime in (
        ("rss", "RSS", "application/rss+xml"),
        ("atom", "Atom", "application/atom+xml"),
    ):
        if code is None:
            url = reverse("exchange:feed_all", kwargs={"kind": kind})
        else:
            url = reverse("exchange:feed", kwargs={"code": code, "kind": kind})
        links.append({"label": label, "type": mime, "url": url, "title": f"{name} ({label})"})
    return links


def _map(solutions: Any, collections: list[Collection]) -> dict[str, Any]:
    placed, unplaced = selectors.located(solutions)
    names = {c.pk: translated(c, "name")[0] for c in collections}
    return {
        "map_spec": solution_map(placed, collection_names=names, outline_url=static(OUTLINE)),
        "placed": len(placed),
        "unplaced": unplaced,
    }


def home(request: HttpRequest) -> HttpResponse:
    collections = selectors.collections_with_counters()
    context: dict[str, Any] = {
        "totals": selectors.counters(selectors.published()),
        "latest": selectors.latest(HOME_LIST),
        "most_viewed": selectors.most_viewed(HOME_LIST),
        "themes": [t for t in selectors.theme_counts() if t.solutions],
        "collections": collections,
        "search_url": search_url(),
        "feeds": _feeds(None, _("Urban solutions")),
        **_map(selectors.published(), [c.collection for c in collections]),
    }
    return render(request, "exchange/home.html", context)


def collection_page(request: HttpRequest, code: str) -> HttpResponse:
    collection = get_object_or_404(Collection, code=code)
    solutions = selectors.published().filter(collection=collection)
    listed = (
        solutions.select_related("collection")
        .prefetch_related("translations")
        .order_by("-published_at", "-pk")
    )
    page = Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
    context: dict[str, Any] = {
        "collection": collection,
        "collection_name": translated(collection, "name")[0],
        "counters": selectors.counters(solutions),
        "page": page,
        "search_url": search_url(),
        "feeds": _feeds(collection.code, translated(collection, "name")[0]),
        **_map(solutions, [collection]),
    }
    return render(request, "exchange/collection.html", context)


def _count_view(request: HttpRequest, solution: Solution) -> None:
    """One more view of a published solution, unless its author is looking."""
    if solution.status != SolutionStatus.PUBLISHED:
        return
    if request.user.is_authenticated and request.user.pk == solution.author_id:
        return
    Solution.objects.filter(pk=solution.pk).update(views=F("views") + 1)
    solution.views += 1


def solution_page(request: HttpRequest, slug: str) -> HttpResponse:
    solution = access.access_solution_for_reading(request.user, slug, selectors.solution_detail())
    versions = selectors.text_versions(solution)
    wanted = request.GET.get("lang") or get_language()
    shown = next((v for v in versions if v.language == wanted), versions[0])
    # A translation without a description shows the original's, marked with its language.
    described = shown if shown.description.strip() else versions[0]
    _count_view(request, solution)
    attachments = list(solution.attachments.all())
    context: dict[str, Any] = {
        "solution": solution,
        "versions": versions,
        "shown": shown,
        "description_html": markdown.render(described.description),
        "description_lang": described.language,
        "country_name": selectors.country_name(solution),
        "sdgs": [(n, sdg_label(n)) for n in solution.sdgs],
        "images": [a for a in attachments if a.kind == AttachmentKind.IMAGE],
        "documents": [a for a in attachments if a.kind != AttachmentKind.IMAGE],
        "related": selectors.related_solutions(solution),
        "show_contact": access.can_see_solution_contacts(request.user),
        "unpublished": solution.status != SolutionStatus.PUBLISHED,
        "search_url": search_url(),
        "feeds": _feeds(solution.collection.code, translated(solution.collection, "name")[0]),
    }
    response = render(request, "exchange/solution.html", context)
    # Each reading is counted here, so none may be answered from a cache (core.page_cache).
    patch_cache_control(response, no_cache=True)
    return response


def attachment_file(request: HttpRequest, slug: str, pk: int) -> FileResponse:
    """A solution's image or PDF, to whoever may read the solution, never straight from disk."""
    solution = access.access_solution_for_reading(request.user, slug, Solution.objects.all())
    attachment = get_object_or_404(Attachment, pk=pk, solution=solution)
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    served = attachment.content_type in SERVED_TYPES
    content_type = attachment.content_type if served else "application/octet-stream"
    filename = PurePath(attachment.file.name).name
    if served and not PurePath(filename).suffix:
        filename += mimetypes.guess_extension(content_type) or ""
    response = FileResponse(
        handle, content_type=content_type, as_attachment=not served, filename=filename
    )
    published = solution.status == SolutionStatus.PUBLISHED
    response["Cache-Control"] = "private, max-age=3600" if published else "private, no-store"
    if content_type != "application/pdf":  # the browsers' PDF viewers do not run sandboxed
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def _feed_class(kind: str) -> type[SolutionsFeed]:
    if kind not in KINDS:
        raise Http404
    return AtomSolutionsFeed if kind == "atom" else SolutionsFeed


def feed(request: HttpRequest, code: str, kind: str) -> HttpResponse:
    return _feed_class(kind)()(request, code=code)


def feed_all(request: HttpRequest, kind: str) -> HttpResponse:
    return _feed_class(kind)()(request)
