"""Answers that must not need the database: health probes, and a clear 503 while it is away.

A database that restarts or drops off the network raises `OperationalError` or
`InterfaceError` wherever the next query happens: in a view, in DRF's token authentication
(which runs inside the view), while a template renders, or in a middleware that reads the
session or the user before the view. Django would answer each of those with a 500 and a
stack trace in the log; a client cannot tell "broken" from "try again". Here they become a
503 with `Retry-After`: JSON `{"detail": ...}` under `/api/` (the API's error shape), a
small HTML page elsewhere, logged once at ERROR with the exception.

Two hooks cover the two places such an error surfaces:
- `DatabaseUnavailableMiddleware.process_exception` for the view, DRF included (DRF's own
  exception handler returns nothing for these, so they leave the view);
- `server_error`, the project's `handler500`, for errors raised inside another middleware:
  Django turns those into a response at that middleware's layer, before any outer
  middleware sees the exception. (With DEBUG on, Django shows its debug page there instead.)
"""

from __future__ import annotations

import logging
import sys

import redis
from django.conf import settings
from django.db import InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.views import defaults

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5
API_DETAIL = "The database is unavailable for a moment; try again in a few seconds."
UNAVAILABLE_ERRORS = (OperationalError, InterfaceError)


def database_unavailable(request: HttpRequest, exc: BaseException) -> HttpResponse:
    """Log the error once and answer 503 in the shape the caller expects."""
    logger.error(
        "Database unavailable: %s %s answered 503",
        request.method,
        request.path,
        exc_info=(type(exc), exc, exc.__traceback__),
    )
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": API_DETAIL}, status=503)
    else:
        # Rendered without the request: context processors would read the user, i.e. the DB.
        html = loader.render_to_string("503.html", {"retry_after": RETRY_AFTER_SECONDS})
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    # Django logs every 5xx again on the way out; this one is logged above, with the cause.
    response._has_been_logged = True  # noqa: SLF001
    return response


class DatabaseUnavailableMiddleware:
    """Turn a lost database connection raised by a view into a 503 with Retry-After."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if isinstance(exception, UNAVAILABLE_ERRORS):
            return database_unavailable(request, exception)
        return None


def server_error(request: HttpRequest, template_name: str = "500.html") -> HttpResponse:
    """Answer 503 for a lost database raised outside the view; Django's plain 500 otherwise."""
    exc = sys.exc_info()[1]
    if isinstance(exc, UNAVAILABLE_ERRORS):
        return database_unavailable(request, exc)
    return defaults.server_error(request, template_name)


# Health probes -----------------------------------------------------------------------------


def _database_ready() -> bool:
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except UNAVAILABLE_ERRORS:
        # Drop the broken connection now, so the next probe (or request) dials afresh.
        connections["default"].close()
        return False


def _redis_ready(url: str) -> bool:
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        try:
            return bool(client.ping())
        finally:
            client.close()
    except redis.RedisError:
        return False


def readiness() -> tuple[bool, dict[str, str]]:
    """Check what a request needs: the database and, when configured, the Celery broker."""
    checks = {"database": "ok" if _database_ready() else "unavailable"}
    url = settings.REDIS_URL
    checks["redis"] = ("ok" if _redis_ready(url) else "unavailable") if url else "not configured"
    ready = all(state != "unavailable" for state in checks.values())
    return ready, checks


class HealthCheckMiddleware:
    """Answer `/healthz` (the process is up) and `/readyz` (its services answer).

    First in MIDDLEWARE, so probes skip the host check, the HTTPS redirect, sessions and the
    database: a load balancer or docker-compose asks by IP over plain HTTP, and liveness must
    not depend on PostgreSQL.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info.rstrip("/")
        if path == "/healthz":
            return JsonResponse({"status": "ok"})
        if path == "/readyz":
            ready, checks = readiness()
            if not ready:
                logger.warning("Not ready: %s", checks)
            response = JsonResponse(
                {"status": "ready" if ready else "unavailable", "checks": checks},
                status=200 if ready else 503,
            )
            if not ready:
                response["Retry-After"] = str(RETRY_AFTER_SECONDS)
                response._has_been_logged = True  # noqa: SLF001 (logged above, once)
            return response
        return self.get_response(request)
