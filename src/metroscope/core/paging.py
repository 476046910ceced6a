"""Pages of long lists whose links keep the rest of the address (filters, other lists' pages),
so one page can hold several paginated tables, each with its own parameter."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest


@dataclass
class Pager:
    """One page of a list, iterable like the list, with the addresses of its neighbours."""

    page: Page  # type: ignore[type-arg]
    previous_url: str
    next_url: str

    def __iter__(self) -> Iterator[Any]:
        return iter(self.page.object_list)

    def __len__(self) -> int:
        return len(self.page.object_list)

    def __bool__(self) -> bool:
        return self.page.paginator.count > 0

    @property
    def count(self) -> int:
        return int(self.page.paginator.count)


def paginate(
    request: HttpRequest,
    items: Sequence[Any] | Any,
    *,
    param: str = "page",
    per_page: int = 50,
    count: int | None = None,
    anchor: str = "",
    fetch: Callable[[list[Any]], dict[Any, Any]] | None = None,
) -> Pager:
    """The page of `items` the request asks for in `param` (the last for a number past it, the
    first for anything else). Pass `count` when it is known, to spare a COUNT query; with
    `fetch`, `items` are keys in the list's order and the page holds what `fetch` returns for
    its keys (so a long ordered list of keys can be kept, and only a page of rows read)."""
    paginator = Paginator(items, per_page)
    if count is not None:
        paginator.count = count  # type: ignore[misc]  # a cached property, known here
    page = paginator.get_page(request.GET.get(param))
    if fetch is not None:
        keys = list(page.object_list)
        found = fetch(keys)
        page.object_list = [found[k] for k in keys if k in found]

    def url(number: int) -> str:
        query = request.GET.copy()
        query[param] = str(number)
        return f"?{query.urlencode()}" + (f"#{anchor}" if anchor else "")

    return Pager(
        page=page,
        previous_url=url(page.previous_page_number()) if page.has_previous() else "",
        next_url=url(page.next_page_number()) if page.has_next() else "",
    )
