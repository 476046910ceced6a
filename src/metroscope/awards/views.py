"""Pages of the award: the editions (public, with the real results of past editions and their
source), a member's submission, and the jury's pages (assignments, conflicts of interest, the
score sheet). Every rule is in services.py and access.py; the views only carry it out."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from metroscope.awards import access, selectors, services
from metroscope.awards.forms import ConflictForm, ScoreForm, SubmissionForm, add_errors
from metroscope.awards.models import Edition, EditionStatus, ResultKind, Submission
from metroscope.core import attachments


def edition_list(request: HttpRequest) -> HttpResponse:
    return render(request, "awards/editions.html", {"editions": selectors.public_editions()})


def edition_detail(request: HttpRequest, year: int) -> HttpResponse:
    edition = selectors.public_edition(year)
    if edition is None:
        raise Http404
    results = list(edition.past_results.all())
    user = request.user
    return render(
        request,
        "awards/edition.html",
        {
            "edition": edition,
            "winners": [r for r in results if r.result == ResultKind.WINNER],
            "shortlisted": [r for r in results if r.result == ResultKind.SHORTLISTED],
            "others": [r for r in results if r.result == ResultKind.SUBMISSION],
            "open": edition.status == EditionStatus.OPEN,
            "may_submit": access.officer_members(user).exists(),
            "mine": list(access.visible_submissions(user).filter(edition=edition))
            if user.is_authenticated and not access.can_manage_award(user)
            else [],
            "juror": access.juror_seat(user, edition) is not None,
            "staff": access.can_manage_award(user),
        },
    )


def _with_size_limit(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Too large a file is refused while it comes in (core.attachments' `SizeLimitHandler`):
    handlers must be set before the CSRF check reads the body, hence csrf_exempt outside and
    csrf_protect inside, as Django's documentation shows."""

    @csrf_exempt
    @login_required
    def outer(request: HttpRequest, **kwargs: Any) -> HttpResponse:
        attachments.limit_uploads(request)
        return csrf_protect(view)(request, **kwargs)

    outer.__name__ = view.__name__
    outer.__doc__ = view.__doc__
    return outer


@_with_size_limit
def submit(request: HttpRequest, year: int) -> HttpResponse:
    """An officer submits their member's initiative to an open edition."""
    edition = selectors.public_edition(year)
    if edition is None:
        raise Http404
    members = access.officer_members(request.user)
    if not members.exists():
        raise PermissionDenied(_("Only the officers of a member submit initiatives."))
    form = SubmissionForm(request.POST or None, request.FILES or None, members=members)
    if request.method == "POST":
        valid = form.is_valid()
        for name in attachments.refused_for_size(request):
            form.add_error("documents", attachments.too_large_message(name))
            valid = False
        if valid:
            try:
                made = services.submission_create(
                    user=request.user,
                    edition=edition,
                    member=form.cleaned_data["member"],
                    data=form.data_for_service(),
                    documents=form.cleaned_data["documents"],
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("“%(title)s” is submitted for %(member)s.")
                    % {"title": made.title, "member": made.member.name},
                )
                return redirect("awards:edition", year=year)
    return render(request, "awards/submit.html", {"edition": edition, "form": form})


@login_required
def document(request: HttpRequest, pk: int) -> FileResponse:
    return attachments.private_file(access.document_to_read(request.user, pk))


# --- the jury ---------------------------------------------------------------------------------


@login_required
def assignments(request: HttpRequest) -> HttpResponse:
    """A juror's seats: what they score in each edition, what they declared a conflict on."""
    seats = selectors.jury_seats(list(access.juror_seats(request.user)))
    return render(request, "awards/assignments.html", {"seats": seats})


@login_required
def conflicts(request: HttpRequest, year: int) -> HttpResponse:
    edition = get_object_or_404(Edition, year=year)
    seat = access.require_juror(request.user, edition)
    declared = list(seat.conflicts.select_related("submission__member"))
    open_to_declare = (
        Submission.objects.filter(edition=edition)
        .exclude(pk__in=[c.submission_id for c in declared])
        .select_related("member")
    )
    form = ConflictForm(request.POST or None, submissions=open_to_declare)
    if request.method == "POST" and form.is_valid():
        try:
            services.conflict_declare(
                user=request.user,
                submission=form.cleaned_data["submission"],
                reason=form.cleaned_data["reason"] or "",
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request,
                _("Your conflict of interest on “%(title)s” is recorded: you will not score it.")
                % {"title": form.cleaned_data["submission"].title},
            )
            return redirect("awards:conflicts", year=year)
    return render(
        request,
        "awards/conflicts.html",
        {"edition": edition, "form": form, "declared": declared},
    )


def _refused(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "awards/refused.html", {"message": message}, status=403)


@login_required
def score(request: HttpRequest, pk: int) -> HttpResponse:
    """A juror's score sheet for one submission: one score 0–10 per criterion."""
    try:
        seat, submission = access.submission_to_score(request.user, pk)
    except access.Conflicted as exc:
        return _refused(request, str(exc))
    criteria = list(submission.edition.criteria.all())
    initial = {f"criterion_{k}": v for k, v in selectors.own_scores(seat, submission).items()}
    form = ScoreForm(request.POST or None, criteria=criteria, initial=initial)
    judging = submission.edition.status == EditionStatus.JUDGING
    if request.method == "POST" and form.is_valid():
        try:
            services.score_record(user=request.user, submission=submission, values=form.values())
        except PermissionDenied as exc:
            return _refused(request, str(exc))
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request, _("Your scores for “%(title)s” are saved.") % {"title": submission.title}
            )
            return redirect("awards:assignments")
    return render(
        request,
        "awards/score.html",
        {
            "submission": submission,
            "documents": list(submission.documents.all()),
            "form": form,
            "judging": judging,
        },
    )
