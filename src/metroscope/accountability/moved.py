"""The back office's addresses of accountability's models while they lived in the plan app
(issue 16): /admin/plan/<model>/<rest> answers 301 with /admin/accountability/<model>/<rest>,
query string kept. The pages themselves never moved (/plan/activities/… as before)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponsePermanentRedirect
from django.urls import URLPattern, re_path, reverse
from django.utils.encoding import escape_uri_path

# The model names that moved; /admin/plan/<other>/ stays the plan framework's.
MOVED = (
    "activity|budgetline|emissionfactor|expense|fundingsource|membershipfee|panel|participant|"
    "participantcount|policyacknowledgement|policydocument|policyversion|resultindicator|"
    "resultperiod|risk|speaker|trip|workplan"
)


def admin_moved(request: HttpRequest, model: str, rest: str) -> HttpResponsePermanentRedirect:
    app_index = reverse("admin:app_list", kwargs={"app_label": "accountability"})
    target = f"{app_index}{model}/{escape_uri_path(rest)}"
    query = request.META.get("QUERY_STRING", "")
    return HttpResponsePermanentRedirect(f"{target}?{query}" if query else target)


# Mounted at admin/plan/, before the admin's own URLs.
admin_patterns: list[URLPattern] = [
    re_path(rf"^(?P<model>{MOVED})/(?P<rest>.*)\Z", admin_moved),
]
