"""SLA breach warnings (R6): once at 75 % of a clock's target, once at breach, to whoever has
the ticket or else the engineers on duty (the rota, R7)."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from queues import rota
from queues.selectors import staffing_at
from shared import roles
from shared.mail import mail_send
from triage.models import ClockKind, EventKind, SlaClock, Ticket
from triage.selectors.sla import BREACH, clocks_to_warn
from triage.services import event_record


def warning_recipients(ticket: Ticket, now: datetime) -> list[User]:
    """Return who is warned about this ticket: the assignee, else the engineers on duty now.

    With nobody on duty (or no rota yet), everyone working now; failing that, every support
    engineer, so a warning never goes nowhere.
    """
    if ticket.assignee_id:
        return [ticket.assignee]
    staffing = staffing_at(now)
    engineers = staffing.engineers
    chosen = {e.username for e in rota.on_duty_at(engineers, now)} or {
        e.username for e in rota.working_at(engineers, now)
    }
    users = [row.user for row in staffing.staff if row.user.username in chosen]
    if users:
        return sorted(users, key=lambda u: u.username)
    return list(roles.support_users().order_by("username"))


def _message(clock: SlaClock, level: str) -> tuple[str, str]:
    ticket = clock.ticket
    what = {
        ClockKind.FIRST_RESPONSE: "first response",
        ClockKind.NEXT_UPDATE: "next update",
    }.get(clock.kind, clock.kind)
    target = "contractual target" if clock.contractual else "two-hour team goal"
    due = f"{clock.due_at:%Y-%m-%d %H:%M} UTC" if clock.due_at else "(paused)"
    if level == BREACH:
        subject = f"SLA breached: #{ticket.pk} {what} was due {due}"
    else:
        subject = f"SLA at 75%: #{ticket.pk} {what} due {due}"
    body = (
        f"Ticket #{ticket.pk} “{ticket.title}” ({ticket.tier}, {ticket.priority}): the {what} "
        f"against the {target} is due {due}.\n"
    )
    return subject, body


@transaction.atomic
def sla_clock_warn(*, clock_id: int, level: str, now: datetime | None = None) -> bool:
    """Warn once that a clock reached 75 % or its due time; return False if already warned.

    The conditional UPDATE on the marker column is the "never twice" guarantee, even when
    two scans race: only one of them changes the row.
    """
    now = now or timezone.now()
    marker = "breach_warned_at" if level == BREACH else "near_warned_at"
    changes = {marker: now}
    if level == BREACH:
        changes["near_warned_at"] = now  # a breach makes a later 75 % warning pointless
        won = SlaClock.objects.filter(
            pk=clock_id, stopped_at__isnull=True, breach_warned_at__isnull=True
        ).update(**changes)
    else:
        won = SlaClock.objects.filter(
            pk=clock_id, stopped_at__isnull=True, near_warned_at__isnull=True
        ).update(**changes)
    if not won:
        return False
    clock = SlaClock.objects.select_related("ticket__assignee").get(pk=clock_id)
    ticket = clock.ticket
    recipients = warning_recipients(ticket, now)
    subject, body = _message(clock, level)
    names = ", ".join(u.username for u in recipients) or "nobody (no support engineers)"
    event_record(
        ticket=ticket,
        kind=EventKind.SLA_WARNING,
        by=None,
        now=now,
        from_value=clock.kind,
        to_value=level,
        reason=f"{subject}. Warned: {names}.",
    )
    emails = [u.email for u in recipients if u.email]
    if emails:
        transaction.on_commit(lambda: mail_send(subject=subject, body=body, to=emails))
    return True


def sla_warnings_send(*, now: datetime | None = None) -> int:
    """Send every warning that is due; return how many were sent (0 on a second run)."""
    now = now or timezone.now()
    sent = 0
    for clock_id, level in clocks_to_warn(now):
        sent += sla_clock_warn(clock_id=clock_id, level=level, now=now)
    return sent
