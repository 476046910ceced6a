"""Pages of member surveys: the list, the answering page (in the reader's language) for a
member's officer, and the page an invited contact answers through their own link."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from metroscope.listening import access, selectors, services
from metroscope.listening.models import (
    Question,
    QuestionKind,
    Survey,
    SurveyInvitation,
    SurveyResponse,
)


@login_required
def survey_list(request: HttpRequest) -> HttpResponse:
    staff = access.can_manage_surveys(request.user)
    members = access.members_for(request.user)
    if not staff and not members.exists():
        raise PermissionDenied
    surveys = Survey.objects.all() if staff else selectors.open_surveys(members)
    return render(
        request,
        "listening/surveys.html",
        {
            "surveys": surveys,
            "staff": staff,
            "answered": selectors.answered_surveys(members),
        },
    )


def raw_answers(questions: list[Question], post: QueryDict) -> dict[int, Any]:
    """The page's fields turned into the values the validator (and the API) takes."""
    raw: dict[int, Any] = {}
    for question in questions:
        name = f"q{question.pk}"
        if question.kind == QuestionKind.MULTIPLE:
            raw[question.pk] = post.getlist(name)
        elif question.kind == QuestionKind.RANKING:
            ranks = {
                option.pk: post.get(f"{name}_o{option.pk}", "").strip()
                for option in question.options.all()
            }
            raw[question.pk] = ranks if any(ranks.values()) else None
        else:
            raw[question.pk] = post.get(name)
    return raw


def answer_fields(
    questions: list[Question], errors: dict[int, str], submitted: dict[int, Any]
) -> list[dict[str, Any]]:
    return [
        {
            "question": q,
            "name": f"q{q.pk}",
            "error": errors.get(q.pk, ""),
            "value": submitted.get(q.pk),
            "scale": list(range(q.scale_min, q.scale_max + 1)),
            "ranks": list(range(1, len(q.options.all()) + 1))
            if q.kind == QuestionKind.RANKING
            else [],
        }
        for q in questions
    ]


@login_required
def survey_answer(request: HttpRequest, pk: int) -> HttpResponse:
    survey = get_object_or_404(Survey, pk=pk)
    members = access.members_for(request.user)
    if not members.exists():
        if access.can_manage_surveys(request.user):
            return redirect("listening:survey_results", pk=pk)
        raise PermissionDenied
    member = access.access_member_for_answer(
        request.user, survey, request.POST.get("member") or request.GET.get("member")
    )
    questions = list(survey.questions.prefetch_related("options"))
    done = SurveyResponse.objects.filter(survey=survey, member=member).first()
    errors: dict[int, str] = {}
    submitted: dict[int, Any] = {}
    status = 200
    if request.method == "POST" and done is None:
        submitted = raw_answers(questions, request.POST)
        try:
            services.survey_answer(
                user=request.user,
                survey=survey,
                member=member,
                raw=submitted,
                language=(get_language() or "en")[:2],
            )
        except services.AnswersInvalid as exc:
            errors = exc.errors
            status = 400
        except ValueError as exc:  # closed, or answered meanwhile
            messages.error(request, str(exc))
            return redirect("listening:survey", pk=pk)
        else:
            messages.success(request, _("Thank you: your member's answers are recorded."))
            return redirect("listening:survey", pk=pk)
    elif request.method == "POST":
        messages.error(
            request,
            _("%(member)s has already answered this survey: each member answers once.")
            % {"member": member.name},
        )
    fields = answer_fields(questions, errors, submitted)
    return render(
        request,
        "listening/survey.html",
        {
            "survey": survey,
            "member": member,
            "members": members,
            "fields": fields,
            "done": done,
            "errors": errors,
            "is_open": survey.is_open(),
        },
        status=status,
    )


def survey_invited(request: HttpRequest, pk: int, token: str) -> HttpResponse:
    """An invited contact answers a per-contact survey; the link's token is the only key,
    so no sign-in is needed, and it opens nothing but this form."""
    invitation = (
        SurveyInvitation.objects.select_related("survey", "contact", "member")
        .filter(survey_id=pk, token=token, contact__isnull=False)
        .first()
    )
    if invitation is None:
        raise Http404
    survey = invitation.survey
    questions = list(survey.questions.prefetch_related("options"))
    done = SurveyResponse.objects.filter(survey=survey, contact=invitation.contact).first()
    errors: dict[int, str] = {}
    submitted: dict[int, Any] = {}
    status = 200
    if request.method == "POST" and done is None:
        submitted = raw_answers(questions, request.POST)
        try:
            services.survey_answer_invited(
                invitation=invitation, raw=submitted, language=(get_language() or "en")[:2]
            )
        except services.AnswersInvalid as exc:
            errors, status = exc.errors, 400
        except ValueError as exc:
            messages.error(request, str(exc))
            return redirect(request.path)
        else:
            messages.success(request, _("Thank you: your answers are recorded."))
            return redirect(request.path)
    return render(
        request,
        "listening/survey.html",
        {
            "survey": survey,
            "invitation": invitation,
            "fields": answer_fields(questions, errors, submitted),
            "done": done,
            "errors": errors,
            "is_open": survey.is_open(),
        },
        status=status,
    )
