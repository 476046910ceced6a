"""Language choice: for the API, `?lang=` first, then Accept-Language, else English; for an
unprefixed page, the reader's cookie, then Accept-Language. And per-client rate limits on the
expensive endpoints."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import get_script_prefix, is_valid_path
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation.trans_real import parse_accept_lang_header
from django_ratelimit.core import get_usage

from metroscope.core.api_errors import default_detail, error_response
from metroscope.core.params import BadParameter

API_PREFIX = "/api/"
SUPPORTED = {code for code, _name in settings.LANGUAGES}


def api_language(request: HttpRequest) -> str:
    asked = request.GET.get("lang", "").lower()
    if asked in SUPPORTED:
        return asked
    header = request.headers.get("Accept-Language", "")
    for code, _quality in parse_accept_lang_header(header):
        base = code.split("-")[0].lower()
        if base in SUPPORTED:
            return base
    return settings.LANGUAGE_CODE


class ApiLanguageMiddleware:
    """Runs after LocaleMiddleware, which would pin every unprefixed path to English."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path_info.startswith(API_PREFIX):
            return self.get_response(request)
        language = api_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
        response = self.get_response(request)
        response.headers["Content-Language"] = language
        return response


# Paths that are never pages in a language: the API answers in the language it is asked
# for, the back office and the files have no prefixed twin.
NOT_PAGES = ("/api/", "/admin/", "/i18n/", "/favicon.ico", "/health/", settings.STATIC_URL)


def unprefixed_page(path: str) -> bool:
    return not path.startswith(NOT_PAGES) and not translation.get_language_from_path(path)


def preferred_page(request: HttpRequest) -> str | None:
    """The prefixed address of an unprefixed (English) page for a reader who prefers another
    language, else None. Her choice in the language cookie comes first (the switcher sets
    it), then her browser's Accept-Language; English, or a page with no twin, stays."""
    if request.method not in ("GET", "HEAD") or request.headers.get("HX-Request"):
        return None
    path = request.path_info
    if not unprefixed_page(path):
        return None
    language = translation.get_language_from_request(request)
    if language == settings.LANGUAGE_CODE or language not in SUPPORTED:
        return None
    urlconf = getattr(request, "urlconf", None)
    with translation.override(language):  # i18n_patterns match the active language's prefix
        if not is_valid_path(f"/{language}{path}", urlconf):
            return None
    prefix = get_script_prefix()
    full_path = request.get_full_path()
    return f"{prefix}{language}/{full_path.removeprefix(prefix)}"


class PreferredLanguageMiddleware:
    """English pages have no prefix, so LocaleMiddleware serves `/` in English to everyone;
    this sends a French or Spanish reader to her language's page instead (302, never cached
    for another reader: the answer varies with Accept-Language and the cookie)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        target = preferred_page(request)
        if target is not None:
            redirect = HttpResponseRedirect(target)
            patch_vary_headers(redirect, ("Accept-Language", "Cookie"))
            return redirect
        response = self.get_response(request)
        if unprefixed_page(request.path_info):
            patch_vary_headers(response, ("Accept-Language", "Cookie"))
        return response


# --- per-client rate limits -----------------------------------------------------------------


def client_address(request: HttpRequest) -> str:
    """The client's address, for sign-in lockouts and rate limits. Behind
    METROSCOPE_PROXY_COUNT reverse proxies, the address the outermost one saw (the entry that
    many places from the right of X-Forwarded-For: anything further left is what the client
    claims); otherwise the connection's. Without this, every visitor behind a proxy would
    share one address, and one person's wrong passwords would lock everyone out."""
    proxies = int(getattr(settings, "METROSCOPE_PROXY_COUNT", 0))
    if proxies > 0:
        chain = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        chain = [a for a in chain if a]
        if len(chain) >= proxies:
            return chain[-proxies]
    return str(request.META.get("REMOTE_ADDR", ""))


def _client_key(group: str, request: HttpRequest) -> str:
    return client_address(request)


def _rate_groups() -> dict[str, tuple[str, str]]:
    """URL name → (group, rate), from settings.METROSCOPE_RATE_LIMITS."""
    return {
        name: (group, rate)
        for group, (rate, names) in settings.METROSCOPE_RATE_LIMITS.items()
        for name in names
    }


def too_many_requests(request: HttpRequest, retry_after: int) -> HttpResponse:
    """429 with Retry-After: a JSON error for the API, a page for people."""
    seconds = max(1, retry_after)
    message = translation.gettext(
        "Too many requests from your address. Try again in %(seconds)s seconds."
    ) % {"seconds": seconds}
    if request.path_info.startswith(API_PREFIX):
        response: HttpResponse = error_response(429, message)
    else:
        response = render(request, "429.html", {"message": message}, status=429)
    response["Retry-After"] = str(seconds)
    return response


class RateLimitMiddleware:
    """Counts each client's reads of the expensive endpoints that settings name (downloads,
    comparisons, search) in fixed windows kept in the cache by django-ratelimit, and answers
    429 past the limit, before the view does any work."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Any, args: Any, kwargs: Any
    ) -> HttpResponse | None:
        match = request.resolver_match
        found = _rate_groups().get(match.view_name) if match else None
        if found is None or request.method not in ("GET", "HEAD"):
            return None
        group, rate = found
        usage = get_usage(request, group=group, key=_client_key, rate=rate, increment=True)
        if usage is None or not usage["should_limit"]:
            return None
        return too_many_requests(request, int(usage["time_left"]))


class BadParameterMiddleware:
    """A query parameter out of its bounds (core.params) answers 400 with what is wrong."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, BadParameter):
            return None
        if request.path_info.startswith(API_PREFIX):
            return error_response(400, str(exception))
        return render(request, "400.html", {"message": str(exception)}, status=400)


# Headers an error keeps when its body is rewritten: they tell the client what to do next.
KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate", "Vary", "Content-Language")


class ApiErrorShapeMiddleware:
    """The API's errors are answered by its exception handlers in the ApiError shape; a few
    are answered before or around them — 405 by ninja's path view, 404 for an address no
    operation has (the URL resolver), Django's own 400, 403 and 500 pages. This gives those
    the same shape: any error under /api/ whose body is not JSON gets an ApiError body saying
    what its status means, with the headers that matter kept."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code < 400
            or not request.path_info.startswith(API_PREFIX)
            or response.get("Content-Type", "").startswith("application/json")
        ):
            return response
        shaped = error_response(response.status_code, default_detail(response.status_code, request))
        for header in KEPT_HEADERS:
            if header in response:
                shaped[header] = response[header]
        return shaped
