"""Settings shared by every environment, read from twelve-factor environment variables."""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()

SECRET_KEY = env("SECRET_KEY", default="")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "django_htmx",
    "triage",
    "queues",
    "presales",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Unset DATABASE_URL: a SQLite file in the project folder (the laptop default).
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while one writer commits; the timeout absorbs short write bursts.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Unset EMAIL_URL: mail is written to the console.
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Support Triage <support@example.com>")
# Proactive notices (R7) go to the ticket's reporter; tickets without one go here (unset:
# DEFAULT_FROM_EMAIL, i.e. the team's own inbox) until accounts carry a contact address.
NOTICE_FALLBACK_EMAIL = env("NOTICE_FALLBACK_EMAIL", default="")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so an unauthenticated API call answers 401 with WWW-Authenticate.
        "triage.authentication.TokenWithRolesAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["triage.roles.IsStaffRole"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "EXCEPTION_HANDLER": "triage.apis.exception_handler",
    "DEFAULT_PAGINATION_CLASS": "triage.pagination.PagePagination",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Support Triage API",
    "DESCRIPTION": "REST API v1: the ranked support queue, triage, pins and the timeline.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The contract is public: outside tools read the schema and docs without signing in.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # Every operation's 400/401/403/404 (and 429 once views throttle), documented in one place.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "triage.schema.add_error_responses",
    ],
    # p0..p3 is one scale for severities and priorities: name it once in the schema.
    "ENUM_NAME_OVERRIDES": {
        "LevelEnum": "triage.models.Level",
        # Pre-sales serializers repeat the ticket's tier and status, and add exception statuses.
        "TicketTierEnum": "presales.serializers.TICKET_TIERS",
        "TicketStatusEnum": "presales.serializers.TICKET_STATUSES",
        "ExceptionStatusEnum": "presales.serializers.EXCEPTION_STATUSES",
    },
}

# Unset REDIS_URL: tasks run in-process (no broker needed on a laptop).
REDIS_URL = env("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", default="support-triage")
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = "UTC"

# The team goal (R6): a first reply within about two hours for everyone.
TEAM_FIRST_REPLY_GOAL_MINUTES = env.int("TEAM_FIRST_REPLY_GOAL_MINUTES", default=120)

# How often the queue page refreshes its rows with htmx (browser tests set it to 1).
QUEUE_REFRESH_SECONDS = env.int("QUEUE_REFRESH_SECONDS", default=15)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}

# Pre-sales (R9): remind an engineer to leave a prospect's trial channel after this many hours
# (or as soon as the ticket is resolved), from a periodic task.
PRESALES_CHANNEL_REMINDER_HOURS = env.float("PRESALES_CHANNEL_REMINDER_HOURS", default=24)

# Periodic work, run by `celery beat` (one schedule: every app's entries in this one dict).
CELERY_BEAT_SCHEDULE = {
    # R6: warn about clocks at 75 % of their target and at breach (triage/tasks.py).
    "sla-warnings": {"task": "triage.sla_warnings_scan", "schedule": 60.0},
    # R7: evaluate the load every minute; record level changes; decide proactive notices.
    "queues-evaluate-load": {"task": "queues.tasks.evaluate_load", "schedule": 60.0},
    # The notice outbox: enqueue what a broker outage left behind, retry failed deliveries.
    "queues-sweep-notices": {"task": "queues.tasks.sweep_notices", "schedule": 60.0},
    # R9: remind engineers to leave prospects' trial channels.
    "presales-channel-reminders": {
        "task": "presales.tasks.channel_reminders_send",
        "schedule": 600.0,  # every ten minutes
    },
}

# Covering indexes (INCLUDE columns) are a PostgreSQL optimisation; SQLite builds the same
# index without the extra columns, which is fine for a laptop.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
