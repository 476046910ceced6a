"""Staff's actions on a survey: send the invitations or reminders, publish the aggregated
results, read the free-text answers, tag them with plan themes and turn them into needs."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from metroscope.listening import access, invitations, selectors, services
from metroscope.listening.forms import AnswerTagForm
from metroscope.listening.models import Answer
from metroscope.plan.models import Theme


@login_required
@require_POST
def survey_send(request: HttpRequest, pk: int) -> HttpResponse:
    survey = access.access_survey_for_staff(request.user, pk)
    remind = request.POST.get("kind") == "reminder"
    try:
        report = invitations.survey_send(survey=survey, remind=remind, user=request.user)
    except ValueError as exc:
        messages.error(request, str(exc))
    else:
        text = (
            _("%(sent)s reminder(s) sent; %(skipped)s not reminded (answered, or reminded lately).")
            if remind
            else _("%(sent)s invitation(s) sent; %(skipped)s already invited.")
        )
        messages.success(request, text % {"sent": report.sent, "skipped": report.skipped})
    return redirect("listening:survey_results", pk=pk)


@login_required
@require_POST
def survey_publish(request: HttpRequest, pk: int) -> HttpResponse:
    survey = access.access_survey_for_staff(request.user, pk)
    publish = request.POST.get("publish") == "1"
    services.survey_publish(user=request.user, survey=survey, publish=publish)
    if publish:
        messages.success(request, _("The aggregated results are public now."))
    else:
        messages.success(request, _("The results are no longer public."))
    return redirect("listening:survey_results", pk=pk)


@login_required
def survey_texts(request: HttpRequest, pk: int) -> HttpResponse:
    survey = access.access_survey_for_staff(request.user, pk)
    return render(
        request,
        "listening/survey_texts.html",
        {
            "survey": survey,
            "answers": _with_taggings(selectors.text_answers(survey)),
            "themes": Theme.objects.order_by("order", "pk"),
        },
    )


def _with_taggings(answers: Iterable[Answer]) -> list[Answer]:
    rows = []
    for answer in answers:
        tagging = getattr(answer, "tagging", None)  # the reverse one-to-one may be absent
        answer.theme_ids = {t.pk for t in tagging.themes.all()} if tagging else set()  # type: ignore[attr-defined]
        answer.need = tagging.need if tagging else None  # type: ignore[attr-defined]
        rows.append(answer)
    return rows


def _text_answer(request: HttpRequest, pk: int, answer_id: int) -> Answer:
    survey = access.access_survey_for_staff(request.user, pk)
    return get_object_or_404(
        Answer.objects.select_related("question", "response__member"),
        pk=answer_id,
        response__survey=survey,
    )


@login_required
@require_POST
def answer_tag(request: HttpRequest, pk: int, answer_id: int) -> HttpResponse:
    answer = _text_answer(request, pk, answer_id)
    form = AnswerTagForm(request.POST)
    if not form.is_valid():
        for error in form.errors["themes"]:
            messages.error(request, str(error))
        return redirect("listening:survey_texts", pk=pk)
    try:
        services.answer_tag(
            user=request.user, answer=answer, themes=list(form.cleaned_data["themes"])
        )
    except ValueError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Themes saved."))
    return redirect("listening:survey_texts", pk=pk)


@login_required
@require_POST
def answer_need(request: HttpRequest, pk: int, answer_id: int) -> HttpResponse:
    answer = _text_answer(request, pk, answer_id)
    try:
        need = services.answer_to_need(
            user=request.user, answer=answer, title=request.POST.get("title", "")
        )
    except ValueError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("Recorded on the Exchange as the need “%(title)s” of %(member)s.")
            % {"title": need.title, "member": need.member.name},
        )
    return redirect("listening:survey_texts", pk=pk)
