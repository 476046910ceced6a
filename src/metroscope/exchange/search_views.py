"""The exchange's search page: words, facets with counts, sort and pages; htmx swaps the
results in place, and the same page works without JavaScript."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode

from metroscope.core.i18n import translated
from metroscope.core.text import fold
from metroscope.exchange import search, selectors
from metroscope.plan.models import Theme

PER_PAGE = 20
RECENT = 3
MIN_WORD = 3  # shorter words ("de", "la") would match most theme names


def _link(q: str, filters: dict[str, list[str]], sort: str, page: int = 1) -> str:
    pairs: list[tuple[str, str]] = [("q", q)] if q else []
    pairs += [(name, value) for name, values in filters.items() for value in values]
    pairs += [("sort", sort)]
    if page > 1:
        pairs.append(("page", str(page)))
    return "?" + urlencode(pairs)


def _toggled(filters: dict[str, list[str]], name: str, value: str) -> dict[str, list[str]]:
    changed = {k: list(v) for k, v in filters.items()}
    values = changed.setdefault(name, [])
    if value in values:
        values.remove(value)
    else:
        values.append(value)
    return changed


def _sort(params: Any) -> str | None:
    """The sort asked for, but none when words were just typed where there were none: the
    form then still holds the default of a search without words (newest), not a choice."""
    searched = params.get("searched")
    if searched is not None and not searched.strip() and params.get("q", "").strip():
        return None
    return params.get("sort")


def matching_themes(q: str) -> list[dict[str, str]]:
    """The plan themes one of whose names (English, French or Spanish) has a word starting
    with a word of the query, accents and case aside: "cohésion" finds social cohesion."""
    words = {w for w in fold(q).split() if len(w) >= MIN_WORD}
    if not words:
        return []
    found: dict[str, dict[str, str]] = {}
    for theme in Theme.objects.order_by("order", "pk"):
        names = " ".join(getattr(theme, f"name_{code}", "") or "" for code in ("en", "fr", "es"))
        held = fold(f"{theme.name} {names}").split()
        if theme.code not in found and any(h.startswith(w) for w in words for h in held):
            found[theme.code] = {
                "label": translated(theme, "name")[0] or theme.name,
                "href": _link("", {"theme": [theme.code]}, "newest"),
            }
    return list(found.values())


def _nothing_found(results: search.Results) -> dict[str, Any]:
    """What the page offers when nothing matches: queries spelt close to the one typed that
    find something, the themes the words name, and the latest published solutions."""
    if results.total or results.page > 1:
        return {}
    return {
        "spellings": [
            {"q": text, "href": _link(text, results.filters, "relevance")}
            for text in results.suggestions
        ],
        "theme_suggestions": matching_themes(results.q) if results.q else [],
        "recent": selectors.latest(RECENT),
    }


def search_page(request: HttpRequest) -> HttpResponse:
    params = request.GET
    given = {name: params.getlist(name) for name in search.FACETS if name in params}
    results = search.search(params.get("q", ""), given, _sort(params), params.get("page"), PER_PAGE)
    q, sort, chosen = results.q, results.sort, results.filters

    def link_for(value: search.FacetValue) -> dict[str, Any]:
        return {
            "value": value.value,
            "label": value.label,
            "count": value.count,
            "selected": value.selected,
            "href": _link(q, _toggled(chosen, value.facet, value.value), sort),
        }

    facets = [
        {"name": f.name, "label": f.label, "values": [link_for(v) for v in f.values]}
        for f in results.facets
        if f.values
    ]
    first = (results.page - 1) * results.per_page + 1
    context: dict[str, Any] = {
        "results": results,
        "facets": facets,
        "selected": [
            {"facet": str(search.FACETS[v.facet]), **link_for(v)} for v in results.selected
        ],
        "sorts": [(key, label) for key, label in search.SORTS.items() if q or key != "relevance"],
        "first_number": first,
        "last_number": first + len(results.hits) - 1,
        "previous_url": _link(q, chosen, sort, results.page - 1) if results.page > 1 else "",
        "next_url": _link(q, chosen, sort, results.page + 1)
        if results.page < results.pages
        else "",
        "clear_url": _link(q, {}, sort),
        **_nothing_found(results),
    }
    htmx = getattr(request, "htmx", False)
    template = "exchange/_search_results.html" if htmx else "exchange/search.html"
    return render(request, template, context)
