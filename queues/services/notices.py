"""The proactive-notice outbox (R7): decide one row per waiting ticket, deliver each at most once.

Who gets a notice and its words are the pure rules in `queues.notices`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import get_connection
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from queues import notices as notice_rules
from queues.models import LoadEpisode, Notice, NoticeStatus, NoticeSwitch
from queues.selectors import WAITS_ON_US, current_episode, notices_open, staffing_at
from shared import roles
from shared.errors import invalid
from shared.mail import SUBJECT_MAX, header_text
from shared.validation import REASON_MAX, clean_fields
from triage.models import EventKind, MessageKind, Ticket
from triage.services import event_record
from triage.services.outbound import Outgoing, thread_message, thread_store

logger = logging.getLogger(__name__)

NOTICE_BATCH = 500  # notice ids per delivery task: batches, never one task per notice
MAX_ATTEMPTS = 6
STALE_CLAIM = timedelta(minutes=10)
REQUEUE_AFTER = timedelta(minutes=15)  # longer than a 100k backlog takes to drain


def notices_decide(
    *,
    episode: LoadEpisode,
    now: datetime,
    arrival_at: datetime | None,
    ticket_ids: Sequence[int] | None = None,
) -> int:
    """Write one outbox row per waiting ticket without one in this episode; enqueue on commit.

    One statement, INSERT ... SELECT ... ON CONFLICT DO NOTHING RETURNING id, whatever the
    number of tickets: the rows never travel to Python (100k in about a second; `bulk_create` with
    `ignore_conflicts` measured 5-6x slower here, see bench/notices.py). The unique
    (ticket, episode) constraint is the guarantee against a second notice, even if two
    evaluations race. The text is rendered at delivery, from the stored arrival time.
    """
    waiting = Ticket.objects.filter(WAITS_ON_US).exclude(notices__episode=episode)
    if ticket_ids is not None:
        waiting = waiting.filter(pk__in=list(ticket_ids))
    select_sql, select_params = waiting.values("id").query.sql_with_params()
    ops = connection.ops
    table = connection.ops.quote_name(Notice._meta.db_table)
    # Only our table name and Django's compiled SELECT are interpolated; values are parameters.
    columns = (
        "ticket_id, episode_id, recipient, subject, body, arrival_at, status, attempts, "
        "last_error, created_at, enqueued_at"
    )
    # WHERE true: SQLite's parser needs a WHERE before ON CONFLICT in INSERT ... SELECT.
    sql = (
        f"INSERT INTO {table} ({columns}) "  # noqa: S608
        f"SELECT w.id, %s, '', '', '', %s, %s, 0, '', %s, %s FROM ({select_sql}) w "
        "WHERE true ON CONFLICT DO NOTHING RETURNING id"
    )
    params = [
        episode.pk,
        ops.adapt_datetimefield_value(arrival_at),
        NoticeStatus.PENDING,
        ops.adapt_datetimefield_value(now),
        ops.adapt_datetimefield_value(now),  # enqueued on commit; cleared if that fails
        *select_params,
    ]
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        ids = sorted(row[0] for row in cursor.fetchall())
    logger.info("decided %s notice(s) in %.2f s", len(ids), time.perf_counter() - started)
    if ids:
        transaction.on_commit(lambda: notices_enqueue(ids=ids, decided=True))
    return len(ids)


def notice_on_ticket_created(ticket_ids: Sequence[int]) -> None:
    """Give tickets that arrive during a backed-up episode their notices at once (a hook)."""
    try:
        with transaction.atomic():
            episode = current_episode()
            if not notices_open(episode):
                return
            now = timezone.now()
            arrival = staffing_at(now).next_arrival_at
            notices_decide(
                episode=episode, now=now, arrival_at=arrival, ticket_ids=list(ticket_ids)
            )
    except Exception:
        # Creating tickets must never fail because of notices; the next evaluation catches up.
        logger.exception(
            "notices for new tickets %s not decided; the evaluation will retry", list(ticket_ids)
        )


def notices_enqueue(*, ids: Sequence[int], decided: bool = False) -> int:
    """Send notice ids to the workers in batches; a broker outage is logged, never raised.

    Rows decided together are written with `enqueued_at` already set (one statement, no
    per-batch UPDATE on the hot path); if publishing fails, the unpublished ones get it
    cleared so the periodic sweep picks them up as soon as the broker is back. Rows that
    were published but are somehow never delivered are picked up after REQUEUE_AFTER.
    Other ids (the sweep, a resend) are marked as each batch is published.
    """
    # Imported here: queues.tasks imports these services, so a top-level import would be a cycle.
    from queues.tasks import deliver_notices

    ids = list(ids)
    sent = 0
    started = time.perf_counter()
    for start in range(0, len(ids), NOTICE_BATCH):
        batch = ids[start : start + NOTICE_BATCH]
        try:
            deliver_notices.apply_async(
                args=[batch],
                retry=True,
                retry_policy={"max_retries": 2, "interval_start": 0, "interval_step": 0.2},
            )
        except Exception as exc:  # noqa: BLE001 - any broker failure: keep the rows, log, go on
            logger.warning(
                "could not enqueue %s notice(s) (%s); the sweep will retry", len(ids) - start, exc
            )
            if decided:
                Notice.objects.filter(pk__in=ids[start:]).update(enqueued_at=None)
            break
        if not decided:
            Notice.objects.filter(pk__in=batch).update(enqueued_at=timezone.now())
        sent += len(batch)
    logger.info("enqueued %s notice(s) in %.2f s", sent, time.perf_counter() - started)
    return sent


@dataclass(frozen=True)
class Delivery:
    sent: int
    failed: int
    skipped: int


def notices_deliver(*, ids: Sequence[int], now: datetime | None = None) -> Delivery:
    """Deliver these outbox rows by email, each at most once, recording each on the timeline.

    Email is not transactional, so this chooses, per row:
    - claim first (a conditional UPDATE to `sending`, with SKIP LOCKED on PostgreSQL): a
      second worker, or a redelivered task after a crash, finds the row taken and skips it;
    - send, then mark `sent` and write the timeline event in one transaction;
    - a send that raises is known not to have gone out: back to `failed` with `last_error`,
      retried with backoff by the sweep up to MAX_ATTEMPTS (at-least-once for known failures);
    - a worker killed between the send and the mark leaves the row in `sending`; the sweep
      marks it `uncertain` after STALE_CLAIM and does not resend it (at-most-once for that
      window: a customer may miss one notice, but never gets two). Leadership sees those
      rows in the admin and can resend them.
    """
    now = now or timezone.now()
    skip_locked = connection.features.has_select_for_update_skip_locked
    with transaction.atomic():
        due = Notice.objects.filter(
            Q(status=NoticeStatus.PENDING)
            | Q(status=NoticeStatus.FAILED, next_attempt_at__lte=now),
            pk__in=list(ids),
        )
        if skip_locked:
            due = due.select_for_update(skip_locked=True)
        claimed = list(due.values_list("id", flat=True))
        Notice.objects.filter(pk__in=claimed).update(
            status=NoticeStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
    sent = failed = 0
    notices = (
        Notice.objects.filter(pk__in=claimed, status=NoticeStatus.SENDING)
        .select_related("ticket__account", "ticket__created_by", "ticket__requester")
        .order_by("id")
    )
    fallback = getattr(settings, "NOTICE_FALLBACK_EMAIL", "") or settings.DEFAULT_FROM_EMAIL
    with get_connection(fail_silently=False) as mail, _async_commits():
        for notice in notices.iterator(chunk_size=NOTICE_BATCH):
            _render(notice, now=now, fallback=fallback)
            try:
                # On the ticket's thread: from the support address, our Message-ID, In-Reply-To
                # and References, the ticket's tag (issue 13). Stored once it went out.
                outgoing = thread_message(
                    ticket=notice.ticket,
                    kind=MessageKind.NOTICE,
                    to=notice.recipient,
                    subject=notice.subject,
                    body=notice.body,
                    now=now,
                    connection=mail,
                )
                notice.subject = outgoing.message.subject
                outgoing.email.send(fail_silently=False)
            except Exception as exc:  # noqa: BLE001 - any mail failure is recorded and retried
                failed += 1
                _delivery_failed(notice, exc, now)
                continue
            sent += 1
            _delivery_done(notice, now, outgoing)
    return Delivery(sent=sent, failed=failed, skipped=len(ids) - len(claimed))


def _render(notice: Notice, *, now: datetime, fallback: str) -> None:
    """Fill in the notice's words as of now (the arrival time was decided with the row).

    The recipient is the address the customer wrote from, else the account's contact address; a
    pre-sales notice goes to the CE who filed the request (CEs are the prospect's front line,
    R9). Without either, the reporter, else the team's fallback address, so it is never lost.
    """
    ticket = notice.ticket
    account = ticket.account
    text = notice_rules.notice_text(
        customer=account.name if account else "there",
        ticket_id=ticket.pk,
        title=ticket.title,
        now=now,
        arrival_at=notice.arrival_at,
        zone_name=account.timezone if account else "",
        answered=ticket.first_response_at is not None,
    )
    # Stored as sent: the subject as one header line (shared.mail), whatever the title holds.
    notice.subject, notice.body = header_text(text.subject, SUBJECT_MAX), text.body
    asker = ticket.requester or ticket.created_by  # a pre-sales ticket's CE, whoever filed it
    notice.recipient = notice_rules.notice_recipient(
        source=ticket.source,
        # The customer who wrote (issue 13), else the account's contact address.
        contact=ticket.requester_email or (account.contact_email if account else ""),
        reporter=asker.email if asker else "",
        fallback=fallback,
    )


@contextmanager
def _async_commits():
    """Commit the "sent" marks without waiting for the disk flush (PostgreSQL only).

    Safe here: the claim before the send was committed durably, so if a database crash
    loses a mark, the row stays `sending`, becomes `uncertain`, and is never resent. Only
    that timeline line could be lost, never a notice sent twice.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO OFF")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")


@transaction.atomic
def _delivery_done(notice: Notice, now: datetime, outgoing: Outgoing | None = None) -> None:
    at = now
    if outgoing is not None:
        try:
            with transaction.atomic():  # a savepoint: the mark below must stand whatever happens
                thread_store(outgoing)
        except Exception:
            logger.exception("notice %s sent but its thread message was not stored", notice.pk)
    Notice.objects.filter(pk=notice.pk).update(
        status=NoticeStatus.SENT,
        sent_at=at,
        last_error="",
        recipient=notice.recipient,
        subject=notice.subject,
        body=notice.body,
    )
    event_record(
        ticket=Ticket(pk=notice.ticket_id),
        kind=EventKind.NOTICE,
        by=None,
        now=at,
        to_value=notice.recipient,
        reason="the queue is backed up: proactive notice sent (R7)",
        body=notice.body,
    )


def _delivery_failed(notice: Notice, exc: Exception, now: datetime) -> None:
    attempts = notice.attempts
    give_up = attempts >= MAX_ATTEMPTS
    Notice.objects.filter(pk=notice.pk, status=NoticeStatus.SENDING).update(
        status=NoticeStatus.GAVE_UP if give_up else NoticeStatus.FAILED,
        last_error=f"{type(exc).__name__}: {exc}"[:2000],
        next_attempt_at=None if give_up else now + timedelta(minutes=2**attempts),
    )
    logger.warning("notice %s attempt %s failed: %s", notice.pk, attempts, exc)


def notices_sweep(*, now: datetime | None = None) -> int:
    """Re-enqueue undelivered notices (broker was down, retry due) and flag stale claims."""
    now = now or timezone.now()
    Notice.objects.filter(status=NoticeStatus.SENDING, claimed_at__lt=now - STALE_CLAIM).update(
        status=NoticeStatus.UNCERTAIN,
        last_error="The worker stopped between claiming and confirming this notice; it is not "
        "resent automatically so the customer never gets it twice. Resend from the admin.",
    )
    due = Notice.objects.filter(
        Q(status=NoticeStatus.PENDING)
        & (Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=now - REQUEUE_AFTER))
        | Q(status=NoticeStatus.FAILED, next_attempt_at__lte=now)
    )
    ids = list(due.order_by("id").values_list("id", flat=True)[:50_000])
    return notices_enqueue(ids=ids) if ids else 0


@transaction.atomic
def notices_resend(*, ids: Sequence[int], by: User, now: datetime | None = None) -> int:
    """Put uncertain or given-up notices back in the outbox (leadership's explicit choice)."""
    count = Notice.objects.filter(
        pk__in=list(ids), status__in=[NoticeStatus.UNCERTAIN, NoticeStatus.GAVE_UP]
    ).update(status=NoticeStatus.PENDING, enqueued_at=None, next_attempt_at=None)
    if count:
        transaction.on_commit(lambda: notices_enqueue(ids=list(ids)))  # marks as it goes
    return count


@transaction.atomic
def notices_set_paused(
    *, paused: bool, reason: str, by: User, now: datetime | None = None
) -> NoticeSwitch:
    """Pause or resume proactive notices; every change is kept with who, when and why."""
    if not roles.has_role(by, roles.LEADERSHIP):
        raise invalid(paused="Only leadership can pause or resume notices.")
    cleaned, errors = clean_fields({}, {"reason": (reason, REASON_MAX)})
    if errors:
        raise invalid(**errors)
    reason = cleaned["reason"]
    if not reason:
        raise invalid(reason="Say why: the change is audited.")
    return NoticeSwitch.objects.create(
        paused=paused, reason=reason, by=by, at=now or timezone.now()
    )


def notice_preview(*, now: datetime | None = None, zone_name: str = "") -> tuple[str, str]:
    """Return (subject, body) of the notice as it would go out now, for leadership to read."""
    now = now or timezone.now()
    arrival = staffing_at(now).next_arrival_at
    text = notice_rules.notice_text(
        customer="Example Customer",
        ticket_id=1234,
        title="Example: exports time out",
        now=now,
        arrival_at=arrival,
        zone_name=zone_name,
    )
    return text.subject, text.body
