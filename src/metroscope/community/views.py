"""Pages of the groups: the list, a group's page (meetings for all who may know the group;
members, documents and the thread for its members and the Secretariat), posting, sharing a
file, and the staff's and coordinators' management of groups, members and meetings."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from metroscope.community import access, selectors, services
from metroscope.community.forms import DocumentForm, GroupForm, MeetingForm, MemberForm, PostForm
from metroscope.community.models import GroupDocument, GroupMeeting, Membership
from metroscope.core import attachments
from metroscope.core.roles import requires


def _member_form(request: HttpRequest, data: Any = None) -> MemberForm:
    contacts = access.contacts_to_add(request.user).order_by(
        "member__name", "family_name", "given_name"
    )
    return MemberForm(data, contacts=contacts, by_name=access.can_add_users_by_name(request.user))


def group_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "community/groups.html",
        {
            "groups": selectors.group_list(request.user),
            "staff": access.can_manage_groups(request.user),
        },
    )


def _page(
    request: HttpRequest, rights: access.GroupAccess, status: int = 200, **forms: Any
) -> HttpResponse:
    group = rights.group
    context: dict[str, Any] = {
        "group": group,
        "rights": rights,
        "page": selectors.group_page(rights),
        "post_form": forms.get("post_form") or PostForm(),
        "document_form": forms.get("document_form") or DocumentForm(),
        "accept": attachments.ACCEPT,
    }
    if rights.manages:
        context["member_form"] = forms.get("member_form") or _member_form(request)
        context["meeting_form"] = forms.get("meeting_form") or MeetingForm(
            events=selectors.events_to_link(group)
        )
    return render(request, "community/group.html", context, status=status)


def group_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, access.access_group(request.user, pk))


def _group_form(request: HttpRequest, form: GroupForm, write: Callable[[], Any]) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            group = write()
        except ValidationError as exc:
            for field, problems in exc.message_dict.items():
                field = "name_en" if field == "name" else field  # the English name is required
                form.add_error(field if field in form.fields else None, problems)
        else:
            messages.success(request, _("The group is saved."))
            return redirect("community:group", pk=group.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "community/group_form.html", {"form": form}, status=status)


@requires(access.can_manage_groups)
def group_new(request: HttpRequest) -> HttpResponse:
    form = GroupForm(request.POST or None)
    return _group_form(
        request, form, lambda: services.group_save(actor=request.user, data=form.group_data())
    )


@requires(access.can_manage_groups)
def group_edit(request: HttpRequest, pk: int) -> HttpResponse:
    group = access.access_group(request.user, pk).group
    form = GroupForm(request.POST or None, instance=group)
    return _group_form(
        request,
        form,
        lambda: services.group_save(actor=request.user, group=group, data=form.group_data()),
    )


@login_required
@require_POST
def post_create(request: HttpRequest, pk: int) -> HttpResponse:
    rights = access.access_inside(request.user, pk)
    form = PostForm(request.POST)
    if form.is_valid():
        try:
            services.post_create(
                actor=request.user, group=rights.group, body=form.cleaned_data["body"]
            )
        except ValueError as exc:
            form.add_error("body", str(exc))
        else:
            messages.success(request, _("Your message is posted."))
            return redirect("community:group", pk=pk)
    return _page(request, rights, status=400, post_form=form)


@csrf_exempt
@login_required
def document_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """The size check must come first among the upload handlers, before the CSRF check reads
    the body: hence csrf_exempt outside and csrf_protect inside, as in the exchange."""
    attachments.limit_uploads(request)
    view = csrf_protect(require_POST(_document_upload))
    return view(request, pk=pk)  # type: ignore[no-any-return]


def _document_upload(request: HttpRequest, pk: int) -> HttpResponse:
    rights = access.access_inside(request.user, pk)
    form = DocumentForm(request.POST, request.FILES)
    too_large = attachments.refused_for_size(request)
    valid = form.is_valid()
    for name in too_large:
        form.errors.pop("file", None)
        form.add_error("file", attachments.too_large_message(name))
    if valid and not too_large:
        try:
            with transaction.atomic():
                services.document_add(
                    actor=request.user, group=rights.group, upload=form.cleaned_data["file"]
                )
        except ValidationError as exc:
            form.add_error("file", exc.messages)
        else:
            messages.success(request, _("The file is shared with the group."))
            return redirect("community:group", pk=pk)
    return _page(request, rights, status=400, document_form=form)


def document_file(request: HttpRequest, pk: int, document: int) -> FileResponse:
    """A group's file, to its members and the Secretariat only, never straight from disk."""
    rights = access.access_inside(request.user, pk)
    found = get_object_or_404(GroupDocument, pk=document, group=rights.group)
    return attachments.private_file(found)


def _done(request: HttpRequest, pk: int, write: Callable[[], Any], success: str) -> HttpResponse:
    try:
        write()
    except (ValueError, PermissionDenied) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, success)
    return redirect("community:group", pk=pk)


@login_required
@require_POST
def document_remove(request: HttpRequest, pk: int, document: int) -> HttpResponse:
    rights = access.access_inside(request.user, pk)
    found = get_object_or_404(GroupDocument, pk=document, group=rights.group)
    return _done(
        request,
        pk,
        lambda: services.document_remove(actor=request.user, document=found),
        _("The file is removed."),
    )


@login_required
@require_POST
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    rights = access.access_managed(request.user, pk)
    form = _member_form(request, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.member_add(
                actor=request.user,
                group=rights.group,
                user=data["user"],
                contact=data["contact"],
                role=data["role"],
            )
        except ValueError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The member is added."))
            return redirect("community:group", pk=pk)
    return _page(request, rights, status=400, member_form=form)


@login_required
@require_POST
def member_remove(request: HttpRequest, pk: int, membership: int) -> HttpResponse:
    rights = access.access_managed(request.user, pk)
    found = get_object_or_404(Membership, pk=membership, group=rights.group)
    return _done(
        request,
        pk,
        lambda: services.member_remove(actor=request.user, membership=found),
        _("The member is removed from the group."),
    )


@login_required
@require_POST
def meeting_add(request: HttpRequest, pk: int) -> HttpResponse:
    rights = access.access_managed(request.user, pk)
    form = MeetingForm(request.POST, events=selectors.events_to_link(rights.group))
    if not form.is_valid():
        return _page(request, rights, status=400, meeting_form=form)
    return _done(
        request,
        pk,
        lambda: services.meeting_add(
            actor=request.user, group=rights.group, event=form.cleaned_data["event"]
        ),
        _("The meeting is added."),
    )


@login_required
@require_POST
def meeting_remove(request: HttpRequest, pk: int, meeting: int) -> HttpResponse:
    rights = access.access_managed(request.user, pk)
    found = get_object_or_404(GroupMeeting, pk=meeting, group=rights.group)
    return _done(
        request,
        pk,
        lambda: services.meeting_remove(actor=request.user, meeting=found),
        _("The meeting is removed from the group."),
    )
