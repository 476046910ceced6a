from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.translation import gettext as _

from metroscope.core import access as core_access
from metroscope.core.charts import stacked_share_bar
from metroscope.core.downloads import TABLE_FORMATS, table_download
from metroscope.core.panels import render_panels
from metroscope.core.text import fold
from metroscope.members import access, selectors, services
from metroscope.members.charts import member_map
from metroscope.members.downloads import FIELDS, member_rows
from metroscope.members.entity_types import kind_detail
from metroscope.members.forms import ContactForm, MemberProfileForm, MemberRegistryForm
from metroscope.members.loaders import MEMBERS_SOURCE
from metroscope.members.models import Gender, MemberKind

PAGE_SIZE = 50


def _user(request: HttpRequest) -> AbstractBaseUser:
    """The signed-in user of a view behind login_required."""
    return cast(AbstractBaseUser, request.user)


def _filters(request: HttpRequest) -> selectors.MemberFilters:
    get = request.GET
    return selectors.MemberFilters(
        region=get.get("region", "").strip(),
        country=get.get("country", "").strip(),
        kind=get.get("kind", "").strip(),
        q=get.get("q", "").strip()[:100],
        sort=get.get("sort", "name"),
    )


def _columns(filters: selectors.MemberFilters, sort_query: str) -> list[dict[str, str]]:
    """Table headers: a sortable column links to its ascending order, or descending if active."""
    prefix = f"?{sort_query}&sort=" if sort_query else "?sort="
    columns = []
    for key, label in [
        ("name", _("Member")),
        ("", _("Institution")),
        ("country", _("Country")),
        ("region", _("Region")),
        ("kind", _("Kind")),
    ]:
        column = {"label": label, "href": "", "arrow": "", "aria_sort": ""}
        if key:
            ascending, descending = filters.sort == key, filters.sort == f"-{key}"
            column["href"] = prefix + (f"-{key}" if ascending else key)
            column["arrow"] = " ▲" if ascending else " ▼" if descending else ""
            column["aria_sort"] = "ascending" if ascending else "descending" if descending else ""
        columns.append(column)
    return columns


def member_directory(request: HttpRequest) -> HttpResponse:
    filters = _filters(request)
    members = selectors.member_list(filters=filters)
    page = Paginator(members, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    sort_query = query.copy()
    sort_query.pop("sort", None)
    context: dict[str, Any] = {
        "page": page,
        "filters": filters,
        "query": query.urlencode(),
        "columns": _columns(filters, sort_query.urlencode()),
        "regions": selectors.region_list(),
        "countries": sorted(
            selectors.country_list(region=filters.region).filter(member_count__gt=0),  # type: ignore[misc]
            key=lambda country: fold(str(country)),
        ),
        "kinds": MemberKind.choices,
        "formats": TABLE_FORMATS,
    }
    htmx = request.htmx  # type: ignore[attr-defined]
    template = "members/_results.html" if htmx else "members/directory.html"
    return render(request, template, context)


def member_download(request: HttpRequest, fmt: str) -> HttpResponseBase:
    """The directory's rows, with its filters, as CSV, CSV for Excel or XLSX."""
    if fmt not in TABLE_FORMATS:
        raise Http404
    filters = _filters(request)
    about = [("source", str(MEMBERS_SOURCE)), ("filters", request.GET.urlencode() or "none")]
    return table_download(fmt, FIELDS, member_rows(filters), name="metroscope-members", about=about)


def member_page(request: HttpRequest, code: str) -> HttpResponse:
    member = selectors.member_detail(code=code)
    if member is None:
        raise Http404
    can_see_contacts = access.can_view_member_contacts(request.user, member)
    context = {
        "member": member,
        "kind_detail": kind_detail(member.kind, member.get_kind_display(), member.entity_type),
        "mandates": selectors.member_mandates(member=member),
        "contacts": selectors.member_contacts(member=member) if can_see_contacts else None,
        "can_edit": access.can_edit_member(request.user, member),
        "can_add_contact": access.can_add_contact(request.user, member),
        "can_view_history": core_access.can_view_history(request.user),
        "map_spec": member_map([member], outline_url=static("geo/countries-110m.json"), height=260),
        # Higher floors add sections, e.g. the community's link to the member's engagement.
        "panels": render_panels("members.member_page", request=request, member=member),
        # Where else the member is: its metro profile, solutions, activities, engagement.
        "links": render_panels("members.member_links", request=request, member=member),
    }
    return render(request, "members/member.html", context)


def _apply(form: Any, save: Any) -> bool:
    """Run a service with the form's data; put its validation errors back on the form."""
    if not form.is_valid():
        return False
    try:
        save(form.cleaned_data)
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for name, errors in exc.error_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            form.add_error(None, exc)
        return False
    return True


@login_required
def member_edit(request: HttpRequest, code: str) -> HttpResponse:
    member = access.access_member_for_edit(request.user, code)
    registry = access.can_edit_member_registry(request.user, member)
    form_class = MemberRegistryForm if registry else MemberProfileForm
    form = form_class(request.POST or None, instance=selectors.member_detail(code=code))
    if request.method == "POST" and _apply(
        form,
        lambda data: services.member_update(
            member=member, actor=_user(request), data=data, registry=registry
        ),
    ):
        messages.success(request, _("The member profile was saved."))
        return redirect("members:detail", code=member.code)
    return render(request, "members/edit.html", {"member": member, "form": form})


@login_required
def contact_add(request: HttpRequest, code: str) -> HttpResponse:
    member = access.access_member_for_new_contact(request.user, code)
    form = ContactForm(request.POST or None)
    if request.method == "POST" and _apply(
        form, lambda data: services.contact_create(member=member, actor=_user(request), data=data)
    ):
        messages.success(request, _("The contact was added."))
        return redirect("members:detail", code=member.code)
    return render(request, "members/contact_form.html", {"member": member, "form": form})


@login_required
def contact_edit(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    contact = access.access_contact_for_edit(request.user, code, pk)
    form = ContactForm(request.POST or None, instance=contact)
    if request.method == "POST" and _apply(
        form, lambda data: services.contact_update(contact=contact, actor=_user(request), data=data)
    ):
        messages.success(request, _("The contact was saved."))
        return redirect("members:detail", code=contact.member.code)
    return render(
        request,
        "members/contact_form.html",
        {"member": contact.member, "form": form, "contact": contact},
    )


def statutory_bodies(request: HttpRequest) -> HttpResponse:
    summaries = selectors.body_summaries()
    labels = dict(Gender.choices)
    order = list(Gender.values)
    rows = [
        {"body": str(s.body), "gender": str(labels[g]), "count": n, "series_order": order.index(g)}
        for s in summaries
        for g, n in s.gender_all.items()
        if n
    ]
    spec = stacked_share_bar(
        rows,
        category="body",
        category_title=_("Statutory body"),
        series="gender",
        series_title=_("Gender"),
        series_order=[str(labels[g]) for g in order],
        description=_("Gender of the holders of all recorded mandates, per statutory body"),
    )
    return render(
        request,
        "members/bodies.html",
        {"summaries": summaries, "spec": spec, "has_mandates": bool(rows)},
    )
