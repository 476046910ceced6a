"""The addresses the app had as programs (issue 16): every one answers 301 with its new one,
query string kept, so bookmarks, e-mails already sent and calendar files already downloaded
keep working. /programs/events/<rest> and /programs/<rest> are now /events/<rest>, with the
language prefix they came with; the back office's /admin/programs/<rest> is /admin/events/<rest>."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponsePermanentRedirect
from django.urls import URLPattern, re_path, reverse
from django.utils.encoding import escape_uri_path


def _moved(request: HttpRequest, target: str) -> HttpResponsePermanentRedirect:
    query = request.META.get("QUERY_STRING", "")
    return HttpResponsePermanentRedirect(f"{target}?{query}" if query else target)


def page_moved(request: HttpRequest, rest: str) -> HttpResponsePermanentRedirect:
    # Under i18n_patterns, reverse() gives the prefix of the language the old address had.
    return _moved(request, reverse("events:events") + escape_uri_path(rest))


def admin_moved(request: HttpRequest, rest: str) -> HttpResponsePermanentRedirect:
    app_index = reverse("admin:app_list", kwargs={"app_label": "events"})
    return _moved(request, app_index + escape_uri_path(rest))


# Mounted at programs/ inside i18n_patterns; /programs/events/… first, then the rest
# (/programs/registrations/…).
page_patterns: list[URLPattern] = [
    re_path(r"^events/(?P<rest>.*)\Z", page_moved),
    re_path(r"^(?P<rest>.*)\Z", page_moved),
]
# Mounted at admin/programs/, before the admin's own URLs.
admin_patterns: list[URLPattern] = [re_path(r"^(?P<rest>.*)\Z", admin_moved)]
