"""Settings shared by every environment, read from twelve-factor environment variables."""

from datetime import timedelta
from pathlib import Path

import environ

from config.csp import build_policy

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
    "axes",  # sign-in lockout (the "Access" block at the end of this file)
    "shared",
    "triage",
    "queues",
    "escalations",
    "presales",
    "dashboards",
    "demo",
    "mail",
]

MIDDLEWARE = [
    # /healthz and /readyz first: no host check, HTTPS redirect, session
    # or database needed, and no access line per probe.
    "config.availability.HealthCheckMiddleware",
    # Then the request id, which covers everything below; the access line times the stack.
    "config.logs.RequestIdMiddleware",
    "config.csp.ContentSecurityPolicyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Near the end, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
    # Last, so its process_exception sees a view's lost database first: 503, not 500.
    "config.availability.DatabaseUnavailableMiddleware",
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
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Per connection, for this app only. The rank indexes are read from memory, not a spinning
    # disk: with PostgreSQL's default random_page_cost (4) the planner counted a place half-way
    # down the queue with a sequential scan of the whole table (44 ms at 100,000 open tickets)
    # instead of an index-only scan (8 ms) (DB_RANDOM_PAGE_COST, empty: the server's own). No
    # JIT: at 1,000,000 tickets it spent 45 ms compiling a 150 ms count of a filtered page's
    # places (issue 14); a web request's statements are short.
    _page_cost = env("DB_RANDOM_PAGE_COST", default="1.1")
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off" + (
        f" -c random_page_cost={float(_page_cost)}" if _page_cost else ""
    )
    # The hot reads (shared.precompiled) run as prepared statements, which skips PostgreSQL's
    # planner: it was most of PostgreSQL's work on the pages (the ticket page's ticket: 0.9 ms
    # planned each time, 0.12 ms prepared). Django's own reads stay unprepared (their cursors
    # bind on the client). DB_PREPARED_READS=false behind a pooler that cannot keep prepared
    # statements (PgBouncer's transaction pooling before 1.21, or without
    # max_prepared_statements).
    if env.bool("DB_PREPARED_READS", default=True):
        DATABASES["default"]["OPTIONS"]["prepare_threshold"] = 5
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
# The support address (issue 13): customers write to it, and every reply and notice on a
# ticket's thread is sent from it; our Message-IDs use its domain. One setting: the team's
# other mail (warnings, escalations) comes from the same address unless DEFAULT_FROM_EMAIL says.
SUPPORT_EMAIL = env("SUPPORT_EMAIL", default="support@support-triage.localhost")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default=f"Support Triage <{SUPPORT_EMAIL}>")
# Raw mail received and sent, attachments (Django's storage).
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "/media/"
# Proactive notices (R7) go to the ticket's reporter; tickets without one go here (unset:
# DEFAULT_FROM_EMAIL, i.e. the team's own inbox) until accounts carry a contact address.
NOTICE_FALLBACK_EMAIL = env("NOTICE_FALLBACK_EMAIL", default="")
# Inbound mail (issue 13, docs/mail.md): the size limits of what a received message keeps, and
# where links in our automatic replies point (the site as people open it).
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
MAIL_ATTACHMENT_MAX = env.int("MAIL_ATTACHMENT_MAX", default=10 * 1024 * 1024)
MAIL_MESSAGE_ATTACHMENTS_MAX = env.int("MAIL_MESSAGE_ATTACHMENTS_MAX", default=25 * 1024 * 1024)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so an unauthenticated API call answers 401 with WWW-Authenticate.
        "shared.authentication.TokenWithRolesAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["shared.roles.IsStaffRole"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "EXCEPTION_HANDLER": "shared.api.exception_handler",
    "DEFAULT_PAGINATION_CLASS": "shared.pagination.PagePagination",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # Throttles: see the "Access" block at the end of this file.
    "DEFAULT_THROTTLE_CLASSES": ["shared.access.UserThrottle", "shared.access.AnonThrottle"],
    # Who the caller is for the anonymous throttle: REMOTE_ADDR, not a client-chosen
    # X-Forwarded-For (set NUM_PROXIES behind that many trusted proxies).
    "NUM_PROXIES": env.int("NUM_PROXIES", default=0),
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
    # Every operation's 400/401/403/404/429, documented in one place (shared.schema).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "shared.schema.add_error_responses",
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

# --- Logs (config/logs.py) ------------------------------------------------------------------
# Every record carries the request id (RequestIdMiddleware; Celery tasks a request enqueued carry
# it too). LOG_FORMAT=json writes one JSON object per line (production's default); plain is for
# people. The `access` logger writes one line per request at INFO.
LOG_FORMAT = env("LOG_FORMAT", default="plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "config.logs.RequestIdFilter"},
        "refusals": {"()": "config.logs.RefusalFilter"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s %(message)s"},
        "json": {"()": "config.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's default config gives `django` a console handler of its own (under DEBUG);
        # with ours on the root every `django.*` line, traceback included, printed twice.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        # A refused request is one access line, not a traceback (config.logs.RefusalFilter).
        "django.request": {"filters": ["refusals"]},
    },
}
# --- end of logs -------------------------------------------------------------------------------

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
    # Issue 13: poll the IMAP mailboxes of INBOUND_IMAP_URLS (none set: the task does nothing).
    "mail-fetch": {"task": "mail.tasks.fetch_mail", "schedule": 60.0},
}

# --- Inbound mail (issue 13, docs/mail.md) ---------------------------------------------------
# IMAP mailboxes polled every minute and by `manage.py fetch_mail`, comma separated:
# imaps://user:pass@host:993/INBOX,imap://user:pass@host:143/Support (user, password and folder
# URL-encoded when they hold @, : or /).
INBOUND_IMAP_URLS = env.list("INBOUND_IMAP_URLS", default=[])
# Providers' inbound webhooks (django-anymail, /mail/inbound/<provider>/): a provider answers 404
# until its secret is set. ANYMAIL_WEBHOOK_SECRET: "user:pass" basic auth that every provider's
# webhook must send (comma separated to rotate; required for Postmark, which signs nothing).
# MAILGUN_WEBHOOK_SIGNING_KEY: Mailgun's HTTP webhook signing key (HMAC of each request).
ANYMAIL = {
    name: value
    for name, value in {
        "WEBHOOK_SECRET": env.list("ANYMAIL_WEBHOOK_SECRET", default=[]),
        "MAILGUN_WEBHOOK_SIGNING_KEY": env("MAILGUN_WEBHOOK_SIGNING_KEY", default=""),
    }.items()
    if value
}
# --- end of inbound mail ----------------------------------------------------------------------

# --- Content-Security-Policy (config/csp.py) ---------------------------------------------------
# On every HTML response in every environment, so violations show up on a laptop first.
# CSP_REPORT_ONLY=true sends Content-Security-Policy-Report-Only instead (to try a change).
CSP_POLICY = build_policy()
CSP_REPORT_ONLY = env.bool("CSP_REPORT_ONLY", default=False)
CSP_PATH_POLICIES = {
    # The one exception: Redoc (drf-spectacular's sidecar copy) renders with styled-components,
    # which inserts <style> elements at run time, and builds its search index in a blob: worker.
    # Scripts stay 'self' only; the swagger-ui page needs no exception.
    "/api/v1/redoc/": build_policy(style_src="'self' 'unsafe-inline'", worker_src="'self' blob:"),
}
# --- end of Content-Security-Policy ------------------------------------------------------------

# Covering indexes (INCLUDE columns) are a PostgreSQL optimisation; SQLite builds the same
# index without the extra columns, which is fine for a laptop.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

# --- Access: sign-in lockout (django-axes) and API throttles ---------------------------------
# Repeated failed sign-ins lock that username from that address (not the whole office, not
# every address trying the name) until the cool-off passes or leadership unlocks it
# (`manage.py axes_reset_username NAME`, or "Access attempts" in the admin).
# Django's database sessions with the session read compiled once (issue 14).
SESSION_ENGINE = "shared.sessions"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: it refuses locked-out sign-ins
    # ModelBackend with the user's roles read in the same query (one query less per page);
    # ModelBackend itself stays for sessions signed in before it came.
    "shared.authentication.RolesModelBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.float("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True  # five failures in a row, not five in the cool-off window
# The pause is a fixed 15 minutes from the lock, as the lockout page says: trying again while
# paused does not start it over.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "shared.access.lockout_response"  # our page, in our words
# API throttles (DRF, over Django's cache: no database query). Empty switches one off. The
# cache is per process (LocMemCache), so the effective limit is the rate × gunicorn workers.
API_THROTTLE_USER = env("API_THROTTLE_USER", default="2000/min")
API_THROTTLE_ANON = env("API_THROTTLE_ANON", default="60/min")
