"""Whole responses kept for anonymous visitors, with Django's own cache keys (`learn_cache_key`,
`get_cache_key`) in the `pages` cache (Redis with REDIS_URL, else each process's memory).

Two middleware, placed as Django places UpdateCacheMiddleware and FetchFromCacheMiddleware:
`FetchPageMiddleware` once the language is chosen (after ApiLanguageMiddleware: the active
language is part of the key, and a French reader of an English address has been redirected
already), `StorePageMiddleware` above GZipMiddleware, so that what is kept is what is sent,
compressed or not, and the key holds Accept-Encoding (GZipMiddleware's `Vary`). WhiteNoise
answers static files above both.

Freshness. Entries are keyed by the site's content version: a token in the `pages` cache
that every model write renews (post_save, post_delete and m2m_changed, once when the write is
made and once more when its transaction commits), with each registered version (the
Observatory registers `panel.data_version()`: every import batch, and the metro table's
trigger token) read in the same request. Each entry also lives at most
METROSCOPE_PAGE_CACHE_SECONDS, which bounds what the signals do not see:
- Writes without signals: `QuerySet.update()`, `bulk_create`, `bulk_update`, raw SQL. Those
  of observations and metros are covered by `panel.data_version()` (observations come with an
  ImportBatch; the metro table has triggers: observatory/loaders/metros.py's bulk writes,
  services' ProposedValue updates inside a batch). Not covered, shown late by at most the
  TTL: exchange/loaders.py's `published_at` update (a loader, whose solution saves renew the
  token anyway), a solution's view count (exchange/views.py, the "most viewed" order),
  listening's bulk-created answers and invitations (no public page reads them), jobs',
  tokens' and notifications' updates (personal pages, never cached).
- Without REDIS_URL, a write in one process (the other gunicorn worker, the task queue's
  worker) renews only that process's token: the other processes' entries last their TTL.
  Observatory imports are seen at once everywhere (their version is in the database).
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Hashable
from typing import Any

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.db import connection, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import get_cache_key, get_max_age, learn_cache_key

CACHE_ALIAS = "pages"
VERSION_KEY = "pages:site-version"
HIT_HEADER = "X-Cache"
# Never kept: the back office, the health check (it must ask the database each time), the
# language switch, and the jobs' pages (personal).
NOT_CACHED = ("/admin/", "/health/", "/i18n/", "/jobs/", "/accounts/")
CACHED_TYPES = ("text/html", "application/json")
MAX_BYTES = 512 * 1024
# Writes no anonymous page reads: sign-ins write sessions and sign-in attempts.
IGNORED_APPS = frozenset({"sessions", "axes"})

_versions: dict[str, Callable[[], Hashable]] = {}


def register_version(name: str, version: Callable[[], Hashable]) -> None:
    """Called from AppConfig.ready(): a version (one cheap query) that pages are keyed by, for
    the app's writes that no model signal announces."""
    _versions[name] = version


def seconds() -> int:
    return int(getattr(settings, "METROSCOPE_PAGE_CACHE_SECONDS", 0))


def _cache() -> BaseCache:
    return caches[CACHE_ALIAS]


def site_token() -> str:
    token = _cache().get(VERSION_KEY)
    if token is None:  # first request, or evicted: a new token, so nothing older is read
        _cache().add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        token = _cache().get(VERSION_KEY)
    return str(token)


def renew() -> None:
    """Every page kept so far is forgotten (its key names the old token)."""
    _cache().set(VERSION_KEY, uuid.uuid4().hex, timeout=None)


def clear() -> None:
    _cache().clear()


def key_prefix() -> str:
    versions = ".".join(f"{name}={_versions[name]()!r}" for name in sorted(_versions))
    digest = hashlib.md5(versions.encode(), usedforsecurity=False).hexdigest()
    return f"pages.{site_token()}.{digest}"


def _renew_at_commit() -> None:
    # One renewal per transaction, however many rows it writes (run_on_commit is Django's list
    # of the callbacks the open transaction will run).
    pending = getattr(connection, "run_on_commit", [])
    if not any(entry[1] is renew for entry in pending):
        transaction.on_commit(renew)


def _written(sender: Any, **kwargs: Any) -> None:
    if sender._meta.app_label in IGNORED_APPS or seconds() <= 0:
        return
    if not kwargs.get("action", "post_").startswith("post_"):  # m2m_changed's pre_ calls
        return
    # Now, for this transaction's own later reads (a page asked again inside it), and at the
    # commit, for everyone else: a page another process rendered in between, from the data as
    # it was before the commit, is then under a token nobody asks for.
    renew()
    if connection.in_atomic_block:
        _renew_at_commit()


def connect_signals() -> None:
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(_written, dispatch_uid=f"page_cache.{id(signal)}")


def _unprefixed(path: str) -> str:
    language = translation.get_language_from_path(path)
    return path.removeprefix(f"/{language}") if language else path


def _anonymous(request: HttpRequest) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
        and "Authorization" not in request.headers
        and "HX-Request" not in request.headers
        and not _unprefixed(request.path_info).startswith(NOT_CACHED)
    )


class FetchPageMiddleware:
    """Answers an anonymous GET or HEAD from the cache when a page is kept for it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if seconds() <= 0 or not _anonymous(request):
            return self.get_response(request)
        prefix = key_prefix()
        key = get_cache_key(request, prefix, "GET", cache=_cache())
        kept = _cache().get(key) if key is not None else None
        if kept is not None:
            kept[HIT_HEADER] = "hit"
            return kept
        request._page_cache_prefix = prefix  # type: ignore[attr-defined]
        request._page_cache_language = translation.get_language()  # type: ignore[attr-defined]
        return self.get_response(request)


def _keepable(request: HttpRequest, response: HttpResponse) -> bool:
    """What Django's UpdateCacheMiddleware keeps, and less: nothing that changed the session,
    used the CSRF token (another visitor would get this one's token), set a cookie or asked not to
    be kept; only HTML and JSON bodies of moderate size (no downloads)."""
    session = getattr(request, "session", None)
    cache_control = response.get("Cache-Control", "")
    return (
        request.method == "GET"
        and response.status_code == 200
        and not response.streaming
        and not response.cookies
        # Every page asks the session who is signed in (so SessionMiddleware adds `Vary:
        # Cookie`); without a session cookie it is empty, and only a change to it matters.
        and not (session is not None and session.modified)
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and "private" not in cache_control
        and "no-store" not in cache_control
        and "no-cache" not in cache_control
        and get_max_age(response) != 0
        and response.get("Content-Type", "").split(";")[0] in CACHED_TYPES
        and not response.has_header("Content-Disposition")
        and len(response.content) <= MAX_BYTES
    )


class StorePageMiddleware:
    """Keeps the page FetchPageMiddleware found no entry for, as it is sent (compressed or
    not), under the key its `Vary` header makes (Accept-Encoding among it)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        prefix = getattr(request, "_page_cache_prefix", None)
        if prefix is None or not _keepable(request, response):
            return response
        max_age = get_max_age(response)
        timeout = seconds() if max_age is None else min(seconds(), max_age)
        # In the language FetchPageMiddleware read the key in (the key's suffix names it).
        with translation.override(request._page_cache_language):  # type: ignore[attr-defined]
            key = learn_cache_key(request, response, timeout, prefix, cache=_cache())
        _cache().set(key, response, timeout)
        response[HIT_HEADER] = "miss"
        return response
