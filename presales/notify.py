"""Pre-sales mail, sent by the workers (presales.tasks): each message at most once.

Exception requests and decisions go to CS leadership and the CE; engineers still in a trial
channel are reminded to leave it (R9). A conditional UPDATE of a "notified" column decides the
one run that sends.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from presales import rules
from presales.models import ChannelEngagement, ExceptionStatus, PresalesException
from presales.selectors import reminder_hours
from shared import roles
from shared.mail import mail_send


def _leadership_emails() -> list[str]:
    users = roles.users_with_role(roles.LEADERSHIP).exclude(email="")
    return sorted(set(users.values_list("email", flat=True)))


def _claim(model, pk: int, field: str, now: datetime) -> bool:
    """Mark a row's "notified" field if still empty; True for the one caller that wins."""
    return bool(model.objects.filter(pk=pk, **{f"{field}__isnull": True}).update(**{field: now}))


def exception_notify_request(*, exception_id: int, now: datetime | None = None) -> bool:
    """Email leadership about a new exception request, once; return whether mail went out."""
    now = now or timezone.now()
    with transaction.atomic():
        # A failed send rolls the mark back, so a retry sends it.
        if not _claim(PresalesException, exception_id, "request_notified_at", now):
            return False
        e = PresalesException.objects.select_related("account", "requested_by").get(pk=exception_id)
        mail_send(
            subject=f"[Support Triage] Exception requested: {e.account.name}",
            body=(
                f"{e.requested_by.username} asks for an exception to the pre-sales process.\n\n"
                f"Exception: {e.get_kind_display()}\nProspect: {e.account.name}\n"
                f"Until: {e.ends_on:%Y-%m-%d}\nReason: {e.reason}\n\n"
                f"Decide at {e.get_absolute_url()}"
            ),
            to=_leadership_emails(),
        )
    return True


def exception_notify_decision(*, exception_id: int, now: datetime | None = None) -> bool:
    """Email the CE and leadership the decision on an exception, once."""
    now = now or timezone.now()
    with transaction.atomic():
        e = PresalesException.objects.select_related("account", "requested_by", "decided_by").get(
            pk=exception_id
        )
        if e.status == ExceptionStatus.PENDING:
            return False
        if not _claim(PresalesException, exception_id, "decision_notified_at", now):
            return False
        recipients = sorted({e.requested_by.email, *_leadership_emails()} - {""})
        mail_send(
            subject=f"[Support Triage] Exception {e.status}: {e.account.name}",
            body=(
                f"{e.decided_by.username} {e.status} the exception "
                f"“{e.get_kind_display()}” for {e.account.name} until {e.ends_on:%Y-%m-%d}.\n\n"
                f"Note: {e.decision_note}\n\nRequested by {e.requested_by.username}: {e.reason}"
            ),
            to=recipients,
        )
    return True


def channel_reminders_send(*, now: datetime | None = None, ticket_id: int | None = None) -> int:
    """Remind each engineer still in a trial channel that is due (R9), once; return the count."""
    now = now or timezone.now()
    hours = reminder_hours()
    candidates = ChannelEngagement.objects.filter(
        left_at__isnull=True, reminded_at__isnull=True
    ).select_related("ticket", "engineer")
    if ticket_id is not None:
        candidates = candidates.filter(ticket_id=ticket_id)
    sent = 0
    for e in candidates:
        due = rules.channel_reminder_due(
            joined_at=e.joined_at, ticket_open=e.ticket.is_open, now=now, hours=hours
        )
        if not due:
            continue
        with transaction.atomic():
            won = ChannelEngagement.objects.filter(
                Q(pk=e.pk) & Q(reminded_at__isnull=True) & Q(left_at__isnull=True)
            ).update(reminded_at=now)
            if not won:
                continue  # another run reminded them, or they left meanwhile
            why = (
                f"ticket #{e.ticket_id} is {e.ticket.status}"
                if not e.ticket.is_open
                else f"you joined {hours:g} hours ago"
            )
            if e.engineer.email:
                mail_send(
                    subject=f"[Support Triage] Time to leave {e.channel}",
                    body=(
                        f"You joined {e.channel} for ticket #{e.ticket_id} “{e.ticket.title}”, "
                        f"and {why}. Support does not watch trial channels by default: "
                        f"leave the channel and record it at {e.ticket.get_absolute_url()}"
                    ),
                    to=[e.engineer.email],
                )
            sent += 1
    return sent
