"""A laptop: SQLite unless DATABASE_URL says otherwise, tasks in-process, debug on."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env("SECRET_KEY", default="local-development-only-not-secret")  # noqa: S105
