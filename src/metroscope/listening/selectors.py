"""Reads of the listening app: the dashboard's rows, surveys open to a member, results."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, QuerySet
from django.utils import timezone

from metroscope.core.i18n import translated
from metroscope.listening import analytics
from metroscope.listening.models import (
    Answer,
    Question,
    QuestionKind,
    SupportRequest,
    Survey,
    SurveyResponse,
)
from metroscope.members.models import Member, Region


def region_names() -> list[str]:
    return [translated(r, "name")[0] for r in Region.objects.order_by("order", "name")]


def request_times(requests: QuerySet[SupportRequest]) -> list[analytics.RequestTimes]:
    return [
        analytics.RequestTimes(
            created_at=r.created_at,
            first_response_at=r.first_response_at,
            closed_at=r.closed_at,
            region=translated(r.member.country.region, "name")[0],
        )
        for r in requests.select_related("member__country__region")
    ]


def open_surveys() -> QuerySet[Survey]:
    now = timezone.now()
    return Survey.objects.filter(opens_at__lte=now, closes_at__gt=now)


def answered_surveys(members: QuerySet[Member]) -> dict[int, list[str]]:
    """Survey id → codes of the given members that answered it."""
    found: dict[int, list[str]] = defaultdict(list)
    rows = SurveyResponse.objects.filter(member__in=members).values_list(
        "survey_id", "member__code"
    )
    for survey_id, code in rows:
        found[survey_id].append(code)
    return found


def response_rates(survey: Survey) -> list[analytics.RateRow]:
    """The audience is every member of the association, per region."""
    regions = list(Region.objects.order_by("order", "name"))
    members = dict(
        Member.objects.values_list("country__region_id").annotate(n=Count("pk")).order_by()
    )
    responded = dict(
        survey.responses.values_list("member__country__region_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    names = {r.pk: translated(r, "name")[0] for r in regions}
    return analytics.response_rates(
        {names[r.pk]: members.get(r.pk, 0) for r in regions},
        {names[r.pk]: responded.get(r.pk, 0) for r in regions},
    )


@dataclass
class QuestionResult:
    question: Question
    answered: int = 0
    # (label, region) → count; for a ranking, label → mean rank
    counts: list[dict[str, Any]] = field(default_factory=list)
    totals: list[tuple[str, int]] = field(default_factory=list)
    mean_ranks: list[tuple[str, float]] = field(default_factory=list)
    median: float | None = None
    texts: int = 0


def _answers(survey: Survey) -> Iterator[tuple[Answer, str]]:
    answers = Answer.objects.filter(response__survey=survey).select_related(
        "response__member__country__region"
    )
    for answer in answers:
        yield answer, translated(answer.response.member.country.region, "name")[0]


def survey_results(survey: Survey) -> list[QuestionResult]:
    """Per question: option (or scale value) counts split by region, mean ranks, the median
    number, or how many wrote text."""
    questions = list(survey.questions.prefetch_related("options"))
    by_question: dict[int, list[tuple[Any, str]]] = defaultdict(list)
    for answer, region in _answers(survey):
        by_question[answer.question_id].append((answer.value, region))
    results = []
    for question in questions:
        result = QuestionResult(question=question)
        answers = by_question.get(question.pk, [])
        result.answered = len(answers)
        labels = {o.pk: translated(o, "label")[0] for o in question.options.all()}
        if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.SCALE):
            pairs: list[tuple[object, str]] = []
            for value, region in answers:
                for v in value if isinstance(value, list) else [value]:
                    pairs.append((labels.get(v, v) if question.kind != "scale" else v, region))
            counted = analytics.option_counts(pairs)
            result.counts = [
                {"option": str(k[0]), "region": k[1], "count": n}
                for k, n in sorted(counted.items(), key=lambda kv: (str(kv[0][0]), kv[0][1]))
            ]
            totals: Counter[str] = Counter()
            for (option, _region), n in counted.items():
                totals[str(option)] += n
            if question.kind == QuestionKind.SCALE:
                keys = [str(v) for v in range(question.scale_min, question.scale_max + 1)]
            else:
                keys = list(labels.values())
            result.totals = [(k, totals.get(k, 0)) for k in keys]
        elif question.kind == QuestionKind.RANKING:
            means = analytics.mean_ranks(value for value, _region in answers)
            result.mean_ranks = sorted(
                ((labels[o], m) for o, m in means.items() if o in labels), key=lambda x: x[1]
            )
        elif question.kind == QuestionKind.NUMBER:
            result.median = analytics.median(float(v) for v, _r in answers)
        else:
            result.texts = len(answers)
        results.append(result)
    return results


def export_rows(survey: Survey) -> Iterator[list[Any]]:
    """One row per answer: member, region, question, kind, answer (option labels in English
    so the file reads the same whoever downloads it)."""
    questions = list(survey.questions.prefetch_related("options"))
    labels = {o.pk: o.label_en or o.label for q in questions for o in q.options.all()}  # type: ignore[attr-defined]
    order = {q.pk: i for i, q in enumerate(questions)}
    texts = {q.pk: q.text_en or q.text for q in questions}  # type: ignore[attr-defined]
    kinds = {q.pk: q.kind for q in questions}
    answers = (
        Answer.objects.filter(response__survey=survey)
        .select_related("response__member__country__region")
        .order_by("response__member__name", "question_id")
    )
    for answer in sorted(answers, key=lambda a: (a.response.member.name, order[a.question_id])):
        value = answer.value
        kind = kinds[answer.question_id]
        if kind in (QuestionKind.SINGLE,):
            shown = labels.get(value, str(value))
        elif kind in (QuestionKind.MULTIPLE, QuestionKind.RANKING):
            shown = " | ".join(labels.get(v, str(v)) for v in value)
        else:
            shown = str(value)
        member = answer.response.member
        yield [
            member.code,
            member.name,
            member.country.region.name_en or member.country.region.name,  # type: ignore[attr-defined]
            answer.response.language,
            answer.response.submitted_at,
            order[answer.question_id] + 1,
            texts[answer.question_id],
            kind,
            shown,
        ]
