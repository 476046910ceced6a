from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from metroscope.plan import models as m
from metroscope.plan import selectors


def plan_tree(request: HttpRequest) -> HttpResponse:
    plan = selectors.current_plan()
    if plan is None:
        raise Http404
    context = {
        "plan": plan,
        "lines": selectors.plan_lines(plan=plan),
        "themes": selectors.plan_items(plan=plan, model=m.Theme),
        "challenges": selectors.plan_challenges(plan=plan),
        "factors": selectors.plan_items(plan=plan, model=m.CrossCuttingFactor),
        "kinds": selectors.plan_items(plan=plan, model=m.OutcomeKind),
        "programs": selectors.plan_items(plan=plan, model=m.Program),
        "averages": selectors.plan_averages(plan=plan),
    }
    return render(request, "plan/tree.html", context)
