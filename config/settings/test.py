"""Tests: a fast hasher, locmem email, tasks in-process unless a test asks for the real worker."""

from .base import *  # noqa: F403
from .base import DATABASES, env

SECRET_KEY = "test-only-not-secret"  # noqa: S105
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# locmem; the Celery worker can be pointed at a test SMTP server (tests/mail_backend.py).
EMAIL_BACKEND = "tests.mail_backend.EmailBackend"
MEDIA_ROOT = env.path("TEST_MEDIA_ROOT", default="/tmp/support-triage-test-media")  # noqa: S108
# A fixed test database name, so a Celery worker started outside pytest can be pointed at it.
DATABASES["default"]["TEST"] = {"NAME": env("TEST_DATABASE_NAME", default="test_support_triage")}
DATABASES["default"]["CONN_MAX_AGE"] = 0
# Tests run tasks in-process; the `celery_worker` fixture switches to the real broker and worker.
CELERY_TASK_ALWAYS_EAGER = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# API throttles off unless a test sets a rate (tests/test_throttles.py): the suite and fuzzing
# send many requests as one persona within a minute.
API_THROTTLE_USER = env("TEST_API_THROTTLE_USER", default="")
API_THROTTLE_ANON = env("TEST_API_THROTTLE_ANON", default="")
