"""Writes for pre-sales: requests (with their ticket), exceptions and trial channels (R9)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from config.celery import send_after_commit
from presales import rules
from presales.models import (
    ChannelEngagement,
    ExceptionEvent,
    ExceptionStatus,
    ImpactScope,
    KeyDate,
    PresalesException,
    PresalesRequest,
)
from shared import roles
from shared.errors import Conflict, invalid
from shared.validation import split_links
from triage.models import Account, EventKind, Source, Ticket, Tier
from triage.services import account_create, event_record, ticket_create

REQUIRED_TEXT = {
    "summary": "Give a one-line summary of the issue.",
    "attempted_and_expected": "Say what the prospect attempted and what they expected to happen.",
    "steps_taken": "List the steps already taken to resolve it (or say none were).",
    "impact": "Describe the impact: who is blocked and how badly.",
    "sales_context": "Say where in the sales cycle the prospect is.",
}


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def reminder_hours() -> float:
    """Return how long an engineer may stay in a trial channel before being reminded."""
    return float(getattr(settings, "PRESALES_CHANNEL_REMINDER_HOURS", 24))


def check_design_doc_links(links: Sequence[str]) -> list[str]:
    """Return the links stripped, or raise naming each one that is not an http(s) URL."""
    clean, bad = split_links(links)
    if bad:
        raise invalid(
            design_doc_links="Not a valid http(s) URL: " + ", ".join(f"“{b}”" for b in bad)
        )
    return clean


def _description(r: PresalesRequest, key_dates: Sequence[tuple[date, str]]) -> str:
    parts = [
        ("What the prospect attempted and expected", r.attempted_and_expected),
        ("Steps already taken", r.steps_taken),
        (
            "Impact" + (f" ({r.get_impact_scope_display()})" if r.impact_scope else ""),
            r.impact,
        ),
        ("Sales cycle", r.sales_context),
        ("Technical design documents", "\n".join(r.design_doc_links) or "none"),
        (
            "Key dates",
            "\n".join(
                [f"{d:%Y-%m-%d} {label}" for d, label in key_dates] + [r.key_dates_text]
            ).strip()
            or "none given",
        ),
    ]
    return "\n\n".join(f"{title}:\n{text}" for title, text in parts)


@transaction.atomic
def presales_request_create(
    *,
    by: User,
    account: Account | None = None,
    new_account_name: str = "",
    new_account_deployment: str = "",
    summary: str,
    attempted_and_expected: str,
    steps_taken: str,
    impact: str,
    impact_scope: str = "",
    design_doc_links: Sequence[str] = (),
    sales_context: str,
    key_dates: Sequence[tuple[date, str]] = (),
    key_dates_text: str = "",
    now: datetime | None = None,
) -> PresalesRequest:
    """File a CE's request: its presales ticket enters the ranked queue in the same transaction."""
    now = _now(now)
    values = {
        "summary": summary,
        "attempted_and_expected": attempted_and_expected,
        "steps_taken": steps_taken,
        "impact": impact,
        "sales_context": sales_context,
    }
    values = {k: (v or "").strip() for k, v in values.items()}
    errors = {k: REQUIRED_TEXT[k] for k, v in values.items() if not v}
    if len(values["summary"]) > 200:
        errors["summary"] = "Keep the summary to 200 characters; put detail in the other fields."
    if impact_scope and impact_scope not in ImpactScope.values:
        errors["impact_scope"] = "Choose one of: " + ", ".join(ImpactScope.values) + "."
    if account is None and not new_account_name.strip():
        errors["account"] = "Pick the prospect's account, or name a new one."
    if account is not None and account.tier != Tier.PRESALES:
        errors["account"] = f"{account.name} is a {account.tier} customer, not a prospect."
    if errors:
        raise invalid(**errors)
    links = check_design_doc_links(design_doc_links)
    if account is None:
        account = account_create(
            name=new_account_name.strip(),
            tier=Tier.PRESALES,
            deployment=new_account_deployment or "cloud",
        )
    request = PresalesRequest(
        account=account,
        requested_by=by,
        impact_scope=impact_scope,
        design_doc_links=links,
        key_dates_text=(key_dates_text or "").strip(),
        created_at=now,
        **values,
    )
    ticket = ticket_create(
        title=values["summary"],
        description=_description(request, key_dates),
        source=Source.PRESALES,
        account=account,
        by=by,
        now=now,
    )
    request.ticket = ticket
    request.save()
    KeyDate.objects.bulk_create(
        [
            KeyDate(request=request, date=d, label=(label or "key date")[:200])
            for d, label in key_dates
        ]
    )
    return request


# --- exceptions -----------------------------------------------------------------------------


def _leadership_emails() -> list[str]:
    return sorted(
        set(
            User.objects.filter(groups__name=roles.LEADERSHIP, is_active=True)
            .exclude(email="")
            .values_list("email", flat=True)
        )
    )


@transaction.atomic
def exception_request(
    *,
    by: User,
    kind: str,
    account: Account,
    reason: str,
    ends_on: date,
    ticket: Ticket | None = None,
    now: datetime | None = None,
) -> PresalesException:
    """Ask CS leadership for an exception to the pre-sales process; leadership is emailed."""
    now = _now(now)
    reason = (reason or "").strip()
    errors = {}
    if not reason:
        errors["reason"] = "Say why the prospect needs an exception."
    if ends_on is None:
        errors["ends_on"] = "Give the date the exception ends."
    elif ends_on < timezone.localdate(now):
        errors["ends_on"] = "The end date is in the past."
    if account.tier != Tier.PRESALES:
        errors["account"] = f"{account.name} is not a prospect account."
    if ticket is not None and ticket.account_id != account.pk:
        errors["ticket"] = f"Ticket #{ticket.pk} belongs to another account."
    if errors:
        raise invalid(**errors)
    exception = PresalesException(
        kind=kind, account=account, ticket=ticket, requested_by=by, reason=reason,
        ends_on=ends_on, created_at=now,
    )  # fmt: skip
    exception.full_clean(exclude=["account", "ticket", "requested_by", "decided_by"])
    exception.save()
    ExceptionEvent.objects.create(
        exception=exception, at=now, actor=by, status=ExceptionStatus.PENDING, note=reason
    )
    if ticket is not None:
        event_record(
            ticket=ticket,
            kind=EventKind.EXCEPTION,
            by=by,
            now=now,
            to_value=f"exception requested: {exception.get_kind_display()}",
            reason=reason,
        )
    from presales import tasks

    send_after_commit(tasks.exception_notify_request, exception.pk)
    return exception


@transaction.atomic
def exception_decide(
    *,
    exception: PresalesException,
    by: User,
    approve: bool,
    note: str,
    now: datetime | None = None,
) -> PresalesException:
    """Approve or deny a pending exception with a note; the CE and leadership are emailed."""
    now = _now(now)
    note = (note or "").strip()
    if not note:
        raise invalid(note="Write a note: the CE reads it with your decision.")
    exception = PresalesException.objects.select_for_update().get(pk=exception.pk)
    if exception.status != ExceptionStatus.PENDING:
        raise Conflict(f"Exception #{exception.pk} was already {exception.status}.")
    exception.status = ExceptionStatus.APPROVED if approve else ExceptionStatus.DENIED
    exception.decided_by, exception.decided_at, exception.decision_note = by, now, note
    exception.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    ExceptionEvent.objects.create(
        exception=exception, at=now, actor=by, status=exception.status, note=note
    )
    if exception.ticket_id:
        event_record(
            ticket=exception.ticket,
            kind=EventKind.EXCEPTION,
            by=by,
            now=now,
            from_value=ExceptionStatus.PENDING,
            to_value=f"exception {exception.status}: {exception.get_kind_display()}",
            reason=note,
        )
    from presales import tasks

    send_after_commit(tasks.exception_notify_decision, exception.pk)
    return exception


def _claim(model, pk: int, field: str, now: datetime) -> bool:
    """Mark a row's "notified" field if still empty; True for the one caller that wins."""
    return bool(model.objects.filter(pk=pk, **{f"{field}__isnull": True}).update(**{field: now}))


def exception_notify_request(*, exception_id: int, now: datetime | None = None) -> bool:
    """Email leadership about a new exception request, once; return whether mail went out."""
    now = _now(now)
    with transaction.atomic():
        # A failed send rolls the mark back, so a retry sends it.
        if not _claim(PresalesException, exception_id, "request_notified_at", now):
            return False
        e = PresalesException.objects.select_related("account", "requested_by").get(pk=exception_id)
        send_mail(
            subject=f"[Support Triage] Exception requested: {e.account.name}",
            message=(
                f"{e.requested_by.username} asks for an exception to the pre-sales process.\n\n"
                f"Exception: {e.get_kind_display()}\nProspect: {e.account.name}\n"
                f"Until: {e.ends_on:%Y-%m-%d}\nReason: {e.reason}\n\n"
                f"Decide at {e.get_absolute_url()}"
            ),
            from_email=None,
            recipient_list=_leadership_emails(),
        )
    return True


def exception_notify_decision(*, exception_id: int, now: datetime | None = None) -> bool:
    """Email the CE and leadership the decision on an exception, once."""
    now = _now(now)
    with transaction.atomic():
        e = PresalesException.objects.select_related("account", "requested_by", "decided_by").get(
            pk=exception_id
        )
        if e.status == ExceptionStatus.PENDING:
            return False
        if not _claim(PresalesException, exception_id, "decision_notified_at", now):
            return False
        recipients = sorted({e.requested_by.email, *_leadership_emails()} - {""})
        send_mail(
            subject=f"[Support Triage] Exception {e.status}: {e.account.name}",
            message=(
                f"{e.decided_by.username} {e.status} the exception "
                f"“{e.get_kind_display()}” for {e.account.name} until {e.ends_on:%Y-%m-%d}.\n\n"
                f"Note: {e.decision_note}\n\nRequested by {e.requested_by.username}: {e.reason}"
            ),
            from_email=None,
            recipient_list=recipients,
        )
    return True


# --- trial channels -------------------------------------------------------------------------


@transaction.atomic
def channel_join(
    *, ticket: Ticket, by: User, channel: str, now: datetime | None = None
) -> ChannelEngagement:
    """Record that a support engineer joined a prospect's trial channel for this ticket."""
    now = _now(now)
    channel = (channel or "").strip()
    if not channel:
        raise invalid(channel="Name the channel you joined (e.g. #trial-acme).")
    if len(channel) > 200:
        raise invalid(channel="Keep the channel name to 200 characters.")
    if ticket.source != Source.PRESALES:
        raise invalid(ticket="Trial channels belong to pre-sales tickets.")
    if not ticket.is_open:
        raise Conflict(f"Ticket #{ticket.pk} is {ticket.status}: no reason to join its channel.")
    if ChannelEngagement.objects.filter(
        ticket=ticket, engineer=by, channel=channel, left_at__isnull=True
    ).exists():
        raise Conflict(f"You are already recorded in {channel} for ticket #{ticket.pk}.")
    engagement = ChannelEngagement.objects.create(
        ticket=ticket, channel=channel, engineer=by, joined_at=now
    )
    event_record(
        ticket=ticket,
        kind=EventKind.CHANNEL,
        by=by,
        now=now,
        to_value=f"joined {channel}",
        reason=f"reminder to leave after {reminder_hours():g} h or when resolved",
    )
    return engagement


@transaction.atomic
def channel_leave(
    *, engagement: ChannelEngagement, by: User, now: datetime | None = None
) -> ChannelEngagement:
    """Record that the engineer left the trial channel."""
    now = _now(now)
    engagement = ChannelEngagement.objects.select_for_update().get(pk=engagement.pk)
    if engagement.left_at is not None:
        raise Conflict(f"{engagement.channel} was already left at {engagement.left_at:%H:%M}.")
    engagement.left_at = max(now, engagement.joined_at)
    engagement.save(update_fields=["left_at"])
    event_record(
        ticket=engagement.ticket,
        kind=EventKind.CHANNEL,
        by=by,
        now=now,
        from_value=f"joined {engagement.channel}",
        to_value=f"left {engagement.channel}",
    )
    return engagement


def channel_reminders_send(*, now: datetime | None = None, ticket_id: int | None = None) -> int:
    """Remind each engineer still in a trial channel that is due (R9), once; return the count."""
    now = _now(now)
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
                send_mail(
                    subject=f"[Support Triage] Time to leave {e.channel}",
                    message=(
                        f"You joined {e.channel} for ticket #{e.ticket_id} “{e.ticket.title}”, "
                        f"and {why}. Support does not watch trial channels by default: "
                        f"leave the channel and record it at {e.ticket.get_absolute_url()}"
                    ),
                    from_email=None,
                    recipient_list=[e.engineer.email],
                )
            sent += 1
    return sent
