"""Production: PostgreSQL, Redis and Celery workers; every secret comes from the environment.

`manage.py check --deploy --fail-level WARNING` passes with these settings (tests pin it).
"""

import logging

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DATABASES, env

# Keys that live in this repository (settings, docs, scripts) and so are no secret at all.
KNOWN_KEYS = {
    "local-development-only-not-secret",
    "test-only-not-secret",
    "bench-only-not-secret",
    "build-only",
    "change-me",
}
GENERATE = "python -c 'import secrets; print(secrets.token_urlsafe(50))'"


def strong_secret_key(key: str) -> str:
    """Return the key, or refuse to start: unset, short, repetitive or published keys."""
    if not key:
        raise ImproperlyConfigured(
            f"SECRET_KEY is not set: production refuses to start without one. Generate one "
            f"with {GENERATE} and set it in the environment."
        )
    if key in KNOWN_KEYS or key.startswith("django-insecure") or len(key) < 50 or len(set(key)) < 5:
        raise ImproperlyConfigured(
            "SECRET_KEY is too weak for production (it needs 50 or more characters, 5 or more "
            "different ones, and must not be a key published anywhere). "
            f"Generate one with {GENERATE}."
        )
    return key


SECRET_KEY = strong_secret_key(env("SECRET_KEY", default=""))
DEBUG = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)

# HTTPS. SECURE_SSL_REDIRECT=false when something in front already redirects (or on a laptop).
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
# Behind a TLS-terminating proxy, the proxy's header says whether the client used https. Trust
# it only when the proxy sets (and overwrites) it: SECURE_PROXY_SSL_HEADER= (empty) when
# gunicorn faces clients directly, since a client could then send the header itself.
_proxy_header = env("SECURE_PROXY_SSL_HEADER", default="X-Forwarded-Proto")
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_" + _proxy_header.upper().replace("-", "_"), "https") if _proxy_header else None
)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Cookies: https only (SECURE_COOKIES=false for plain http on a laptop), never read by scripts
# except the CSRF token, which htmx gets from the page (hx-headers), not from the cookie.
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
CSRF_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# One JSON object per log line (time, level, logger, message, request_id; config/logs.py).
LOG_FORMAT = env("LOG_FORMAT", default="json")
# Python warnings (whitenoise's, deprecations) go through logging too: stderr holds only JSON.
logging.captureWarnings(True)
LOGGING = {
    **LOGGING,  # noqa: F405
    "handlers": {"console": {**LOGGING["handlers"]["console"], "formatter": LOG_FORMAT}},  # noqa: F405
}
