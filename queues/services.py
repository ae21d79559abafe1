"""Claiming work from the queue; staffing, load episodes and proactive notices (R7)."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import EmailMessage, get_connection
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from queues import rota
from queues.models import (
    Absence,
    LoadEpisode,
    LoadState,
    Notice,
    NoticeStatus,
    NoticeSwitch,
    Region,
    StaffProfile,
)
from queues.notices import notice_text
from queues.selectors import (
    UNANSWERED,
    QueueHealth,
    current_episode,
    notices_paused,
    queue_health,
    support_staff,
    unclaimed_queue,
)
from shared import roles
from shared.errors import invalid
from shared.hours import parse_spans, spans_to_rows
from triage.models import EventKind, Status, Ticket
from triage.services import event_record

logger = logging.getLogger(__name__)

CLAIM_ATTEMPTS = 50


def queue_claim(*, by: User, now: datetime | None = None) -> Ticket | None:
    """Assign the number one unclaimed ticket to `by` and return it, or None if there is none.

    On PostgreSQL, `SKIP LOCKED` lets concurrent claimers pass over a row another claimer
    holds and take the next one. The conditional UPDATE is the guarantee on every database:
    a row is handed out only if it is still unclaimed at the moment of the write.
    """
    now = now or timezone.now()
    skip_locked = connection.features.has_select_for_update_skip_locked
    for _ in range(CLAIM_ATTEMPTS):
        with transaction.atomic():
            candidates = unclaimed_queue().select_related(None).only("id", "status")
            if skip_locked:
                candidates = candidates.select_for_update(skip_locked=True)
            ticket = candidates.first()
            if ticket is None:
                return None
            status = Status.IN_PROGRESS if ticket.status in (Status.NEW, Status.TRIAGED) else None
            changes = {"assignee": by, "updated_at": now}
            if status:
                changes["status"] = status
            won = Ticket.objects.filter(pk=ticket.pk, assignee__isnull=True).update(**changes)
            if not won:
                continue  # someone else took it between our read and our write: try the next
            event_record(
                ticket=ticket,
                kind=EventKind.ASSIGNEE,
                by=by,
                now=now,
                to_value=by.username,
                reason="claimed the number one from the queue",
            )
            if status:
                event_record(
                    ticket=ticket,
                    kind=EventKind.STATUS,
                    by=by,
                    now=now,
                    from_value=ticket.status,
                    to_value=status,
                    reason="claimed",
                )
            return Ticket.objects.select_related("account", "assignee").get(pk=ticket.pk)
    raise RuntimeError("could not claim a ticket after repeated contention")


# --- Staffing (R7) -------------------------------------------------------------------------


def _profile_for(user: User) -> StaffProfile:
    try:
        return StaffProfile.objects.select_for_update().get(user=user)
    except StaffProfile.DoesNotExist:
        return StaffProfile(user=user)


def _check_support(user: User) -> None:
    if not roles.has_role(user, roles.SUPPORT):
        raise invalid(username=f"{user.username} is not a support engineer.")


@transaction.atomic
def staff_update(
    *,
    user: User,
    by: User,
    timezone_name: str,
    region: str,
    weekly_hours: list[dict],
    duty_hours: list[dict] | None = None,
    now: datetime | None = None,
) -> StaffProfile:
    """Set an engineer's time zone, region and weekly hours (local time; end < start wraps)."""
    _check_support(user)
    errors: dict[str, str] = {}
    try:
        ZoneInfo(timezone_name)
        if timezone_name not in available_timezones():
            raise ZoneInfoNotFoundError(timezone_name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        errors["timezone"] = f"“{timezone_name}” is not an IANA time zone name."
    if region not in Region.values:
        errors["region"] = f"“{region}” is not one of: {', '.join(Region.values)}."
    for field, rows in (("weekly_hours", weekly_hours), ("duty_hours", duty_hours or [])):
        try:
            parse_spans(rows)
        except ValueError as exc:
            errors[field] = str(exc)
    if errors:
        raise invalid(**errors)
    profile = _profile_for(user)
    profile.timezone, profile.region = timezone_name, region
    profile.weekly_hours = [dict(r) for r in spans_to_rows(parse_spans(weekly_hours))]
    if duty_hours is not None:
        profile.duty_hours = [dict(r) for r in spans_to_rows(parse_spans(duty_hours))]
    profile.save()
    logger.info("staff %s updated by %s", user.username, by.username)
    return profile


@transaction.atomic
def absence_add(
    *,
    user: User,
    by: User,
    start: datetime,
    end: datetime,
    reason: str = "",
    now: datetime | None = None,
) -> Absence:
    """Record that an engineer is out of office in [start, end)."""
    _check_support(user)
    if end <= start:
        raise invalid(end="The absence must end after it starts.")
    return Absence.objects.create(
        user=user,
        start=start,
        end=end,
        reason=reason.strip()[:200],
        created_by=by,
        created_at=now or timezone.now(),
    )


@transaction.atomic
def absence_cancel(*, absence: Absence, by: User, now: datetime | None = None) -> Absence:
    """Cancel an absence (kept, not deleted)."""
    if absence.cancelled_at is None:
        absence.cancelled_at = now or timezone.now()
        absence.save(update_fields=["cancelled_at"])
    return absence


# --- Load episodes and proactive notices (R7) ----------------------------------------------

NOTICE_BATCH = 500  # notice ids per delivery task: batches, never one task per notice
MAX_ATTEMPTS = 6
STALE_CLAIM = timedelta(minutes=10)
REQUEUE_AFTER = timedelta(minutes=15)  # longer than a 100k backlog takes to drain


@dataclass(frozen=True)
class Evaluation:
    episode: LoadEpisode
    health: QueueHealth
    notices_created: int


@transaction.atomic
def load_evaluate(*, now: datetime | None = None) -> Evaluation:
    """Evaluate the load, record a change of state or level, and decide notices when backed up.

    An episode is a stretch in one state; level changes inside it are appended to `levels`
    and raise `peak_level`. Running it twice at the same load changes nothing and sends
    nothing new: the outbox has one row per (ticket, episode).
    """
    now = now or timezone.now()
    health = queue_health(at=now)
    episode = LoadEpisode.objects.select_for_update().filter(is_open=True).first()
    reasons = list(health.result.reasons)
    if episode is None or episode.state != health.state:
        if episode is not None:
            episode.ended_at, episode.is_open = now, False
            episode.save(update_fields=["ended_at", "is_open"])
        episode = LoadEpisode.objects.create(
            started_at=now,
            level=health.level,
            state=health.state,
            peak_level=health.level,
            levels=[{"at": now.isoformat(), "level": health.level}],
            reasons=reasons,
        )
        logger.info("load: %s at level %s (%s)", health.state, health.level, "; ".join(reasons))
    elif episode.level != health.level or episode.reasons != reasons:
        if episode.level != health.level:
            episode.levels = [*episode.levels, {"at": now.isoformat(), "level": health.level}]
        episode.level = health.level
        episode.peak_level = max(episode.peak_level, health.level)
        episode.reasons = reasons
        episode.save(update_fields=["level", "peak_level", "levels", "reasons"])
    created = 0
    if episode.state == LoadState.BACKED_UP and notices_paused() is None:
        created = notices_decide(episode=episode, now=now, arrival_at=health.next_arrival_at)
    return Evaluation(episode=episode, health=health, notices_created=created)


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
    waiting = Ticket.objects.filter(UNANSWERED).exclude(notices__episode=episode)
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


def notice_on_ticket_created(ticket_id: int) -> None:
    """Give a ticket that arrives during a backed-up episode its notice at once (a hook)."""
    try:
        with transaction.atomic():
            episode = current_episode()
            if episode is None or episode.state != LoadState.BACKED_UP:
                return
            if notices_paused() is not None:
                return
            now = timezone.now()
            staff = support_staff(absences_after=now - timedelta(days=1))
            arrival = rota.next_arrival([row.engineer for row in staff], now)
            notices_decide(episode=episode, now=now, arrival_at=arrival, ticket_ids=[ticket_id])
    except Exception:
        # Creating tickets must never fail because of notices; the next evaluation catches up.
        logger.exception(
            "notice for new ticket #%s not decided; the evaluation will retry", ticket_id
        )


def notices_enqueue(*, ids: Sequence[int], decided: bool = False) -> int:
    """Send notice ids to the workers in batches; a broker outage is logged, never raised.

    Rows decided together are written with `enqueued_at` already set (one statement, no
    per-batch UPDATE on the hot path); if publishing fails, the unpublished ones get it
    cleared so the periodic sweep picks them up as soon as the broker is back. Rows that
    were published but are somehow never delivered are picked up after REQUEUE_AFTER.
    Other ids (the sweep, a resend) are marked as each batch is published.
    """
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
        .select_related("ticket__account", "ticket__created_by")
        .order_by("id")
    )
    fallback = getattr(settings, "NOTICE_FALLBACK_EMAIL", "") or settings.DEFAULT_FROM_EMAIL
    with get_connection(fail_silently=False) as mail, _async_commits():
        for notice in notices.iterator(chunk_size=NOTICE_BATCH):
            _render(notice, now=now, fallback=fallback)
            try:
                EmailMessage(
                    subject=notice.subject,
                    body=notice.body,
                    from_email=settings.DEFAULT_FROM_EMAIL,
                    to=[notice.recipient],
                    connection=mail,
                ).send()
            except Exception as exc:  # noqa: BLE001 - any mail failure is recorded and retried
                failed += 1
                _delivery_failed(notice, exc, now)
                continue
            sent += 1
            _delivery_done(notice, now)
    return Delivery(sent=sent, failed=failed, skipped=len(ids) - len(claimed))


def _render(notice: Notice, *, now: datetime, fallback: str) -> None:
    """Fill in the notice's words as of now (the arrival time was decided with the row).

    The recipient is the account's contact address; a pre-sales notice goes to the CE who
    filed the request (CEs are the prospect's front line, R9). Without either, the reporter,
    else the team's fallback address, so the notice is never lost.
    """
    ticket = notice.ticket
    account = ticket.account
    text = notice_text(
        customer=account.name if account else "there",
        ticket_id=ticket.pk,
        title=ticket.title,
        now=now,
        arrival_at=notice.arrival_at,
        zone_name=account.timezone if account else "",
    )
    notice.subject, notice.body = text.subject[:200], text.body
    reporter = ticket.created_by.email if ticket.created_by else ""
    contact = account.contact_email if account else ""
    first, second = (reporter, contact) if ticket.source == "presales" else (contact, reporter)
    notice.recipient = first or second or fallback


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
def _delivery_done(notice: Notice, now: datetime) -> None:
    at = now
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
    reason = (reason or "").strip()
    if not reason:
        raise invalid(reason="Say why: the change is audited.")
    return NoticeSwitch.objects.create(
        paused=paused, reason=reason, by=by, at=now or timezone.now()
    )


def notice_preview(*, now: datetime | None = None, zone_name: str = "") -> tuple[str, str]:
    """Return (subject, body) of the notice as it would go out now, for leadership to read."""
    now = now or timezone.now()
    staff = support_staff(absences_after=now - timedelta(days=1))
    arrival = rota.next_arrival([row.engineer for row in staff], now)
    text = notice_text(
        customer="Example Customer",
        ticket_id=1234,
        title="Example: exports time out",
        now=now,
        arrival_at=arrival,
        zone_name=zone_name,
    )
    return text.subject, text.body
