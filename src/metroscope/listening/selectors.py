"""Reads of the listening app: the dashboard's rows, surveys open to a member, results."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from metroscope.core.i18n import translated
from metroscope.core.queues import Queue, queue_of
from metroscope.listening import analytics, audience
from metroscope.listening.models import (
    Answer,
    Audience,
    Question,
    QuestionKind,
    RequestStatus,
    SendingKind,
    SupportRequest,
    Survey,
    SurveyResponse,
)
from metroscope.members.models import Contact, Gender, Member, Region, RoleCategory


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


def open_surveys(members: QuerySet[Member] | None = None) -> QuerySet[Survey]:
    """Per-member surveys open now; with `members`, only those whose audience includes one
    of them (a survey with no region chosen is for every region)."""
    now = timezone.now()
    surveys = Survey.objects.filter(opens_at__lte=now, closes_at__gt=now, audience=Audience.MEMBER)
    if members is None:
        return surveys
    regions = members.values("country__region")
    return surveys.filter(
        Q(audience_regions__isnull=True) | Q(audience_regions__in=regions)
    ).distinct()


def answered_surveys(members: QuerySet[Member]) -> dict[int, list[str]]:
    """Survey id → codes of the given members that answered it."""
    found: dict[int, list[str]] = defaultdict(list)
    rows = SurveyResponse.objects.filter(member__in=members).values_list(
        "survey_id", "member__code"
    )
    for survey_id, code in rows:
        found[survey_id].append(code)
    return found


def _rate_audience(survey: Survey, by: str) -> list[tuple[object, str]]:
    """(who, group) pairs of the survey's audience: members, or the contacts invited or
    in the audience now (a contact who left the audience after answering still counts)."""
    if survey.audience == Audience.MEMBER:
        return [
            (m.pk, translated(m.country.region, "name")[0])
            for m in audience.audience_members(survey)
        ]
    invited = Contact.objects.filter(pk__in=survey.invitations.values("contact_id")).select_related(
        "member__country__region"
    )
    contacts = {c.pk: c for c in [*audience.audience_contacts(survey), *invited]}
    languages = dict(settings.LANGUAGES)
    groups = {
        "region": lambda c: translated(c.member.country.region, "name")[0],
        "role": lambda c: str(RoleCategory(c.role_category).label),
        "language": lambda c: str(languages.get(c.language, c.language)),
    }
    return [(pk, groups[by](c)) for pk, c in sorted(contacts.items())]


def response_rates(survey: Survey, by: str = "region") -> list[analytics.RateRow] | None:
    """The share of the audience that answered, per region, role or language; None where
    the split does not apply (a per-member survey has no role or language of its own)."""
    if survey.audience == Audience.MEMBER and by != "region":
        return None
    return analytics.rates_by(
        _rate_audience(survey, by), audience.answered_units(survey), group_order(by)
    )


@dataclass(frozen=True)
class Respondent:
    """Who answered, as far as the results are split: the contact's role and gender (a
    per-member answer: the contact of that member with the officer's e-mail address),
    "Not stated" when unknown."""

    region: str
    role: str
    gender: str
    language: str


SPLITS = ("region", "role", "gender")


def _contacts_of_officers(responses: list[SurveyResponse]) -> dict[tuple[int, str], Contact]:
    wanted = {
        (r.member_id, r.submitted_by.email.lower())
        for r in responses
        if r.contact is None and r.submitted_by is not None and r.submitted_by.email
    }
    if not wanted:
        return {}
    contacts = Contact.objects.filter(member_id__in={m for m, _e in wanted}).exclude(email="")
    return {(c.member_id, c.email.lower()): c for c in contacts}


def respondents(survey: Survey) -> dict[int, Respondent]:
    """Response id → its respondent's region, role, gender and language (labels)."""
    responses = list(
        survey.responses.select_related("member__country__region", "contact", "submitted_by")
    )
    officers = _contacts_of_officers(responses)
    languages = dict(settings.LANGUAGES)
    found = {}
    for r in responses:
        contact = r.contact
        if contact is None and r.submitted_by is not None:
            contact = officers.get((r.member_id, r.submitted_by.email.lower()))
        found[r.pk] = Respondent(
            region=translated(r.member.country.region, "name")[0],
            role=str(RoleCategory(contact.role_category).label) if contact else _not_stated(),
            gender=str(Gender(contact.gender).label) if contact else _not_stated(),
            language=str(languages.get(r.language, r.language)),
        )
    return found


def _not_stated() -> str:
    return str(Gender.NOT_STATED.label)


def group_order(by: str) -> list[str]:
    if by == "role":
        return [str(label) for _v, label in RoleCategory.choices] + [_not_stated()]
    if by == "gender":
        return [str(label) for _v, label in Gender.choices]
    if by == "language":
        return [str(name) for _c, name in settings.LANGUAGES]
    return region_names()


@dataclass
class QuestionResult:
    question: Question
    answered: int = 0
    # {"option", "group", "count"} rows; groups are regions, roles or genders
    counts: list[dict[str, Any]] = field(default_factory=list)
    totals: list[tuple[str, int]] = field(default_factory=list)
    mean_ranks: list[tuple[str, float]] = field(default_factory=list)
    median: float | None = None
    texts: int = 0
    respondents: dict[str, int] = field(default_factory=dict)


def _answers(survey: Survey, by: str) -> Iterator[tuple[Answer, str]]:
    people = respondents(survey)
    for answer in Answer.objects.filter(response__survey=survey):
        yield answer, getattr(people[answer.response_id], by)


def _choice_counts(
    result: QuestionResult, answers: list[tuple[Any, str]], labels: dict[int, str]
) -> None:
    question = result.question
    pairs: list[tuple[object, str]] = []
    for value, group in answers:
        for v in value if isinstance(value, list) else [value]:
            pairs.append((labels.get(v, v) if question.kind != "scale" else v, group))
    counted = analytics.option_counts(pairs)
    result.counts = [
        {"option": str(k[0]), "group": k[1], "count": n}
        for k, n in sorted(counted.items(), key=lambda kv: (str(kv[0][0]), kv[0][1]))
    ]
    totals: Counter[str] = Counter()
    for (option, _group), n in counted.items():
        totals[str(option)] += n
    if question.kind == QuestionKind.SCALE:
        keys = [str(v) for v in range(question.scale_min, question.scale_max + 1)]
    else:
        keys = list(labels.values())
    result.totals = [(k, totals.get(k, 0)) for k in keys]


def survey_results(survey: Survey, by: str = "region") -> list[QuestionResult]:
    """Per question: option (or scale value) counts split by region, role or gender, mean
    ranks, the median number, or how many wrote text."""
    questions = list(survey.questions.prefetch_related("options"))
    by_question: dict[int, list[tuple[Any, str]]] = defaultdict(list)
    for answer, group in _answers(survey, by if by in SPLITS else "region"):
        by_question[answer.question_id].append((answer.value, group))
    results = []
    for question in questions:
        result = QuestionResult(question=question)
        answers = by_question.get(question.pk, [])
        result.answered = len(answers)
        result.respondents = dict(Counter(group for _v, group in answers))
        labels = {o.pk: translated(o, "label")[0] for o in question.options.all()}
        if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.SCALE):
            _choice_counts(result, answers, labels)
        elif question.kind == QuestionKind.RANKING:
            means = analytics.mean_ranks(value for value, _group in answers)
            result.mean_ranks = sorted(
                ((labels[o], m) for o, m in means.items() if o in labels), key=lambda x: x[1]
            )
        elif question.kind == QuestionKind.NUMBER:
            result.median = analytics.median(float(v) for v, _r in answers)
        else:
            result.texts = len(answers)
        results.append(result)
    return results


def published_surveys() -> QuerySet[Survey]:
    return Survey.objects.filter(results_published_at__isnull=False).order_by(
        "-results_published_at"
    )


def text_answers(survey: Survey) -> QuerySet[Answer]:
    """Free-text answers with their member and tagging, for staff to read and tag."""
    return (
        Answer.objects.filter(response__survey=survey, question__kind=QuestionKind.TEXT)
        .select_related("question", "response__member", "response__contact", "tagging__need")
        .prefetch_related("tagging__themes")
        .order_by("question__order", "response__member__name", "pk")
    )


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
        .select_related("response__member__country__region", "response__contact")
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
            str(answer.response.contact or ""),
        ]


def sending_counts(survey: Survey) -> dict[str, int]:
    """How many have been invited, reminded (at least once) and not e-mailed yet."""
    invitations = survey.invitations.annotate(
        invited=Count("sendings", filter=Q(sendings__kind=SendingKind.INVITATION)),
        reminded=Count("sendings", filter=Q(sendings__kind=SendingKind.REMINDER)),
    ).values_list("invited", "reminded")
    rows = list(invitations)
    return {
        "invited": sum(1 for i, _r in rows if i),
        "reminded": sum(1 for _i, r in rows if r),
        "pending": sum(1 for i, _r in rows if not i),
    }


def request_queue() -> Queue:
    """Requests waiting for the Secretariat's answer (new, or followed up since)."""
    return queue_of(SupportRequest.objects.filter(status=RequestStatus.OPEN), "created_at")


def surveys_to_answer(members: QuerySet[Member]) -> list[Survey]:
    """Open surveys that at least one of the members still has to answer."""
    answered = answered_surveys(members)
    codes = set(members.values_list("code", flat=True))
    return [s for s in open_surveys(members) if not codes <= set(answered.get(s.pk, []))]
