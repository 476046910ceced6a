from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from metroscope.core import params
from metroscope.core.countries import country_name
from metroscope.core.downloads import TABLE_FORMATS, table_download
from metroscope.core.models import Job
from metroscope.core.panels import render_panels
from metroscope.core.roles import requires
from metroscope.members.models import Country
from metroscope.observatory import (
    access,
    benchmarks,
    download_jobs,
    downloads,
    figures,
    groups,
    indicator_views,
    member_places,
    selectors,
    services,
)
from metroscope.observatory.charts import gender_chart
from metroscope.observatory.forms import ValueForm
from metroscope.observatory.imports import ImportRejected
from metroscope.observatory.models import (
    AreaKind,
    Indicator,
    IndicatorTheme,
    Metro,
    Observation,
    Status,
)
from metroscope.observatory.resolve import MetroResolver, Unresolved, is_generic
from metroscope.observatory.table_downloads import (
    COMPARE_FIELDS,
    GENDER_FIELDS,
    compare_rows,
    gender_rows,
)

PAGE_SIZE = 50


def _filters(request: HttpRequest) -> selectors.ObservationFilters:
    get = request.GET
    statuses: tuple[str, ...] = (Status.PUBLISHED,)
    wanted = get.get("status", "")
    if wanted in Status.values and access.can_view_unpublished(request.user):
        statuses = (wanted,)
    return selectors.ObservationFilters(
        indicators=[p for p in get.get("indicator", "").split(",") if p],
        metros=[p for p in get.get("metro", "").split(",") if p],
        member=get.get("member", ""),
        country=get.get("country", ""),
        region=get.get("region", ""),
        year_from=params.year(get, "year_from"),
        year_to=params.year(get, "year_to"),
        sex=get.get("sex", ""),
        scale=get.get("scale", ""),
        statuses=statuses,
    )


def catalogue(request: HttpRequest) -> HttpResponse:
    indicators = selectors.catalogue_indicators()
    themes = [
        {"label": label, "indicators": [i for i in indicators if i.theme == value]}
        for value, label in IndicatorTheme.choices
    ]
    return render(
        request,
        "observatory/catalogue.html",
        {
            "themes": [t for t in themes if t["indicators"]],
            "headlines": selectors.headline_rows(),
            "count": len(indicators),
            "formats": downloads.FORMATS,
            "job_formats": download_jobs.FORMATS,
            "metro_count": selectors.metro_count(),
            "member_metro_count": len(selectors.member_metro_ids()),
            "can_upload": access.can_upload_values(request.user),
            "can_review": access.can_review_values(request.user),
        },
    )


def indicator_page(request: HttpRequest, code: str) -> HttpResponse:
    indicator: Indicator = get_object_or_404(
        Indicator.objects.prefetch_related("plan_themes", "plan_challenges", "references"),
        code=code,
    )
    # The charts and their embeds (indicator_views.indicator_embed) read the same parameters.
    context = indicator_views.indicator_charts(request, indicator)
    context["embeds"] = indicator_views.embeds(request, context)
    context["coverage"] = selectors.indicator_coverage(indicator)
    context["formats"] = downloads.FORMATS
    context["job_formats"] = download_jobs.FORMATS
    return render(request, "observatory/indicator.html", context)


def metro_directory(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:100]
    country = request.GET.get("country", "").strip()[:3]
    kind = request.GET.get("kind", "")
    members_only = request.GET.get("members", "1" if not (q or country) else "") == "1"
    metros = selectors.metro_list(
        query=q,
        country=country,
        kind=kind if kind in AreaKind.values else "",
        members_only=members_only,
    )
    page = Paginator(metros, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "q": q,
        "country": country,
        "kind": kind,
        "kinds": AreaKind.choices,
        "members_only": members_only,
        "query": query.urlencode(),
    }
    template = "observatory/_metros.html" if request.htmx else "observatory/metros.html"  # type: ignore[attr-defined]
    return render(request, template, context)


def _peer_choices(metro: Metro) -> list[tuple[str, str]]:
    choices = [("all", _("All metros")), ("members", _("Metros where members operate"))]
    region = Country.objects.filter(iso3=metro.country_iso3).select_related("region").first()
    if region is not None:
        choices.append((f"region:{region.region.code}", str(region.region.name)))
    choices.append(
        (
            f"country:{metro.country_iso3}",
            country_name(metro.country_iso3, fallback=metro.country_name),
        )
    )
    sizes = {
        "lt1m": _("Metros under 1 million people"),
        "1m-5m": _("Metros of 1 to 5 million people"),
        "5m-10m": _("Metros of 5 to 10 million people"),
        "ge10m": _("Metros of 10 million people or more"),
    }
    choices += [(f"size:{code}", label) for code, label in sizes.items()]
    return choices


def metro_page(request: HttpRequest, code: str) -> HttpResponse:
    metro = get_object_or_404(
        Metro.objects.prefetch_related("memberships__member", "aliases"), code=code
    )
    staff = access.can_view_unpublished(request.user)
    choices = _peer_choices(metro)
    choices += [(f"group:{g.uid}", g.name) for g in groups.groups_of(request.user)]
    spec = request.GET.get("peers", "all")
    try:
        peers = benchmarks.resolve_peers(spec, request.user)
    except benchmarks.PeerError:
        spec, peers = "all", benchmarks.resolve_peers("all")
    if peers.spec not in dict(choices):  # e.g. a group shared by link
        choices.append((peers.spec, peers.label))
    spec = peers.spec
    asked = benchmarks.parse_years(request.GET.get("years", "")[:400])
    shown = figures.current()  # older figures while newer ones are built: the page says so
    profile = benchmarks.profile(metro, peers, at=asked)
    return render(
        request,
        "observatory/metro.html",
        {
            "metro": metro,
            "aliases": [a for a in metro.aliases.all() if not is_generic(a.folded)],
            "places": member_places.place_links(metro),
            "series": selectors.metro_values(metro, include_unpublished=staff),
            "profile": profile,
            # Sections other apps add (e.g. the exchange's solutions of peers doing better).
            "panels": render_panels(
                "observatory.metro_profile",
                request=request,
                metro=metro,
                profile=profile,
                peers=peers,
            ),
            "peer_choices": choices,
            "peers": spec,
            "min_peers": benchmarks.MIN_PEERS,
            "figures": shown,
            "asked_years": asked,
            "similar": benchmarks.similar(metro, 10, list(benchmarks.DEFAULT_SIMILAR)),
            "can_enter": access.can_enter_values(request.user, metro),
            "proposals": (
                list(selectors.pending_proposals(metro=metro))
                if access.can_view_proposals(request.user, metro)
                else []
            ),
            "staff": staff,
            "formats": downloads.FORMATS,
            "job_formats": download_jobs.FORMATS,
        },
    )


def download(request: HttpRequest, fmt: str) -> HttpResponseBase:
    if fmt not in downloads.FORMATS:
        raise Http404
    try:
        if fmt in download_jobs.FORMATS:
            # a whole file first: the task queue writes it once per selection and data version
            job = download_jobs.start(_filters(request), fmt, request.user)
            return redirect("job_file" if job.state == Job.State.DONE else "job", pk=job.pk)
        return downloads.download(_filters(request), fmt)
    except ValueError as exc:  # e.g. more rows than a spreadsheet holds
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")


def _officer_metros(request: HttpRequest) -> Any:
    allowed = services.allowed_metros(request.user)
    qs = Metro.objects.filter(synthetic=False)
    if allowed is None:
        wanted = request.GET.get("metro") or request.POST.get("metro") or ""
        return qs.filter(Q(memberships__relation="own") | Q(code=wanted)).distinct()
    return qs.filter(pk__in=allowed)


@requires(access.can_upload_values)
def enter_value(request: HttpRequest) -> HttpResponse:
    metros = _officer_metros(request).order_by("name")
    initial: dict[str, Any] = {
        "metro": request.GET.get("metro"),
        "indicator": request.GET.get("indicator"),
    }
    key = {
        "metros": metros,
        "metro": request.GET.get("metro", ""),
        "indicator": request.GET.get("indicator", ""),
        "year": params.year(request.GET, "year"),
        "sex": request.GET.get("sex", "total"),
    }
    returned = selectors.returned_value(**key)
    returned_change = None if returned is not None else selectors.returned_proposal(**key)
    # correcting a value or a change the Secretariat returned: start from it
    if returned is not None:
        initial |= {"year": returned.year, "sex": returned.sex, "value": returned.value}
        initial |= {"scale": returned.scale, "source": returned.source.title}
        initial["note"] = returned.note
    elif returned_change is not None:
        obs = returned_change.observation
        initial |= {"year": obs.year, "sex": obs.sex, "value": returned_change.value}
        initial |= {"scale": returned_change.scale, "source": returned_change.source.title}
        initial["note"] = returned_change.note
    form = ValueForm(request.POST or None, metros=metros, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        value = services.ValueInput(
            metro=data["metro"].code,
            indicator=data["indicator"].code,
            year=data["year"],
            value=data["value"],
            sex=data["sex"],
            scale=data["scale"],
            source=data["source"],
            note=data["note"],
        )
        try:
            result = services.observation_enter(user=request.user, values=[value])
        except ImportRejected as exc:
            for problem in exc.problems:
                field = problem.column if problem.column in form.fields else None
                form.add_error(field, problem.reason)
        else:
            if result.proposed:
                text = _(
                    "Your change to the published value was saved for review; the published "
                    "value stays public until the Secretariat approves the change."
                )
            else:
                text = _("The value was saved as provisional; the Secretariat will review it.")
            messages.success(request, text)
            return redirect("observatory:metro", code=data["metro"].code)
    return render(
        request,
        "observatory/enter.html",
        {"form": form, "returned": returned, "returned_change": returned_change},
    )


# True approves, False rejects, None returns with a comment
PROPOSAL_ACTIONS: dict[str, bool | None] = {"approve": True, "reject": False, "return": None}


REVIEW_ACTIONS = (*services.REVIEW_STATUSES, Status.RETURNED)


@requires(access.can_review_values)
def review_page(request: HttpRequest) -> HttpResponse:
    """The queue with context (names, unit, scale, source, previous value and change):
    validate, publish, or return the chosen values with a comment; approve, reject or return
    the changes proposed to published values."""
    checked: set[int] = set()
    problem = proposal_problem = ""
    if request.method == "POST" and request.POST.get("proposal_action"):
        done, proposal_problem = _decide_proposals(request)
        if done is not None:
            return done
        checked = {int(i) for i in request.POST.getlist("proposals") if i.isdigit()}
    elif request.method == "POST":
        ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()]
        action = request.POST.get("action", "")
        if not ids or action not in REVIEW_ACTIONS:
            problem = _("Choose at least one value and an action.")
        elif action == Status.RETURNED:
            try:
                changed = services.observation_return(
                    user=request.user, observation_ids=ids, comment=request.POST.get("comment", "")
                )
            except ValueError as exc:
                problem = str(exc)
            else:
                text = ngettext(
                    "%(count)s value returned with your comment; whoever entered it is told.",
                    "%(count)s values returned with your comment; whoever entered them is told.",
                    changed,
                )
                messages.success(request, text % {"count": changed})
                return redirect("observatory:review")
        else:
            changed = services.observation_review(
                user=request.user, observation_ids=ids, status=action
            )
            messages.success(
                request,
                _("%(count)s value(s) marked %(status)s.")
                % {"count": changed, "status": Status(action).label},
            )
            return redirect("observatory:review")
        checked = set(ids)
    page = Paginator(selectors.pending_review(), 100).get_page(request.GET.get("page"))
    proposals = Paginator(selectors.pending_proposals(), 100).get_page(
        request.GET.get("proposals_page")
    )
    context = {
        "page": page,
        "rows": selectors.with_previous(list(page.object_list)),
        "proposals": proposals,
        "returned": selectors.returned_values()[:100],
        "returned_changes": selectors.returned_proposals()[:100],
        "checked": checked,
        "problem": problem,
        "comment": request.POST.get("comment", "") if problem else "",
        "proposal_problem": proposal_problem,
        "proposal_comment": request.POST.get("proposal_comment", "") if proposal_problem else "",
    }
    failed = problem or proposal_problem
    return render(request, "observatory/review.html", context, status=400 if failed else 200)


def _decide_proposals(request: HttpRequest) -> tuple[HttpResponse | None, str]:
    """Approve, reject or return the chosen proposals: the redirect once done, or the
    problem to show beside the form (the choices and the comment kept)."""
    ids = [int(i) for i in request.POST.getlist("proposals") if i.isdigit()]
    action = request.POST.get("proposal_action", "")
    if not ids or action not in PROPOSAL_ACTIONS:
        return None, _("Choose at least one proposed change and an action.")
    approve = PROPOSAL_ACTIONS[action]
    if approve is None:
        try:
            count = services.proposal_return(
                user=request.user,
                proposal_ids=ids,
                comment=request.POST.get("proposal_comment", ""),
            )
        except ValueError as exc:
            return None, str(exc)
        text = ngettext(
            "%(count)s proposed change returned with your comment; whoever proposed it is told.",
            "%(count)s proposed changes returned with your comment; whoever proposed them is told.",
            count,
        )
    else:
        count = services.proposal_decide(user=request.user, proposal_ids=ids, approve=approve)
        if approve:
            text = _("%(count)s proposed change(s) approved and published.")
        else:
            text = _("%(count)s proposed change(s) rejected; the published values stay.")
    messages.success(request, text % {"count": count})
    return redirect("observatory:review"), ""


@requires(access.can_view_unpublished)
def value_history(request: HttpRequest, pk: int) -> HttpResponse:
    obs = get_object_or_404(
        Observation.objects.select_related("metro", "indicator", "source", "updated_by"), pk=pk
    )
    return render(
        request,
        "observatory/value_history.html",
        {
            "obs": obs,
            "revisions": selectors.observation_history(obs),
            "proposals": selectors.proposal_history(obs),
        },
    )


MAX_COMPARED = 5


def compare_page(request: HttpRequest) -> HttpResponse:
    """2–5 metros side by side; metros given by code, name or alias, accents ignored. A name
    that is unknown or shared comes back with the metros it may mean, to pick from."""
    text = request.GET.get("metros", "").strip()[:400]
    names = [part.strip() for part in text.split(",") if part.strip()]
    metros: list[Metro] = []
    problems: list[str] = []
    picks: list[dict[str, Any]] = []
    if len(names) > MAX_COMPARED:
        problems.append(_("Compare at most %(n)s metros.") % {"n": MAX_COMPARED})
        names = names[:MAX_COMPARED]
    resolver = MetroResolver() if names else None
    for position, name in enumerate(names):
        if resolver is None:
            break
        try:
            metro_id = resolver.resolve(name)
        except Unresolved as exc:
            picks.append(_compare_pick(names, position, exc))
            continue
        metro = Metro.objects.get(pk=metro_id)
        if metro not in metros:
            metros.append(metro)
    rows = selectors.compare(metros) if len(metros) >= 2 else []
    return render(
        request,
        "observatory/compare.html",
        {
            "text": text,
            "metros": metros,
            "rows": rows,
            "problems": problems,
            "picks": picks,
            "query": urlencode({"metros": ",".join(m.code for m in metros)}),
        },
    )


def _compare_pick(names: list[str], position: int, exc: Unresolved) -> dict[str, Any]:
    """A name the page could not place: what it may mean, each a link that puts its code in
    the name's place."""
    name = names[position]
    if exc.ambiguous:
        message = _("“%(name)s” names several metros. Which one?") % {"name": name}
    elif exc.candidates:
        message = _("No metro is called “%(name)s”. Did you mean:") % {"name": name}
    else:
        message = _("No metro is called “%(name)s”.") % {"name": name}
    choices = []
    for ref in exc.candidates:
        chosen = [*names[:position], ref.code, *names[position + 1 :]]
        query = urlencode({"metros": ", ".join(chosen)})
        choices.append({"ref": ref, "url": f"{reverse('observatory:compare')}?{query}"})
    return {"name": name, "message": message, "choices": choices}


SUGGEST_FIELDS = ("metros", "series")


def metro_suggest(request: HttpRequest) -> HttpResponse:
    """A name field's autocomplete (an htmx partial): metros the last name typed may mean,
    each a link back to the page (`next`, a path of this site) with the metro's code in the
    name's place. The field is `metros` (compare) or `series` (an indicator's chart)."""
    field = request.GET.get("field", "metros")
    if field not in SUGGEST_FIELDS:
        field = "metros"
    target = request.GET.get("next", "")
    if not (
        target.startswith("/")
        and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
    ):
        target = reverse("observatory:compare")
    names = [part.strip() for part in request.GET.get(field, "")[:400].split(",")]
    choices = []
    for metro in selectors.metro_suggestions(names[-1]):
        chosen = [n for n in names[:-1] if n] + [metro.code]
        query = urlencode({field: ", ".join(chosen)})
        choices.append({"metro": metro, "url": f"{target}?{query}"})
    return render(request, "observatory/_metro_suggestions.html", {"choices": choices})


def gender_columns(sort: str, query: str) -> list[dict[str, str]]:
    """The lens's table headers: each links to its ascending order, or descending if active."""
    labels = {
        "metro": _("Metro"),
        "year": _("Year"),
        "female": _("Women"),
        "male": _("Men"),
        "gap": _("Gap (men − women)"),
        "ratio": _("Ratio (women ÷ men)"),
    }
    columns = []
    for key, label in labels.items():
        ascending, descending = sort == key, sort == f"-{key}"
        columns.append(
            {
                "label": label,
                "href": f"?{query}&sort={'-' + key if ascending else key}",
                "arrow": " ▲" if ascending else " ▼" if descending else "",
                "aria_sort": "ascending" if ascending else "descending" if descending else "",
                "num": "" if key == "metro" else "num",
            }
        )
    return columns


def _gender_sort(request: HttpRequest) -> str:
    sort = request.GET.get("sort", "metro")
    return sort if sort.lstrip("-") in selectors.GENDER_SORTS else "metro"


def gender_page(request: HttpRequest) -> HttpResponse:
    members_only = request.GET.get("all") != "1"
    sort = _gender_sort(request)
    lens = selectors.gender_lens(members_only=members_only, sort=sort)
    query = urlencode({"all": "0" if members_only else "1"})
    return render(
        request,
        "observatory/gender.html",
        {
            "lens": [{**entry, "chart": gender_chart(entry)} for entry in lens],
            "members_only": members_only,
            "columns": gender_columns(sort, query),
            "query": f"{query}&sort={sort}",
        },
    )


def gender_download(request: HttpRequest, fmt: str) -> HttpResponseBase:
    """The gender lens's tables as CSV, CSV for Excel or XLSX, sorted as on the page."""
    if fmt not in TABLE_FORMATS:
        raise Http404
    members_only = request.GET.get("all") != "1"
    lens = selectors.gender_lens(members_only=members_only, sort=_gender_sort(request))
    about = [("metros", "where members operate" if members_only else "all metros")]
    return table_download(
        fmt, GENDER_FIELDS, gender_rows(lens), name="metroscope-gender-lens", about=about
    )


def compare_download(request: HttpRequest, fmt: str) -> HttpResponseBase:
    """The compare table as CSV, CSV for Excel or XLSX; metros given as on the page."""
    if fmt not in TABLE_FORMATS:
        raise Http404
    text = request.GET.get("metros", "").strip()[:400]
    names = [part.strip() for part in text.split(",") if part.strip()]
    if not 2 <= len(names) <= MAX_COMPARED:
        message = _("Give 2 to %(n)s metros, separated by commas.") % {"n": MAX_COMPARED}
        return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
    metros, problems = selectors.metros_named(names)
    if problems or len(metros) < 2:
        message = "\n".join(problems) or _("Give at least two different metros.")
        return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
    rows = compare_rows(metros, selectors.compare(metros))
    name = "metroscope-compare-" + "-".join(m.code for m in metros)
    return table_download(fmt, COMPARE_FIELDS, rows, name=name[:80])


def coverage_page(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "observatory/coverage.html",
        {"matrix": selectors.coverage_matrix(members_only=True), "this_year": timezone.now().year},
    )
