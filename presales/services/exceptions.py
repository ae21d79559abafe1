"""Exceptions to the pre-sales process (R9): a CE asks, CS leadership approves or denies."""

from __future__ import annotations

from datetime import date, datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from config.celery import send_after_commit
from presales import requirements, tasks
from presales.models import ExceptionEvent, ExceptionStatus, PresalesException
from shared.errors import Conflict, invalid
from shared.validation import REASON_MAX, clean_fields
from triage.models import Account, EventKind, Ticket
from triage.services import event_record


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
    now = now or timezone.now()
    cleaned, errors = clean_fields({}, {"reason": (reason, REASON_MAX)})
    reason = cleaned.get("reason", "")
    if not reason and "reason" not in errors:
        errors["reason"] = "Say why the prospect needs an exception."
    if ends_on is None:
        errors["ends_on"] = "Give the date the exception ends."
    elif ends_on < timezone.localdate(now):
        errors["ends_on"] = "The end date is in the past."
    if problem := requirements.prospect_problem(account.name, account.tier):
        errors["account"] = problem
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
    now = now or timezone.now()
    cleaned, errors = clean_fields({}, {"note": (note, REASON_MAX)})
    if errors:
        raise invalid(**errors)
    note = cleaned["note"]
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
    send_after_commit(tasks.exception_notify_decision, exception.pk)
    return exception
