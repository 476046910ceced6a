"""Pages of the peer-group builder: list, create or edit, see (shared by link), delete."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from metroscope.observatory import groups
from metroscope.observatory.forms import PeerGroupForm
from metroscope.observatory.models import GroupVisibility, PeerGroup


@login_required
def group_list(request: HttpRequest) -> HttpResponse:
    return render(request, "observatory/groups.html", {"groups": groups.groups_of(request.user)})


@login_required
def group_edit(request: HttpRequest, uid: str | None = None) -> HttpResponse:
    group = get_object_or_404(PeerGroup, uid=uid, owner=request.user) if uid else None
    if group is not None:
        initial = {
            "name": group.name,
            "description": group.description,
            "visibility": group.visibility,
            "metros": groups.metros_text(group),
        }
    else:  # "save these metros as a group" links pass ?metros=code,code,…
        codes = [c.strip() for c in request.GET.get("metros", "")[:4000].split(",") if c.strip()]
        initial = {"metros": "\n".join(codes), "visibility": GroupVisibility.PRIVATE}
    form = PeerGroupForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = groups.GroupInput(
            name=form.cleaned_data["name"],
            metros=form.cleaned_data["metros"],
            visibility=form.cleaned_data["visibility"],
            description=form.cleaned_data["description"],
        )
        try:
            saved = groups.peer_group_save(user=request.user, data=data, group=group)
        except groups.GroupInvalid as exc:
            for field_name, problem in zip(exc.fields, exc.problems, strict=True):
                form.add_error(field_name, problem)
        else:
            messages.success(request, _("Peer group “%(name)s” saved.") % {"name": saved.name})
            return redirect("observatory:group", uid=saved.uid)
    return render(request, "observatory/group_form.html", {"form": form, "group": group})


def group_detail(request: HttpRequest, uid: str) -> HttpResponse:
    group = get_object_or_404(PeerGroup.objects.select_related("owner"), uid=uid)
    if not group.visible_to(request.user):
        raise Http404  # a private group is not disclosed, not even as forbidden
    metros = groups.members_of(group)
    return render(
        request,
        "observatory/group.html",
        {
            "group": group,
            "metros": metros,
            "peers": f"group:{group.uid}",
            "is_owner": request.user.is_authenticated and request.user.pk == group.owner_id,
            "share_url": request.build_absolute_uri(
                reverse("observatory:group", kwargs={"uid": group.uid})
            ),
            "compare_codes": ",".join(m.code for m in metros[:5]),
        },
    )


@login_required
@require_POST
def group_delete(request: HttpRequest, uid: str) -> HttpResponse:
    group = get_object_or_404(PeerGroup, uid=uid, owner=request.user)
    name = group.name
    groups.peer_group_delete(user=request.user, group=group)
    messages.success(request, _("Peer group “%(name)s” deleted.") % {"name": name})
    return redirect("observatory:groups")
