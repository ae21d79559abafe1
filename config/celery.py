"""The Celery application; its settings are the CELERY_* names in Django's settings."""

import logging
import os

from celery import Celery, signals
from django.conf import settings
from django.db import transaction
from kombu.exceptions import OperationalError as BrokerError

from config.logs import JsonFormatter, RequestIdFilter, request_id_var

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("support_triage")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


# --- The request id across the broker (config/logs.py) ----------------------------------------
# A task enqueued during a request carries the request's id in a message header; the worker puts
# it in the same contextvar while the task runs, so its log lines name the request that caused
# them. Eager tasks (laptop, tests) run inside the request and see the id already.


@signals.before_task_publish.connect
def _send_request_id(headers=None, **_kwargs):
    request_id = request_id_var.get()
    if headers is not None and request_id != "-":
        headers.setdefault("request_id", request_id)


@signals.task_prerun.connect
def _take_request_id(task=None, **_kwargs):
    request_id = getattr(task.request, "request_id", None) if task else None
    if request_id:
        task.request._request_id_token = request_id_var.set(request_id)


@signals.task_postrun.connect
def _drop_request_id(task=None, **_kwargs):
    token = getattr(task.request, "_request_id_token", None) if task else None
    if token is not None:
        request_id_var.reset(token)
        task.request._request_id_token = None


@signals.after_setup_logger.connect
@signals.after_setup_task_logger.connect
def _worker_log_format(logger=None, **_kwargs):
    """Give the worker's own handlers the request id (and JSON lines when LOG_FORMAT=json)."""
    for handler in logger.handlers if logger else []:
        handler.addFilter(RequestIdFilter())
        if settings.LOG_FORMAT == "json":
            handler.setFormatter(JsonFormatter())
        elif isinstance(handler.formatter, logging.Formatter) and handler.formatter._fmt:
            fmt = handler.formatter._fmt
            if "request_id" not in fmt:
                # Celery's formatters (colours, task name) keep working with the longer format.
                fmt = fmt.replace("%(message)s", "[%(request_id)s] %(message)s")
                handler.formatter._fmt = handler.formatter._style._fmt = fmt


# --- end of the request id across the broker ---------------------------------------------------


# --- Sending after a commit ------------------------------------------------------------------


def send_after_commit(task, *args) -> None:
    """Enqueue `task(*args)` once the current transaction commits.

    The change it follows is saved by then: a broker outage must not turn the request into a
    500 after the fact. The message is logged at ERROR and not sent (these e-mails have no
    outbox; proactive notices do, see queues.services).
    """

    def send() -> None:
        try:
            task.delay(*args)
        except BrokerError as exc:
            logging.getLogger(__name__).error(
                "%s%r not enqueued: broker unavailable (%s)", task.name, args, exc
            )

    transaction.on_commit(send)
