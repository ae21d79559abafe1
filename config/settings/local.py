"""A laptop: SQLite unless DATABASE_URL is set, debug on, tasks in-process or in dev.py's worker."""

from pathlib import Path

from .base import *  # noqa: F403
from .base import CELERY_BEAT_SCHEDULE, REDIS_URL, env

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env("SECRET_KEY", default="local-development-only-not-secret")  # noqa: S105

# Plain, readable lines that still show the request id (LOG_FORMAT in base.py). One line per
# task (in-process, or "received" in dev.py's worker) would drown the server's and beat's lines.
LOGGING = {
    **LOGGING,  # noqa: F405
    "loggers": {
        **LOGGING["loggers"],  # noqa: F405
        "celery.app.trace": {"level": "WARNING"},
        "celery.worker.strategy": {"level": "WARNING"},
        "kombu": {"level": "ERROR"},
    },
}

# --- `python3 dev.py run`: the periodic work without a server to install ------------------------
# dev.py sets LOCAL_BROKER_DIR and starts a Celery worker with embedded beat (`worker -B`) beside
# runserver. Without REDIS_URL the broker is that folder (kombu's filesystem transport: one file
# per message), so the web process enqueues and the worker runs every task, and beat sends
# CELERY_BEAT_SCHEDULE's entries, as in production. Unset (tests, a bare `manage.py`): tasks run
# in-process as before.
LOCAL_BROKER_DIR = env("LOCAL_BROKER_DIR", default="")
if LOCAL_BROKER_DIR and not REDIS_URL:
    _broker = Path(LOCAL_BROKER_DIR)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_TASK_ALWAYS_EAGER = False
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker / "messages"),
        "data_folder_out": str(_broker / "messages"),
        "control_folder": str(_broker / "control"),
    }
    for _folder in ("messages", "control"):
        (_broker / _folder).mkdir(parents=True, exist_ok=True)

# A demo or a test may run every periodic task more often (never less often): seconds.
LOCAL_BEAT_EVERY_SECONDS = env.float("LOCAL_BEAT_EVERY_SECONDS", default=0)
if LOCAL_BEAT_EVERY_SECONDS > 0:
    CELERY_BEAT_SCHEDULE = {
        name: {**entry, "schedule": min(entry["schedule"], LOCAL_BEAT_EVERY_SECONDS)}
        for name, entry in CELERY_BEAT_SCHEDULE.items()
    }
