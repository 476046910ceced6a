"""API of the listening app: requests to the Secretariat (officers see their own member's,
staff all) and member surveys (the open ones; answer for your member), with the rules of the
pages."""

# No `from __future__ import annotations`: django-ninja reads the annotations at runtime.
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import get_language
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status as Reply
from ninja.security import django_auth

from metroscope.core.api_errors import ApiError, error_body
from metroscope.core.api_params import RecordId
from metroscope.core.i18n import translated
from metroscope.core.tokens import TokenAuth
from metroscope.listening import analytics, selectors, services
from metroscope.listening.access import can_manage_surveys, members_for, visible_requests
from metroscope.listening.models import RequestCategory, RequestMessage, SupportRequest, Survey

router = Router(tags=["listening"], auth=[TokenAuth(), django_auth])


class RequestOut(Schema):
    id: int
    member: str
    subject: str
    body: str
    category: str
    language: str
    status: str
    assigned_to: str | None
    created_at: datetime
    first_response_at: datetime | None
    closed_at: datetime | None
    first_response_hours: float | None
    resolution_hours: float | None


class RequestIn(Schema):
    member: str = Field("", description="your member's code; may be left out with one member")
    subject: str = Field(..., min_length=1, max_length=200)
    body: str = Field(..., min_length=1)
    category: str = Field("question", description="question, support, data, events, …")
    language: str = Field("en", description="en, fr or es")


def _request_out(item: SupportRequest) -> dict[str, Any]:
    return {
        "id": item.pk,
        "member": item.member.code,
        "subject": item.subject,
        "body": item.body,
        "category": item.category,
        "language": item.language,
        "status": item.status,
        "assigned_to": item.assigned_to.get_username() if item.assigned_to else None,
        "created_at": item.created_at,
        "first_response_at": item.first_response_at,
        "closed_at": item.closed_at,
        "first_response_hours": analytics.hours_between(item.created_at, item.first_response_at),
        "resolution_hours": analytics.hours_between(item.created_at, item.closed_at),
    }


@router.get("/requests", response=list[RequestOut], summary="Requests to the Secretariat")
def list_requests(request: HttpRequest, status: str = "") -> list[dict[str, Any]]:
    items = visible_requests(request.user)
    if status:
        items = items.filter(status=status)
    return [_request_out(r) for r in items[:1000]]


@router.post("/requests", response={201: RequestOut}, summary="Ask the Secretariat")
def create_request(request: HttpRequest, payload: RequestIn) -> Any:
    members = members_for(request.user)
    if payload.member:
        members = members.filter(code=payload.member)
    elif members.count() > 1:
        raise HttpError(400, "you are an officer of several members: name one in `member`")
    member = members.first()
    if member is None:
        raise HttpError(403, "you may ask only for the members you are an officer of")
    if payload.category not in RequestCategory.values:
        raise HttpError(400, f"unknown category {payload.category!r}")
    if payload.language not in {code for code, _name in settings.LANGUAGES}:
        raise HttpError(400, f"unknown language {payload.language!r}")
    made = services.request_create(
        user=request.user,
        member=member,
        subject=payload.subject,
        body=payload.body,
        category=payload.category,
        language=payload.language,
    )
    return Reply(201, _request_out(visible_requests(request.user).get(pk=made.pk)))


class MessageOut(Schema):
    id: int
    author: str
    from_secretariat: bool
    body: str
    created_at: datetime


class RequestDetailOut(RequestOut):
    messages: list[MessageOut]


class MessageIn(Schema):
    body: str = Field(..., description="the answer (staff) or a follow-up (the member's officers)")


class AssignIn(Schema):
    assignee: str | None = Field(None, description="a staff user's name; null: nobody")


def _message_out(message: RequestMessage) -> dict[str, Any]:
    return {
        "id": message.pk,
        "author": message.author.get_username(),
        "from_secretariat": message.from_secretariat,
        "body": message.body,
        "created_at": message.created_at,
    }


def _visible_request(request: HttpRequest, request_id: int) -> SupportRequest:
    """A request the caller may read (their member's; staff: any); 404 for any other."""
    found = visible_requests(request.user).filter(pk=request_id).first()
    if found is None:
        raise HttpError(404, f"no request {request_id} of yours")
    return found


def _detail_out(item: SupportRequest) -> dict[str, Any]:
    thread = item.messages.select_related("author")
    return {**_request_out(item), "messages": [_message_out(m) for m in thread]}


@router.get(
    "/requests/{request_id}", response=RequestDetailOut, summary="One request with its thread"
)
def get_request(request: HttpRequest, request_id: RecordId) -> dict[str, Any]:
    return _detail_out(_visible_request(request, request_id))


@router.post(
    "/requests/{request_id}/messages",
    response={201: MessageOut},
    summary="Answer a request (staff) or follow it up (its member's officers)",
)
def post_message(request: HttpRequest, request_id: RecordId, payload: MessageIn) -> Any:
    found = _visible_request(request, request_id)
    try:
        made = services.request_reply(user=request.user, request=found, body=payload.body)
    except PermissionDenied as exc:  # e.g. the Board: it reads no request
        raise HttpError(403, str(exc) or "you may not write on this request") from exc
    return Reply(201, _message_out(made))


@router.post(
    "/requests/{request_id}/assign", response=RequestOut, summary="Assign a request (staff)"
)
def assign_request(request: HttpRequest, request_id: RecordId, payload: AssignIn) -> dict[str, Any]:
    found = _visible_request(request, request_id)
    assignee = None
    if payload.assignee:
        assignee = services.staff_users().filter(username=payload.assignee).first()
        if assignee is None:
            raise HttpError(400, f"{payload.assignee!r} is not one of the Secretariat's staff")
    try:
        services.request_assign(user=request.user, request=found, assignee=assignee)
    except PermissionDenied as exc:
        raise HttpError(403, str(exc)) from exc
    return _request_out(_visible_request(request, request_id))


@router.post("/requests/{request_id}/close", response=RequestOut, summary="Close a request (staff)")
def close_request(request: HttpRequest, request_id: RecordId) -> dict[str, Any]:
    found = _visible_request(request, request_id)
    try:
        services.request_close(user=request.user, request=found)
    except PermissionDenied as exc:
        raise HttpError(403, str(exc)) from exc
    return _request_out(_visible_request(request, request_id))


class OptionOut(Schema):
    id: int
    label: str


class QuestionOut(Schema):
    id: int
    kind: str
    text: str
    help_text: str
    required: bool
    scale_min: int | None
    scale_max: int | None
    options: list[OptionOut]


class SurveyOut(Schema):
    id: int
    title: str
    intro: str
    opens_at: datetime
    closes_at: datetime
    questions: list[QuestionOut]
    answered_by: list[str] = Field(..., description="codes of your members that answered it")


@router.get("/surveys", response=list[SurveyOut], summary="Surveys open now")
def list_surveys(request: HttpRequest) -> list[dict[str, Any]]:
    # As the surveys page: its officers see their members' surveys, the Secretariat every
    # open one, anyone else none.
    members = members_for(request.user)
    staff = can_manage_surveys(request.user)
    if not staff and not members.exists():
        return []
    found = selectors.open_surveys(None if staff else members)
    surveys = list(found.prefetch_related("questions__options"))
    answered = selectors.answered_surveys(members)
    return [
        {
            "id": s.pk,
            "title": translated(s, "title")[0],
            "intro": translated(s, "intro")[0],
            "opens_at": s.opens_at,
            "closes_at": s.closes_at,
            "answered_by": answered.get(s.pk, []),
            "questions": [
                {
                    "id": q.pk,
                    "kind": q.kind,
                    "text": translated(q, "text")[0],
                    "help_text": translated(q, "help_text")[0],
                    "required": q.required,
                    "scale_min": q.scale_min if q.kind == "scale" else None,
                    "scale_max": q.scale_max if q.kind == "scale" else None,
                    "options": [
                        {"id": o.pk, "label": translated(o, "label")[0]} for o in q.options.all()
                    ],
                }
                for q in s.questions.all()
            ],
        }
        for s in surveys
    ]


class AnswersIn(Schema):
    member: str = Field("", description="your member's code; may be left out with one member")
    answers: dict[str, Any] = Field(
        ...,
        description=(
            "question id → value: an option id (single), a list of option ids (multiple), "
            "every option id once in rank order (ranking), an integer (scale), a number, "
            "or text"
        ),
    )


class AnswersOut(Schema):
    id: int
    survey: int
    member: str
    submitted_at: datetime


@router.post(
    "/surveys/{survey_id}/answers",
    response={201: AnswersOut, 409: ApiError, 422: ApiError},
    summary="Answer a survey for your member",
)
def answer_survey(request: HttpRequest, survey_id: RecordId, payload: AnswersIn) -> Any:
    survey = get_object_or_404(Survey, pk=survey_id)
    if not survey.is_open():
        raise HttpError(400, "this survey is not open for answers")
    members = members_for(request.user)
    if payload.member:
        members = members.filter(code=payload.member)
    elif members.count() > 1:
        raise HttpError(400, "you are an officer of several members: name one in `member`")
    member = members.first()
    if member is None:
        raise HttpError(403, "you may answer only for the members you are an officer of")
    raw: dict[int, Any] = {}
    bad_keys: dict[str, list[str]] = {}
    for key, value in payload.answers.items():
        if key.isascii() and key.isdigit():
            raw[int(key)] = value
        else:
            bad_keys[key] = ["not a question id"]
    if bad_keys:
        return Reply(422, error_body("some answers need correcting", bad_keys))
    try:
        response = services.survey_answer(
            user=request.user,
            survey=survey,
            member=member,
            raw=raw,
            language=(get_language() or "en")[:2],
        )
    except services.AnswersInvalid as exc:
        return Reply(422, error_body(str(exc), {str(k): [v] for k, v in exc.errors.items()}))
    except services.AlreadyAnswered as exc:
        raise HttpError(409, str(exc)) from exc
    except PermissionDenied as exc:
        raise HttpError(403, str(exc)) from exc
    return Reply(
        201,
        {
            "id": response.pk,
            "survey": survey.pk,
            "member": member.code,
            "submitted_at": response.submitted_at,
        },
    )
