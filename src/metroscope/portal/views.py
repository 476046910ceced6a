from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.templatetags.static import static

from metroscope.members import selectors as members
from metroscope.members.charts import member_map
from metroscope.plan import selectors as plan_selectors
from metroscope.portal import search
from metroscope.portal.workspace import workspace_for


def home(request: HttpRequest) -> HttpResponse:
    plan = plan_selectors.current_plan()
    counts = members.network_counts()
    context = {
        "counts": counts,
        "plan": plan,
        "people_reached": (
            plan_selectors.plan_figure(plan=plan, key="people_reached_millions") if plan else None
        ),
        "map_spec": member_map(
            members.member_list(), outline_url=static("geo/countries-110m.json")
        ),
    }
    return render(request, "portal/home.html", context)


def about(request: HttpRequest) -> HttpResponse:
    plan = plan_selectors.current_plan()
    context = {
        "plan": plan,
        "milestones": plan_selectors.plan_milestones(plan=plan) if plan else [],
        "regions": members.region_list(),
    }
    return render(request, "portal/about.html", context)


@login_required
def me(request: HttpRequest) -> HttpResponse:
    """My Metroscope: where each person lands after signing in."""
    return render(request, "portal/me.html", {"space": workspace_for(request.user)})


def site_search(request: HttpRequest) -> HttpResponse:
    """The header's search: a few results of each kind, grouped, in the reader's language."""
    results = search.site_search(request.GET.get("q", ""))
    return render(request, "portal/search.html", {"results": results, "site_q": results.q})
