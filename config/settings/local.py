"""A laptop: SQLite unless DATABASE_URL says otherwise, tasks in-process, debug on."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env("SECRET_KEY", default="local-development-only-not-secret")  # noqa: S105

# Plain, readable lines that still show the request id (LOG_FORMAT in base.py).
# Tasks run in-process on a laptop: one log line per task would drown the server's output.
LOGGING = {
    **LOGGING,  # noqa: F405
    "loggers": {
        **LOGGING["loggers"],  # noqa: F405
        "celery.app.trace": {"level": "WARNING"},
        "kombu": {"level": "ERROR"},
    },
}
