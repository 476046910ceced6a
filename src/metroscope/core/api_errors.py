"""The API's one error shape, `ApiError`: `{"detail": "...", "errors": {"field": ["..."]}}`,
whatever answers the error — a view, ninja's validation or authentication, the rate limit, the
URL resolver — and the OpenAPI schema documents it on every operation.

An operation documents in its own `response` the errors its code chooses (a 409, a 404 found
from a body field, a richer body that is a superset of ApiError); the errors the shared
machinery answers are added to the schema by `document_errors` from what the operation has:
parameters (400), a body (400, 413, 422), authentication (401, 403), path parameters (404),
a per-client rate limit (429)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar, cast

import pydantic
from django.conf import settings
from django.core.exceptions import (
    BadRequest,
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

E = TypeVar("E", bound=Exception)

# ninja's cookie authentication raises HttpError(403, this) when the CSRF check fails
# (ninja.security.apikey.APIKeyCookie); it has no class of its own to catch.
NINJA_CSRF_FAILED = "CSRF check Failed"
# …and HttpError(400, this) when a body is not JSON (ninja.params.models.BodyModel)
NINJA_UNPARSABLE = "Cannot parse request body"

# Where a validation error was found → the status it answers: a parameter the request cannot
# mean is a bad request; a body that does not follow its schema cannot be processed.
BODY_SOURCES = ("body", "form", "file")
WHOLE_REQUEST = "__all__"  # the key of what is wrong with the request as a whole (as Django's)


class ApiError(Schema):
    """What every error of the API answers."""

    detail: str = Field(
        ..., description="What is wrong, in a sentence for people, in the language asked."
    )
    errors: dict[str, list[str]] = Field(
        ...,
        description=(
            "What is wrong with each field or parameter, by its name (`__all__`: the request "
            "as a whole); empty when the error is about no field."
        ),
    )


# What each error status means in this API: the description of the response in the schema.
STATUS_MEANING: dict[int, str] = {
    400: "Bad request: a parameter of the wrong type or out of its bounds, a body that cannot "
    "be read, or a request the operation refuses (the detail says why).",
    401: "Not signed in: send an API token (`Authorization: Bearer mts_…`) or a session cookie.",
    403: "Forbidden: you may not do this (your role, a read-only token, or a session without "
    "its CSRF token).",
    404: "Not found: no such record, or one you may not see.",
    405: "Method not allowed on this address (the `Allow` header lists those that are).",
    409: "Conflict: the thing exists already (e.g. a second answer or registration).",
    413: "Content too large: the request body is larger than the server accepts.",
    422: "The body does not follow the operation's schema, or its values are refused: `errors` "
    "names each field.",
    429: "Too many requests from your address: try again after `Retry-After` seconds.",
    500: "Server error.",
}


RETRY_AFTER = {
    "description": "seconds to wait before asking again",
    "schema": {"type": "integer", "minimum": 1},
}


def error_body(detail: str, errors: Mapping[str, Sequence[str]] | None = None) -> dict[str, Any]:
    return {"detail": detail, "errors": {k: list(v) for k, v in (errors or {}).items()}}


def error_response(
    status: int, detail: str, errors: Mapping[str, Sequence[str]] | None = None
) -> JsonResponse:
    """An ApiError answered outside ninja (middleware, the URL resolver, Django's handlers)."""
    return JsonResponse(error_body(detail, errors), status=status)


def default_detail(status: int, request: HttpRequest) -> str:
    """The detail of an error answered by Django rather than a view: what the status means."""
    if status == 404:
        return _("There is nothing at %(path)s in the API.") % {"path": request.path}
    if status == 405:
        return _("%(method)s is not allowed at %(path)s.") % {
            "method": request.method,
            "path": request.path,
        }
    if status == 413:
        return _("The request is too large.")
    if status >= 500:
        return _("The server could not answer; the error is logged.")
    return _("The request was refused.")


# --- validation errors ------------------------------------------------------------------------


def _field(loc: Sequence[Any]) -> str:
    """ninja's error location → the field's name: ("query", "year") → "year";
    ("body", "payload", 0, "year") → "0.year" (the body's parameter name dropped)."""
    source, *rest = loc or (WHOLE_REQUEST,)
    if source in BODY_SOURCES and rest:
        rest = rest[1:]
    return ".".join(str(part) for part in rest) or WHOLE_REQUEST


def validation_errors(errors: Iterable[Mapping[str, Any]]) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for error in errors:
        fields.setdefault(_field(error.get("loc", ())), []).append(str(error.get("msg", "")))
    return fields


def validation_status(errors: Iterable[Mapping[str, Any]]) -> int:
    sources = {(e.get("loc") or ("",))[0] for e in errors}
    return 422 if sources & set(BODY_SOURCES) else 400


def summary(fields: Mapping[str, Sequence[str]]) -> str:
    """One sentence of every field's problems: "title: This field is required.; …"."""
    return "; ".join(
        f"{name}: {' '.join(messages)}" if name != WHOLE_REQUEST else " ".join(messages)
        for name, messages in fields.items()
    )


def refusal(exc: DjangoValidationError) -> dict[str, Any]:
    """A service's refusal (Django's ValidationError) as an ApiError body, each problem under
    its field (`__all__` for the request as a whole)."""
    fields = exc.message_dict if hasattr(exc, "error_dict") else {WHOLE_REQUEST: exc.messages}
    return error_body(summary(fields), fields)


# --- the API ----------------------------------------------------------------------------------


class ErrorShapedAPI(NinjaAPI):
    """A NinjaAPI whose every error answers ApiError, documented in its OpenAPI schema."""

    def set_default_exception_handlers(self) -> None:
        super().set_default_exception_handlers()
        self._on(HttpError, self._http_error)
        self._on(AuthenticationError, self._not_signed_in)
        self._on(Http404, self._not_found)
        self._on(PermissionDenied, self._forbidden)
        self._on(ValidationError, self._invalid)
        self._on(ValueError, self._bad_request)
        self._on(RequestDataTooBig, self._too_large)
        self._on(SuspiciousOperation, self._bad_request)
        self._on(BadRequest, self._bad_request)
        self._on(MultiPartParserError, self._unreadable_upload)
        # pydantic's errors are ValueErrors too, but one raised in a view (an answer that
        # does not follow its own schema) is a bug: the server error it is, not a 400
        self._on(pydantic.ValidationError, self._exception_handlers[Exception])

    def _on(self, exc_class: type[E], handler: Callable[[HttpRequest, E], HttpResponse]) -> None:
        # ninja types a handler as taking the exception or its class; it is given the exception
        self.add_exception_handler(exc_class, cast(Any, handler))

    def error(
        self,
        request: HttpRequest,
        status: int,
        detail: str,
        errors: Mapping[str, Sequence[str]] | None = None,
    ) -> HttpResponse:
        return self.create_response(request, error_body(detail, errors), status=status)

    def _http_error(self, request: HttpRequest, exc: HttpError) -> HttpResponse:
        detail = str(exc)
        if exc.status_code == 403 and detail == NINJA_CSRF_FAILED:
            detail = _(
                "CSRF check failed: with a session, send the csrftoken cookie's value in the "
                "X-CSRFToken header (or use an API token)."
            )
        elif exc.status_code == 400 and detail.startswith(NINJA_UNPARSABLE):
            detail = _("The body cannot be read: send JSON, with Content-Type: application/json.")
        return self.error(request, exc.status_code, detail)

    def _not_signed_in(self, request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = self.error(
            request,
            401,
            _("Sign in, or send an API token in the header Authorization: Bearer mts_…"),
        )
        response["WWW-Authenticate"] = 'Bearer realm="api"'
        return response

    def _not_found(self, request: HttpRequest, exc: Http404) -> HttpResponse:
        return self.error(request, 404, str(exc) or _("Not found."))

    def _forbidden(self, request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return self.error(request, 403, str(exc) or _("You may not do this."))

    def _invalid(self, request: HttpRequest, exc: ValidationError) -> HttpResponse:
        fields = validation_errors(exc.errors)
        return self.error(request, validation_status(exc.errors), summary(fields), fields)

    def _bad_request(self, request: HttpRequest, exc: Exception) -> HttpResponse:
        return self.error(request, 400, str(exc) or _("The request was refused."))

    def _unreadable_upload(self, request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
        return self.error(
            request,
            400,
            _("The multipart/form-data body cannot be read: %(problem)s") % {"problem": str(exc)},
        )

    def _too_large(self, request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        return self.error(
            request,
            413,
            _("The request body is larger than %(size)s bytes.")
            % {"size": settings.DATA_UPLOAD_MAX_MEMORY_SIZE},
        )

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        document_errors(schema, rate_limited=self.rate_limited_operations())
        return schema

    def rate_limited_operations(self) -> set[str]:
        """The operation ids the rate limit middleware counts (settings name URL names)."""
        names = {
            name.removeprefix(f"{self.urls_namespace}:")
            for _rate, url_names in settings.METROSCOPE_RATE_LIMITS.values()
            for name in url_names
        }
        limited = set()
        # ninja's own schema walks the same bound routers (there is no public list of them)
        for bound in self._get_bound_routers():
            for path_view in bound.path_operations.values():
                for operation in path_view.operations:
                    name = getattr(operation, "url_name", "") or self.get_operation_url_name(
                        operation, bound.template
                    )
                    if name in names and set(operation.methods) & {"GET", "HEAD"}:
                        limited.add(
                            operation.operation_id or self.get_openapi_operation_id(operation)
                        )
        return limited


def implied_errors(operation: Mapping[str, Any], *, rate_limited: bool) -> set[int]:
    """The errors the shared machinery may answer for an operation of this schema."""
    parameters = operation.get("parameters") or []
    body = bool(operation.get("requestBody"))
    statuses = set()
    if parameters or body:
        statuses.add(400)
    if operation.get("security"):
        statuses |= {401, 403}
    if any(p.get("in") == "path" for p in parameters):
        statuses.add(404)
    if body:
        statuses |= {413, 422}
    if rate_limited:
        statuses.add(429)
    return statuses


def document_errors(schema: dict[str, Any], *, rate_limited: set[str]) -> None:
    """Adds ApiError to the schema's components and to each operation the error responses
    implied by what it has; an operation's own documentation of a status stays."""
    schema["components"].setdefault("schemas", {})["ApiError"] = ApiError.model_json_schema(
        mode="serialization"
    )
    reference = {"$ref": "#/components/schemas/ApiError"}
    for methods in schema["paths"].values():
        for operation in methods.values():
            responses = operation["responses"]
            declared = {int(status) for status in responses}
            limited = operation.get("operationId") in rate_limited
            for status in sorted(implied_errors(operation, rate_limited=limited) - declared):
                responses[status] = {
                    "description": STATUS_MEANING[status],
                    "content": {"application/json": {"schema": reference}},
                }
            if 429 in responses:
                responses[429]["headers"] = {"Retry-After": RETRY_AFTER}
            for status, response in responses.items():
                if int(status) in STATUS_MEANING and int(status) >= 400:
                    response["description"] = STATUS_MEANING[int(status)]
