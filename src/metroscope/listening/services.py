"""Writes of the listening app: the request desk and survey answers. Each records its
history (django-simple-history) through the model's save."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from metroscope.exchange.models import Need
from metroscope.exchange.needs import NeedInput, need_save
from metroscope.listening import emails
from metroscope.listening.access import can_manage_requests, can_manage_surveys, members_for
from metroscope.listening.audience import audience_members
from metroscope.listening.models import (
    Answer,
    AnswerTagging,
    Audience,
    QuestionKind,
    RequestMessage,
    RequestStatus,
    SupportRequest,
    Survey,
    SurveyInvitation,
    SurveyResponse,
)
from metroscope.listening.validation import clean_answers
from metroscope.members.models import Member
from metroscope.plan.models import Theme


class AlreadyAnswered(ValueError):
    """The member has already answered this one-per-member survey."""


class AnswersInvalid(ValueError):
    def __init__(self, errors: dict[int, str]) -> None:
        super().__init__(_("Some answers need correcting."))
        self.errors = errors


@transaction.atomic
def request_create(
    *,
    user: Any,
    member: Member,
    subject: str,
    body: str,
    category: str,
    language: str,
) -> SupportRequest:
    if not members_for(user).filter(pk=member.pk).exists():
        raise PermissionDenied(
            _("You may ask only on behalf of the members you are an officer of.")
        )
    if not subject.strip() or not body.strip():
        raise ValueError(_("Give a subject and say what you need."))
    request = SupportRequest.objects.create(
        member=member,
        created_by=user,
        subject=subject.strip(),
        body=body.strip(),
        category=category,
        language=language,
    )
    emails.notify_new_request(request)
    return request


def _staff_only(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("Only the Secretariat's staff may do this."))


@transaction.atomic
def request_assign(*, user: Any, request: SupportRequest, assignee: Any | None) -> SupportRequest:
    _staff_only(can_manage_requests(user))
    if assignee is not None and not can_manage_requests(assignee):
        raise ValueError(_("Requests are assigned to the Secretariat's staff only."))
    request.assigned_to = assignee
    request.save(update_fields=["assigned_to"])
    return request


def staff_users() -> Any:
    from metroscope.core.roles import SECRETARIAT

    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name=SECRETARIAT)
        .distinct()
        .order_by("username")
    )


@transaction.atomic
def request_reply(*, user: Any, request: SupportRequest, body: str) -> RequestMessage:
    """Staff answer (the first answer sets the first-response time); the asking member's
    officers may follow up, which opens an answered request again."""
    staff = can_manage_requests(user)
    if not staff and not members_for(user).filter(pk=request.member_id).exists():
        raise PermissionDenied
    if request.status == RequestStatus.CLOSED:
        raise ValueError(_("This request is closed."))
    if not body.strip():
        raise ValueError(_("Write a message."))
    now = timezone.now()
    message = RequestMessage.objects.create(
        request=request, author=user, body=body.strip(), from_secretariat=staff, created_at=now
    )
    if staff:
        if request.first_response_at is None:
            request.first_response_at = now
        if request.assigned_to is None:
            request.assigned_to = user
        request.status = RequestStatus.ANSWERED
        request.save(update_fields=["first_response_at", "assigned_to", "status"])
        emails.notify_answer(request, message)
    elif request.status == RequestStatus.ANSWERED:
        request.status = RequestStatus.OPEN
        request.save(update_fields=["status"])
    return message


@transaction.atomic
def request_close(*, user: Any, request: SupportRequest) -> SupportRequest:
    _staff_only(can_manage_requests(user))
    if request.status != RequestStatus.CLOSED:
        request.status = RequestStatus.CLOSED
        request.closed_at = timezone.now()
        request.save(update_fields=["status", "closed_at"])
    return request


def survey_answer(
    *, user: Any, survey: Survey, member: Member, raw: dict[int, Any], language: str
) -> SurveyResponse:
    """A member's one answer, checked question by question; a second answer is refused."""
    if not members_for(user).filter(pk=member.pk).exists():
        raise PermissionDenied(_("You may answer only for the members you are an officer of."))
    if survey.audience != Audience.MEMBER:
        raise PermissionDenied(
            _("Each invited contact answers this survey through the link of their invitation.")
        )
    if not audience_members(survey).filter(pk=member.pk).exists():
        raise PermissionDenied(
            _("This survey is for the members of %(regions)s: %(member)s is not among them.")
            % {
                "regions": ", ".join(str(r) for r in survey.audience_regions.all()),
                "member": member.name,
            }
        )
    once = _("%(member)s has already answered this survey: each member answers once.") % {
        "member": member.name
    }
    return _record(
        survey=survey,
        responses=SurveyResponse.objects.filter(survey=survey, member=member, contact=None),
        values={"member": member, "submitted_by": user, "language": language},
        raw=raw,
        once=once,
    )


def survey_answer_invited(
    *, invitation: SurveyInvitation, raw: dict[int, Any], language: str
) -> SurveyResponse:
    """A contact's one answer to a per-contact survey, through their invitation's link."""
    if invitation.contact is None:
        raise PermissionDenied(_("This invitation is not for a per-contact survey."))
    return _record(
        survey=invitation.survey,
        responses=SurveyResponse.objects.filter(
            survey=invitation.survey, contact=invitation.contact
        ),
        values={"member": invitation.member, "contact": invitation.contact, "language": language},
        raw=raw,
        once=_("You have already answered this survey: each person answers once."),
    )


def _record(
    *,
    survey: Survey,
    responses: Any,
    values: dict[str, Any],
    raw: dict[int, Any],
    once: str,
) -> SurveyResponse:
    if not survey.is_open():
        raise ValueError(_("This survey is not open for answers."))
    if responses.exists():
        raise AlreadyAnswered(once)
    questions = list(survey.questions.prefetch_related("options"))
    clean, errors = clean_answers(questions, raw)
    if errors:
        raise AnswersInvalid(errors)
    try:
        with transaction.atomic():
            response = SurveyResponse.objects.create(survey=survey, **values)
            Answer.objects.bulk_create(
                Answer(response=response, question_id=qid, value=value)
                for qid, value in clean.items()
            )
    except IntegrityError:
        # Two answers at once (two officers of one member, or one link opened twice):
        # the unique constraint decides.
        raise AlreadyAnswered(once) from None
    return response


@transaction.atomic
def survey_publish(*, user: Any, survey: Survey, publish: bool = True) -> Survey:
    """Publish (or withdraw) the survey's aggregated results; answers stay private."""
    _staff_only(can_manage_surveys(user))
    survey.results_published_at = timezone.now() if publish else None
    survey.save(update_fields=["results_published_at"])
    return survey


def _text_answer(answer: Answer) -> None:
    if answer.question.kind != QuestionKind.TEXT:
        raise ValueError(_("Only free-text answers are tagged."))


@transaction.atomic
def answer_tag(*, user: Any, answer: Answer, themes: list[Theme]) -> AnswerTagging:
    """Staff tag a free-text answer with the plan themes it speaks of."""
    _staff_only(can_manage_surveys(user))
    _text_answer(answer)
    tagging, _created = AnswerTagging.objects.get_or_create(
        answer=answer, defaults={"tagged_by": user}
    )
    tagging.tagged_by = user
    tagging.tagged_at = timezone.now()
    tagging.save()
    tagging.themes.set(themes)
    return tagging


@transaction.atomic
def answer_to_need(*, user: Any, answer: Answer, title: str) -> Need:
    """Turn a free-text answer into a need of the answering member on the Exchange, with
    the answer's themes; an answer becomes one need only."""
    _staff_only(can_manage_surveys(user))
    _text_answer(answer)
    tagging = AnswerTagging.objects.filter(answer=answer).first()
    if tagging is not None and tagging.need_id is not None:
        raise ValueError(_("This answer is already a need on the Exchange."))
    if not title.strip():
        raise ValueError(_("Give the need a title: what the member wants to solve."))
    themes = list(tagging.themes.all()) if tagging else []
    need = need_save(
        user=user,
        data=NeedInput(
            member=answer.response.member,
            title=title.strip()[:300],
            description=str(answer.value),
            themes=themes,
        ),
    )
    if tagging is None:
        tagging = AnswerTagging(answer=answer, tagged_by=user)
    tagging.need = need
    tagging.save()
    return need
