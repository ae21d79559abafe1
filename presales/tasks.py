"""Background work for pre-sales: thin, idempotent tasks taking ids."""

import logging

from celery import shared_task
from kombu.exceptions import OperationalError as BrokerError

from presales import notify

logger = logging.getLogger(__name__)


@shared_task
def exception_notify_request(exception_id: int) -> bool:
    return notify.exception_notify_request(exception_id=exception_id)


@shared_task
def exception_notify_decision(exception_id: int) -> bool:
    return notify.exception_notify_decision(exception_id=exception_id)


@shared_task
def channel_reminders_send(ticket_id: int | None = None) -> int:
    """Periodic (CELERY_BEAT_SCHEDULE) and on resolve: remind engineers to leave channels."""
    return notify.channel_reminders_send(ticket_id=ticket_id)


def on_ticket_status(ticket_id: int, status: str) -> None:
    """Hook run after a ticket's status change commits: remind at once when it is resolved."""
    if status in ("resolved", "closed"):
        try:
            channel_reminders_send.delay(ticket_id)
        except BrokerError as exc:
            # The status change is committed; a broker outage must not turn it into a 500.
            # The periodic run (every ten minutes) reminds about resolved tickets anyway.
            logger.warning("channel reminder for #%s not enqueued (%s)", ticket_id, exc)
