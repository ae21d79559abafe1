"""Periodic mail work: poll the IMAP mailboxes (beat, every minute).

Thin: the service does the work. Runs must not overlap (a backlog can take longer than a
minute): a Redis lock skips a tick while the last run still holds it. Overlapping runs would
still be harmless (deduplication on Message-ID), only wasteful. With INBOUND_IMAP_URLS empty the
task does nothing.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager, suppress

from celery import shared_task
from django.conf import settings

from mail.services.fetch import configured_mailboxes, mail_fetch

log = logging.getLogger(__name__)

LOCK_KEY = "support-triage:mail-fetch"
LOCK_SECONDS = 600  # a run killed with its worker frees the lock after this long


@contextmanager
def _one_run_at_a_time():
    if not settings.REDIS_URL:  # no broker: the laptop's in-process tasks cannot overlap
        yield True
        return
    import redis

    lock = redis.Redis.from_url(settings.REDIS_URL).lock(
        LOCK_KEY, timeout=LOCK_SECONDS, blocking=False
    )
    acquired = lock.acquire()
    try:
        yield acquired
    finally:
        if acquired:
            # Expired meanwhile (a run over LOCK_SECONDS): it is someone else's now.
            with suppress(redis.exceptions.LockError):
                lock.release()


@shared_task(name="mail.tasks.fetch_mail", ignore_result=True)
def fetch_mail() -> dict:
    """Fetch unseen mail from every configured mailbox, unless a run is still going."""
    mailboxes = configured_mailboxes()
    if not mailboxes:
        return {"skipped": "no mailboxes"}
    with _one_run_at_a_time() as mine:
        if not mine:
            log.info("mail fetch: the last run is still going; skipping this tick")
            return {"skipped": "running"}
        results = mail_fetch(mailboxes)
    return {r.mailbox: {"fetched": r.fetched, "created": r.created} for r in results}
