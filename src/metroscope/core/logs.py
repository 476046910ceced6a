"""Logs one can search: one JSON object per line, each with the request's id (taken from the
proxy's X-Request-ID when it sends one, else made here, and sent back in the response), the
user and the path, so every line of one request can be found together across hosts."""

from __future__ import annotations

import contextvars
import json
import logging
import re
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse

_request: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar(
    "metroscope_request", default=None
)
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,100}$")
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class RequestIdMiddleware:
    """First in the chain: the request's id for every log line written while it is served."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get("X-Request-ID", "")
        request_id = given if _SAFE_ID.match(given) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        token = _request.set({"request_id": request_id, "path": request.path, "request": request})
        try:
            response = self.get_response(request)
        finally:
            _request.reset(token)
        response["X-Request-ID"] = request_id
        return response


class JsonFormatter(logging.Formatter):
    """A log record as one line of JSON: time (UTC), level, logger, message, the request's id,
    path and user when there is a request, the exception, and any `extra=` fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        current = _request.get()
        if current is not None:
            entry["request_id"] = current["request_id"]
            entry["path"] = current["path"]
            # Only a user already read: reading it here would load the session, and a session
            # that fails to load (signed with another host's key) logs a warning, formatted
            # here, which would load it again, until the recursion limit (a 500).
            user = getattr(current["request"], "_cached_user", None)
            if user is not None and getattr(user, "is_authenticated", False):
                entry["user"] = user.get_username()
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_") and key != "request":
                entry[key] = value if isinstance(value, str | int | float | bool) else str(value)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)
