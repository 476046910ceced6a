"""Pages of the community: the experts directory, one's own expert profile (opt in, edit,
withdraw), and member engagement (one member's interactions; the members not engaged
lately, by region)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from metroscope.community import engagement
from metroscope.community.access import (
    can_see_expert_contacts,
    can_view_member_engagement,
    can_view_network_engagement,
)
from metroscope.community.charts import network_engagement_chart
from metroscope.community.expert_forms import ExpertProfileForm, ExpertSearchForm
from metroscope.community.models import Expert, ExpertLanguage
from metroscope.community.selectors import expert_directory
from metroscope.community.services import expert_profile_save, expert_withdraw
from metroscope.core.roles import requires
from metroscope.members.models import Member, Region
from metroscope.plan.models import Challenge, Theme


@login_required
def experts_page(request: HttpRequest) -> HttpResponse:
    """Signed-in users only, as the API: the experts with consent in force, filtered."""
    form = ExpertSearchForm(
        request.GET or None,
        themes=Theme.objects.all(),
        challenges=Challenge.objects.all(),
        regions=Region.objects.order_by("order", "name"),
    )
    filters = form.filters() if request.GET else {}
    experts = list(expert_directory(**filters))
    names = dict(ExpertLanguage.choices)
    for expert in experts:
        expert.language_names = [str(names[c]) for c in expert.language_list if c in names]  # type: ignore[attr-defined]
    return render(
        request,
        "community/experts.html",
        {
            "form": form,
            "experts": experts,
            "filtered": any(filters.values()),
            "contacts": can_see_expert_contacts(request.user),
            "mine": Expert.objects.filter(user=request.user.pk).first(),
            "network": can_view_network_engagement(request.user),
        },
    )


@login_required
def my_expert_profile(request: HttpRequest) -> HttpResponse:
    expert = Expert.objects.filter(user=request.user.pk).first()
    if expert is not None:
        initial = {
            "name": expert.name,
            "affiliation": expert.affiliation,
            "email": expert.email,
            "phone": expert.phone,
            "bio": expert.bio,
            "themes": list(expert.themes.all()),
            "challenges": list(expert.challenges.all()),
            "topics": ", ".join(expert.topic_list),
            "languages": expert.language_list,
            "regions": list(expert.regions.all()),
        }
    else:
        user = request.user
        initial = {
            "name": user.get_full_name() or user.get_username(),  # type: ignore[union-attr]
            "email": getattr(user, "email", ""),
            "languages": [request.LANGUAGE_CODE[:2]],
        }
    form = ExpertProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        expert_profile_save(user=request.user, data=form.cleaned_data)
        messages.success(request, _("Your expert profile is saved and listed."))
        return redirect("community:my_expert")
    return render(
        request,
        "community/expert_form.html",
        {"form": form, "expert": expert, "network": can_view_network_engagement(request.user)},
    )


@login_required
@require_POST
def withdraw_expert(request: HttpRequest) -> HttpResponse:
    expert = get_object_or_404(Expert, user=request.user.pk)
    if expert.listed:
        expert_withdraw(expert=expert)
    messages.success(request, _("You are no longer listed as an expert."))
    return redirect("community:my_expert")


@login_required
def member_engagement_page(request: HttpRequest, code: str) -> HttpResponse:
    member: Member = get_object_or_404(Member.objects.select_related("country__region"), code=code)
    if not can_view_member_engagement(request.user, member):
        raise PermissionDenied
    return render(
        request,
        "community/member_engagement.html",
        {
            "member": member,
            "view": engagement.member_engagement(member),
            "rule": engagement.RULE,
            "network": can_view_network_engagement(request.user),
        },
    )


@requires(can_view_network_engagement)
def network_engagement_page(request: HttpRequest) -> HttpResponse:
    view = engagement.network_engagement()
    return render(
        request,
        "community/network_engagement.html",
        {"view": view, "rule": engagement.RULE, "chart_spec": network_engagement_chart(view)},
    )
