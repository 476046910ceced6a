"""Pages of members' needs: record one, see the peers' solutions suggested for it (with
why), and ask for an introduction; the log of introduction requests."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from metroscope.core.panels import render_panels
from metroscope.exchange import access, matching, needs
from metroscope.exchange.models import Need, Solution, SolutionStatus
from metroscope.exchange.need_forms import IntroductionForm, NeedForm


@login_required
def need_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "exchange/needs.html",
        {
            "needs": access.visible_needs(request.user).prefetch_related("themes", "challenges"),
            "can_record": access.members_acted_for(request.user).exists(),
        },
    )


@login_required
def need_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    members = access.members_acted_for(request.user).order_by("name")
    if not members.exists():
        raise PermissionDenied
    need = get_object_or_404(Need, pk=pk, member__in=members) if pk else None
    initial = {}
    if need is not None:
        initial = {
            "member": need.member.code,
            "title": need.title,
            "description": need.description,
            "themes": list(need.themes.all()),
            "challenges": list(need.challenges.all()),
            "indicators": list(need.indicators.all()),
        }
    elif members.count() == 1:
        initial = {"member": members.first().code}  # type: ignore[union-attr]
    form = NeedForm(request.POST or None, members=members, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = needs.need_save(
            user=request.user,
            data=needs.NeedInput(
                member=data["member"],
                title=data["title"],
                description=data["description"],
                themes=list(data["themes"]),
                challenges=list(data["challenges"]),
                indicators=list(data["indicators"]),
            ),
            need=need,
        )
        messages.success(request, _("The need is recorded; here are peers who may help."))
        return redirect("exchange:need", pk=saved.pk)
    return render(request, "exchange/need_form.html", {"form": form, "need": need})


@login_required
def need_detail(request: HttpRequest, pk: int) -> HttpResponse:
    need = get_object_or_404(
        access.visible_needs(request.user).prefetch_related("themes", "challenges", "indicators"),
        pk=pk,
    )
    members = access.members_acted_for(request.user).order_by("name")
    return render(
        request,
        "exchange/need.html",
        {
            "need": need,
            "suggestions": matching.suggest_for_need(need),
            # Higher floors add to the suggestions, e.g. the community's experts who can help.
            "panels": render_panels("exchange.need_suggestions", request=request, need=need),
            "can_edit": members.filter(pk=need.member_id).exists(),
            "intro_form": IntroductionForm(
                members=members, initial={"from_member": need.member.code}
            )
            if members.exists()
            else None,
        },
    )


@login_required
@require_POST
def introduce(request: HttpRequest, slug: str) -> HttpResponse:
    solution = get_object_or_404(Solution, slug=slug, status=SolutionStatus.PUBLISHED)
    members = access.members_acted_for(request.user)
    form = IntroductionForm(request.POST, members=members)
    need = None
    if request.POST.get("need"):
        need = access.visible_needs(request.user).filter(pk=request.POST["need"]).first()
        if need is None:
            raise Http404
    back = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = solution_url(solution)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(back)
    try:
        made = needs.introduction_request(
            user=request.user,
            from_member=form.cleaned_data["from_member"],
            solution=solution,
            message=form.cleaned_data["message"],
            need=need,
        )
    except needs.NeedRefused as exc:
        raise PermissionDenied(str(exc)) from exc
    except ValueError as exc:
        messages.error(request, str(exc))
        return redirect(back)
    messages.success(
        request,
        _("Introduction requested: the Secretariat and the officers of %(names)s are told.")
        % {"names": ", ".join(r.to_member.name for r in made)},
    )
    return redirect(back)


def solution_url(solution: Solution) -> str:
    return reverse("exchange:solution", kwargs={"slug": solution.slug})


@login_required
def introductions(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "exchange/introductions.html",
        {
            "requests": access.visible_introductions(request.user)[:500],
            "can_ask": access.members_acted_for(request.user).exists(),
        },
    )
