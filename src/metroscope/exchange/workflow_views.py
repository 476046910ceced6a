"""The exchange's writing side: an officer drafts, edits and submits a solution, follows it in
"My solutions"; the Secretariat reviews the queue. Every write goes through services.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Case, IntegerField, Prefetch, Q, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from metroscope.core import attachments
from metroscope.core.roles import requires
from metroscope.exchange import access, services
from metroscope.exchange.models import Attachment, ReviewAction, ReviewStep, Solution
from metroscope.exchange.models import SolutionStatus as S
from metroscope.exchange.solution_forms import CommentForm, SolutionForm

QUEUE_ORDER = (S.SUBMITTED, S.CHANGES_REQUESTED, S.PUBLISHED, S.ARCHIVED, S.REJECTED)
PAGE_SIZE = 50


# --- helpers -----------------------------------------------------------------------------------


def _label(status: str) -> str:
    return str(S(status).label) if status in S.values else status


def _steps(solution: Solution) -> list[ReviewStep]:
    steps = list(solution.steps.select_related("actor").order_by("at", "pk"))
    for step in steps:
        step.from_label = _label(step.from_status)  # type: ignore[attr-defined]
        step.to_label = _label(step.to_status)  # type: ignore[attr-defined]
    return steps


def _problems(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [m for messages_ in exc.message_dict.values() for m in messages_]
    return list(exc.messages)


def _add_errors(form: SolutionForm, exc: ValidationError) -> None:
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, problems in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, problems)


def _with_size_limit(
    view: Callable[..., HttpResponse],
) -> Callable[..., HttpResponse]:
    """Put the size check first among the upload handlers. Handlers must be set before the
    body is read, and the CSRF check reads it: hence csrf_exempt outside, csrf_protect inside
    (as Django's documentation shows)."""

    @csrf_exempt
    @login_required
    def outer(request: HttpRequest, **kwargs: Any) -> HttpResponse:
        limit = attachments.limit_uploads(request)
        return csrf_protect(lambda r, **kw: view(r, SizeLimited(limit), **kw))(request, **kwargs)

    outer.__name__ = view.__name__
    outer.__doc__ = view.__doc__
    return outer


class SizeLimited:
    def __init__(self, handler: attachments.SizeLimitHandler) -> None:
        self.handler = handler

    def is_valid(self, form: SolutionForm) -> bool:
        """The form's own checks, and no file left out for its size."""
        valid = form.is_valid()
        for name in self.handler.refused:
            form.add_error("attachments", attachments.too_large_message(name))
        return valid and not self.handler.refused


def _store_files(request: HttpRequest, solution: Solution, uploads: list[Any]) -> None:
    for upload in uploads:
        try:
            services.attachment_add(user=request.user, solution=solution, upload=upload)
        except ValidationError as exc:
            raise ValidationError({"attachments": exc.messages}) from exc


# --- drafting ----------------------------------------------------------------------------------


@_with_size_limit
def solution_new(request: HttpRequest, limited: SizeLimited) -> HttpResponse:
    """A new solution, saved as a draft."""
    if not access.can_submit_solutions(request.user):
        raise PermissionDenied
    form = SolutionForm(request.POST or None, request.FILES or None, user=request.user)
    saved = _save(
        request,
        form,
        limited,
        lambda: services.solution_create(user=request.user, data=form.solution_data()),
    )
    if saved is not None:
        return saved
    return render(
        request, "exchange/solution_form.html", {"form": form, "solution": None, "steps": []}
    )


def _save(
    request: HttpRequest, form: SolutionForm, limited: SizeLimited, write: Callable[[], Solution]
) -> HttpResponse | None:
    """Write the solution and its files, and submit it when the author asked to, all or
    nothing; a redirect when done, None to show the form again with its problems."""
    if request.method != "POST" or not limited.is_valid(form):
        return None
    try:
        with transaction.atomic():
            solution = write()
            _store_files(request, solution, form.cleaned_data["attachments"])
            if request.POST.get("then") == "submit":
                services.solution_submit(user=request.user, solution=solution)
    except ValidationError as exc:
        _add_errors(form, exc)
    except (PermissionDenied, services.InvalidTransition) as exc:
        form.add_error(None, str(exc))
    else:
        _saved_message(request, solution)
        return redirect("exchange:status", slug=solution.slug)
    return None


def _saved_message(request: HttpRequest, solution: Solution) -> None:
    if solution.status == S.SUBMITTED:
        messages.success(
            request, _("The solution was sent to the Secretariat, who will review it.")
        )
    else:
        messages.success(request, _("The draft was saved. Submit it when it is ready."))


@_with_size_limit
def solution_edit(request: HttpRequest, limited: SizeLimited, slug: str) -> HttpResponse:
    solution = access.access_solution_for_work(request.user, slug)
    if not access.can_edit_solution(request.user, solution):
        messages.error(
            request,
            _("This solution is %(status)s: it cannot be edited now.")
            % {"status": solution.get_status_display().lower()},
        )
        return redirect("exchange:status", slug=solution.slug)
    form = SolutionForm(
        request.POST or None,
        request.FILES or None,
        user=request.user,
        initial=SolutionForm.initial_for(solution),
    )
    saved = _save(
        request,
        form,
        limited,
        lambda: services.solution_update(
            user=request.user, solution=solution, data=form.solution_data()
        ),
    )
    if saved is not None:
        return saved
    context = {
        "form": form,
        "solution": solution,
        "files": list(solution.attachments.all()),
        "steps": _steps(solution),
    }
    return render(request, "exchange/solution_form.html", context)


@login_required
@require_POST
def attachment_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    solution = access.access_solution_for_work(request.user, slug)
    attachment = get_object_or_404(Attachment, pk=pk, solution=solution)
    try:
        services.attachment_remove(user=request.user, attachment=attachment)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("“%(name)s” was removed.") % {"name": attachment.name})
    return redirect("exchange:edit", slug=solution.slug)


# --- following a solution ----------------------------------------------------------------------


@login_required
def solution_status(request: HttpRequest, slug: str) -> HttpResponse:
    """Where a solution stands, what can be done next, and every step so far."""
    solution = access.access_solution_for_work(request.user, slug)
    actions = services.allowed_actions(request.user, solution)
    context = {
        "solution": solution,
        "steps": _steps(solution),
        "can_edit": access.can_edit_solution(request.user, solution),
        "can_submit": str(ReviewAction.SUBMIT) in actions,
        "can_review": access.can_review_solutions(request.user),
        "review_actions": [a for a in actions if a in services.REVIEW_ACTIONS],
        "comment_form": CommentForm(),
    }
    return render(request, "exchange/status.html", context)


def _last_comments() -> Prefetch[Any]:
    return Prefetch(
        "steps",
        queryset=ReviewStep.objects.exclude(comment="").order_by("-at", "-pk"),
        to_attr="commented_steps",
    )


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """The solutions this user wrote or that belong to a member they are an officer of."""
    user = request.user
    solutions = (
        Solution.objects.filter(Q(author=user) | Q(members__officers__user=user))
        .distinct()
        .select_related("collection")
        .prefetch_related(_last_comments())
        .order_by("-updated_at", "-pk")
    )
    page = Paginator(solutions, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "can_submit": access.can_submit_solutions(user),
    }
    return render(request, "exchange/mine.html", context)


# --- review ------------------------------------------------------------------------------------


@requires(access.can_review_solutions)
def review_queue(request: HttpRequest) -> HttpResponse:
    """Secretariat: submitted solutions first (oldest submission first), then the others but
    drafts (which a status filter shows)."""
    wanted = request.GET.get("status", "")
    rank = Case(
        *(When(status=s, then=Value(n)) for n, s in enumerate(QUEUE_ORDER)),
        default=Value(len(QUEUE_ORDER)),
        output_field=IntegerField(),
    )
    solutions = (
        Solution.objects.select_related("collection", "author")
        .prefetch_related(_last_comments())
        .annotate(rank=rank)
        .order_by("rank", "submitted_at", "-updated_at", "-pk")
    )
    if wanted in S.values:
        solutions = solutions.filter(status=wanted)
    else:
        wanted = ""  # drafts are their authors' business until submitted
        solutions = solutions.exclude(status=S.DRAFT)
    page = Paginator(solutions, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(s, services.allowed_actions(request.user, s)) for s in page.object_list]
    context = {
        "page": page,
        "rows": rows,
        "statuses": S.choices,
        "wanted": wanted,
        "waiting": Solution.objects.filter(status=S.SUBMITTED).count(),
    }
    return render(request, "exchange/review.html", context)


def _back(request: HttpRequest, solution: Solution) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("exchange:status", slug=solution.slug)


DONE = {
    ReviewAction.SUBMIT: gettext_lazy(
        "The solution was sent to the Secretariat, who will review it."
    ),
    ReviewAction.PUBLISH: gettext_lazy("The solution is published."),
    ReviewAction.REQUEST_CHANGES: gettext_lazy("The author was asked for changes."),
    ReviewAction.REJECT: gettext_lazy("The solution was rejected."),
    ReviewAction.ARCHIVE: gettext_lazy("The solution was archived."),
}


@login_required
@require_POST
def transition(request: HttpRequest, slug: str, action: str) -> HttpResponse:
    """One step of the state machine, from a button: submit, publish, request_changes, reject,
    archive. Problems come back as messages on the page the button was on."""
    solution = access.access_solution_for_work(request.user, slug)
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(m) for errs in form.errors.values() for m in errs))
        return _back(request, solution)
    comment = form.cleaned_data["comment"]
    try:
        if action == ReviewAction.SUBMIT:
            services.solution_submit(user=request.user, solution=solution, comment=comment)
        else:
            services.solution_review(
                user=request.user, solution=solution, action=action, comment=comment
            )
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("You may not do this."))
    except services.InvalidTransition as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, " ".join(_problems(exc)))
    else:
        messages.success(request, str(DONE[ReviewAction(action)]))
    return _back(request, solution)
