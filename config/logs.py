"""Structured logs: a request id on every record, JSON lines in production, one access line.

The request id lives in a contextvar set by `RequestIdMiddleware` (and by the Celery signals
in `config.celery` for tasks a request enqueued), so any logger anywhere can report it without
being handed the request.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime

from django.utils.functional import SimpleLazyObject, empty

request_id_var: ContextVar[str] = ContextVar("request_id", default="-")

# A proxy's or client's id is kept when it looks like one (uuid, hex, a short token); anything
# else (too long, spaces, quotes, control characters) could forge log lines and is replaced.
_SANE_ID = re.compile(r"[A-Za-z0-9._:-]{8,128}")

access_log = logging.getLogger("access")

# Attributes every LogRecord has; anything else on a record came in through `extra=`.
_STANDARD = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "request_id"}


def sane_request_id(value: str | None) -> str:
    """Return the incoming id when it is safe to log, else a fresh uuid4 (hex)."""
    if value and _SANE_ID.fullmatch(value):
        return value
    return uuid.uuid4().hex


class RequestIdFilter(logging.Filter):
    """Add `request_id` to every record a handler emits ("-" outside a request or task)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
        return True


class RefusalFilter(logging.Filter):
    """Keep `django.request` from repeating a client error as a traceback.

    A refused request (401, 403) is already the access line's status: its `django.request`
    record is dropped. Other 4xx records stay, as one line without the exception's traceback
    (the client sent something wrong; nothing failed here). 5xx keep their traceback.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if status in (401, 403):
            return False
        if status is not None and 400 <= status < 500:
            record.exc_info, record.exc_text = None, None
        return True


class JsonFormatter(logging.Formatter):
    """Format a record as one JSON object on one line (for log shippers)."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", request_id_var.get()),
        }
        # The access line's fields (and any other `extra=`) become fields of their own.
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str)


def _user_id(request) -> int | None:
    """Return the signed-in user's id without loading a user that nobody has looked at yet.

    Django's `request.user` is lazy: evaluating it after the response would cost a session
    and user query on requests that never needed them (the API's token path sets it itself).
    """
    user = request.__dict__.get("user")
    if isinstance(user, SimpleLazyObject):
        user = user.__dict__.get("_wrapped", empty)
        if user is empty:
            return None
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user.pk


class RequestIdMiddleware:
    """Give each request an id (a sane X-Request-ID or a new uuid4) and log one access line.

    Outermost in MIDDLEWARE but for the health probes, so the id covers everything that logs
    during the request and the access line times the whole stack. No database, and no
    formatting unless INFO is enabled for the `access` logger.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        # META, not request.headers: building HttpHeaders parses every header (~10 µs).
        request_id = sane_request_id(request.META.get("HTTP_X_REQUEST_ID"))
        request.request_id = request_id
        token = request_id_var.set(request_id)
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            if access_log.isEnabledFor(logging.INFO):
                access_log.info(
                    "%s %s %s",
                    request.method,
                    request.path,
                    response.status_code,
                    extra={
                        "method": request.method,
                        "path": request.path,  # never the query string: it may carry secrets
                        "status": response.status_code,
                        "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                        "user_id": _user_id(request),
                    },
                )
            return response
        finally:
            request_id_var.reset(token)
