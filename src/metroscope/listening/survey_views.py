"""Pages of member surveys: the list, the answering page (in the reader's language), and
for staff the results by region and the CSV of answers."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from metroscope.core import exports
from metroscope.core.roles import is_secretariat
from metroscope.listening import access, charts, selectors, services
from metroscope.listening.models import Question, QuestionKind, Survey, SurveyResponse


@login_required
def survey_list(request: HttpRequest) -> HttpResponse:
    staff = is_secretariat(request.user)
    members = access.members_for(request.user)
    if not staff and not members.exists():
        raise PermissionDenied
    surveys = Survey.objects.all() if staff else selectors.open_surveys()
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


@login_required
def survey_answer(request: HttpRequest, pk: int) -> HttpResponse:
    survey = get_object_or_404(Survey, pk=pk)
    members = access.members_for(request.user)
    if not members.exists():
        if is_secretariat(request.user):
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
    fields = [
        {
            "question": q,
            "name": f"q{q.pk}",
            "error": errors.get(q.pk, ""),
            "value": submitted.get(q.pk),
            "scale": list(range(q.scale_min, q.scale_max + 1)),
            "ranks": list(range(1, q.options.count() + 1))
            if q.kind == QuestionKind.RANKING
            else [],
        }
        for q in questions
    ]
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


def _staff_survey(request: HttpRequest, pk: int) -> Survey:
    if not access.can_see_answers(request.user):
        raise PermissionDenied
    return get_object_or_404(Survey, pk=pk)


@login_required
def survey_results(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _staff_survey(request, pk)
    regions = selectors.region_names()
    results = selectors.survey_results(survey)
    blocks = []
    for i, result in enumerate(results):
        spec = None
        if result.counts:
            spec = charts.option_counts_by_region(
                result.counts,
                options=[k for k, _n in result.totals],
                regions=regions,
                option_title=_("Answer"),
                region_title=_("Region"),
                description=_("Answers to “%(question)s” by region")
                % {"question": result.question.text},
            )
        blocks.append({"result": result, "spec": spec, "chart_id": f"q-chart-{i}"})
    return render(
        request,
        "listening/survey_results.html",
        {"survey": survey, "rates": selectors.response_rates(survey), "blocks": blocks},
    )


EXPORT_FIELDS = [
    exports.Field("member", "string"),
    exports.Field("member_name", "string"),
    exports.Field("region", "string"),
    exports.Field("language", "string"),
    exports.Field("submitted_at", "datetime"),
    exports.Field("question_number", "integer"),
    exports.Field("question", "string"),
    exports.Field("kind", "string"),
    exports.Field("answer", "string"),
]


@login_required
def survey_csv(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    survey = _staff_survey(request, pk)
    response = StreamingHttpResponse(
        exports.csv_stream(EXPORT_FIELDS, selectors.export_rows(survey)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="survey-{survey.pk}-answers.csv"'
    return response
