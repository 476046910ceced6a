"""Staff pages of the award: the rubric (weights sum to 100), the ranking by weighted mean
with its spread, the shortlist and winners, and publishing the winners to the exchange."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from metroscope.awards import access, selectors, services
from metroscope.awards.forms import PageRubricFormSet
from metroscope.awards.models import Edition, EditionStatus
from metroscope.core.roles import requires


def _ids(request: HttpRequest, name: str) -> set[int]:
    return {int(v) for v in request.POST.getlist(name) if v.isdigit()}


@requires(access.can_manage_award)
def ranking(request: HttpRequest, year: int) -> HttpResponse:
    edition = get_object_or_404(Edition, year=year)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "publish":
                published = services.winners_publish(user=request.user, edition=edition)
                messages.success(
                    request,
                    ngettext(
                        "%(n)s winner is published in the exchange's Guangzhou Award collection.",
                        "%(n)s winners are published in the exchange's Guangzhou Award collection.",
                        len(published),
                    )
                    % {"n": len(published)},
                )
            else:
                services.selection_save(
                    user=request.user,
                    edition=edition,
                    shortlisted=_ids(request, "shortlisted"),
                    winners=_ids(request, "winners"),
                )
                messages.success(request, _("The shortlist and the winners are saved."))
        except ValidationError as exc:
            for problem in exc.messages:
                messages.error(request, problem)
        return redirect("awards:ranking", year=year)
    return render(
        request,
        "awards/ranking.html",
        {
            "edition": edition,
            "rows": selectors.ranking(edition),
            "criteria": list(edition.criteria.all()),
            "published": edition.status == EditionStatus.PUBLISHED,
            "judging": edition.status == EditionStatus.JUDGING,
        },
    )


@requires(access.can_manage_award)
def rubric(request: HttpRequest, year: int) -> HttpResponse:
    edition = get_object_or_404(Edition, year=year)
    formset = PageRubricFormSet(request.POST or None, instance=edition, prefix="criteria")
    if request.method == "POST" and formset.is_valid():
        try:
            services.rubric_save(user=request.user, edition=edition, rows=formset.rows())
        except ValidationError as exc:
            for problem in exc.messages:
                messages.error(request, problem)
        else:
            messages.success(request, _("The rubric is saved."))
            return redirect("awards:rubric", year=year)
    return render(request, "awards/rubric.html", {"edition": edition, "formset": formset})
