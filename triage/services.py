"""Every write to accounts and tickets goes through here, with its timeline event (R10)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone

from shared import roles
from shared.errors import Conflict, invalid
from triage import clocks, sla
from triage import priority as engine
from triage.models import (
    Account,
    EventKind,
    Source,
    Status,
    Ticket,
    TicketEvent,
    Tier,
)
from triage.selectors import SlaBook, sla_book

# The state machine for PATCH {status}. `triaged` is reached only through triage.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.NEW: frozenset({"in_progress", "waiting_on_customer", "resolved", "closed"}),
    Status.TRIAGED: frozenset(
        {"in_progress", "waiting_on_customer", "escalated", "resolved", "closed"}
    ),
    Status.IN_PROGRESS: frozenset({"waiting_on_customer", "escalated", "resolved", "closed"}),
    Status.WAITING_ON_CUSTOMER: frozenset({"in_progress", "resolved", "closed"}),
    Status.ESCALATED: frozenset({"in_progress", "waiting_on_customer", "resolved"}),
    Status.RESOLVED: frozenset({"in_progress", "closed"}),
    Status.CLOSED: frozenset(),
}

# Hooks later features register to run after a ticket is created (e.g. proactive notices).
ticket_created_hooks: list[Callable[[int], None]] = []
# Hooks run after a status change commits, with (ticket id, new status) (e.g. channel reminders).
ticket_status_hooks: list[Callable[[int, str], None]] = []

logger = logging.getLogger(__name__)


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def event_record(
    *,
    ticket: Ticket,
    kind: str,
    by: User | None,
    now: datetime,
    from_value: str = "",
    to_value: str = "",
    reason: str = "",
    body: str = "",
) -> TicketEvent:
    """Add one line to the ticket's timeline."""
    return TicketEvent.objects.create(
        ticket=ticket,
        kind=kind,
        actor=by,
        at=now,
        from_value=from_value[:200],
        to_value=to_value[:200],
        reason=reason,
        body=body,
    )


def ticket_refresh_rank(ticket: Ticket, *, book: SlaBook, pauses: Sequence[sla.Pause] = ()) -> None:
    """Recompute the suggested priority, due times and stored rank from the ticket's facts.

    `pauses` are the ticket's waits on the customer (R6): the clocks stop during them. Only
    pauses before the first response move the first-response due times (see triage.clocks).
    """
    ticket.suggested_priority = engine.suggested_priority(
        source=ticket.source, tier=ticket.tier, severity=ticket.severity or None
    )
    premium = bool(ticket.account and ticket.account.premium)
    rule = book.rule(tier=ticket.tier, priority=ticket.priority, premium=premium)
    ticket.due_at = None
    if ticket.source != Source.INTERNAL:
        early = [
            p for p in pauses if not ticket.first_response_at or p[0] < ticket.first_response_at
        ]
        goal = timedelta(minutes=settings.TEAM_FIRST_REPLY_GOAL_MINUTES)
        ticket.goal_due_at = sla.due_at(sla.ALWAYS_OPEN, ticket.created_at, goal, early)
        # Without a contract the two-hour team goal is the only due time the customer has.
        ticket.due_at = (
            sla.due_at(rule.hours, ticket.created_at, rule.target, early)
            if rule
            else ticket.goal_due_at
        )
    ticket.rank_key = engine.rank_key(ticket.facts())


def _locked(ticket: Ticket) -> Ticket:
    """Re-read the ticket under a row lock so concurrent changes apply one after the other."""
    return (
        Ticket.objects.select_related("account").select_for_update(of=("self",)).get(pk=ticket.pk)
    )


def _save(ticket: Ticket, now: datetime, book: SlaBook | None = None) -> None:
    book = book or sla_book(now)
    pauses = clocks.ticket_pauses_sync(ticket, now)
    ticket_refresh_rank(ticket, book=book, pauses=pauses)
    ticket.updated_at = now
    # Field checks only: the database enforces the CheckConstraints itself, and Django would
    # spend a query (and two savepoints) per constraint on every ticket write to re-check them.
    # The cross-field rules (source vs account, a pin's reason) are the services' own checks.
    ticket.full_clean(
        exclude=["account", "assignee", "pinned_by", "created_by"], validate_constraints=False
    )
    ticket.save()
    clocks.ticket_clocks_sync(ticket, book=book, pauses=pauses, now=now)


def account_create(
    *,
    name: str,
    tier: str,
    deployment: str,
    premium: bool = False,
    timezone_name: str = "",
    contact_email: str = "",
) -> Account:
    """Create a customer or prospect account."""
    if tier == Tier.INTERNAL:
        raise invalid(tier="Internal work has no account; file it with source 'internal'.")
    if Account.objects.filter(name__iexact=name).exists():
        raise invalid(name=f"An account named “{name}” already exists.")
    account = Account(
        name=name,
        tier=tier,
        deployment=deployment,
        premium=premium,
        timezone=timezone_name,
        contact_email=contact_email,
    )
    account.full_clean()
    account.save()
    return account


def account_set_contact_email(*, account: Account, email: str, by: User) -> Account:
    """Set where proactive notices to this customer go (blank: to whoever filed the ticket,
    else the team's NOTICE_FALLBACK_EMAIL)."""
    account.contact_email = email.strip()
    account.full_clean(exclude=[f.name for f in Account._meta.fields if f.name != "contact_email"])
    account.save(update_fields=["contact_email"])
    logger.info("%s set the contact e-mail of account #%s", by.username, account.pk)
    return account


def _check_source(source: str, account: Account | None) -> str:
    """Return the tier the ticket ranks in, or raise when source and account disagree."""
    if source == Source.INTERNAL:
        if account is not None:
            raise invalid(account="Internal work has no account: leave it null.")
        return Tier.INTERNAL
    if account is None:
        raise invalid(account=f"A {source} ticket needs an account.")
    if source == Source.PRESALES and account.tier != Tier.PRESALES:
        raise invalid(account="A pre-sales ticket needs a prospect (tier 'presales') account.")
    if source == Source.CUSTOMER and account.tier == Tier.PRESALES:
        raise invalid(account="This is a prospect account: file it with source 'presales'.")
    return account.tier


@transaction.atomic
def ticket_create(
    *,
    title: str,
    description: str = "",
    source: str,
    account: Account | None,
    severity: str = "",
    by: User | None,
    now: datetime | None = None,
    book: SlaBook | None = None,
    request_key: str = "",
) -> Ticket:
    """File a ticket; it enters the ranked queue at its suggested priority (R3)."""
    now = _now(now)
    tier = _check_source(source, account)
    ticket = Ticket(
        title=title,
        description=description,
        source=source,
        account=account,
        tier=tier,
        reported_severity=severity,
        severity=severity,
        status=Status.NEW,
        created_by=by,
        created_at=now,
        request_key=request_key,
    )
    ticket.priority = engine.suggested_priority(source=source, tier=tier, severity=severity or None)
    _save(ticket, now, book)
    event_record(
        ticket=ticket,
        kind=EventKind.CREATED,
        by=by,
        now=now,
        to_value=f"{source} · {tier} · {ticket.priority}",
        reason=f"reported severity {severity}" if severity else "",
    )
    for hook in ticket_created_hooks:
        transaction.on_commit(lambda hook=hook: hook(ticket.pk))
    return ticket


def ticket_create_once(*, request_key: str, by: User, **fields) -> tuple[Ticket, bool]:
    """File a ticket unless `by` already filed one with this key: (ticket, filed now).

    A client that lost the answer to its POST (a timeout, a 503 while the database went away
    after the commit) retries with the same Idempotency-Key and gets the ticket it filed, not a
    second one. The same key with different content is a client bug: Conflict (409).
    """
    existing = ticket_filed_with(request_key=request_key, by=by)
    if existing is None:
        try:
            with transaction.atomic():
                return ticket_create(request_key=request_key, by=by, **fields), True
        except IntegrityError:  # a concurrent retry filed it first (ticket_request_key_once)
            existing = ticket_filed_with(request_key=request_key, by=by)
            if existing is None:
                raise
    sent = (
        fields["title"],
        fields.get("description", ""),
        fields["source"],
        fields["account"],
        fields.get("severity", ""),
    )
    filed = (
        existing.title,
        existing.description,
        existing.source,
        existing.account,
        existing.reported_severity,
    )
    if sent != filed:
        raise Conflict(
            f"This Idempotency-Key already filed ticket #{existing.pk} with other content: "
            "use a new key for a new ticket."
        )
    return existing, False


def ticket_filed_with(*, request_key: str, by: User) -> Ticket | None:
    """Return the ticket `by` filed with this Idempotency-Key, if any."""
    return Ticket.objects.filter(created_by=by, request_key=request_key).first()


@transaction.atomic
def ticket_triage(
    *,
    ticket: Ticket,
    by: User,
    severity: str,
    priority: str,
    reason: str = "",
    now: datetime | None = None,
) -> Ticket:
    """Set severity and priority; a priority other than the suggestion needs a reason (R3)."""
    now = _now(now)
    ticket = _locked(ticket)
    if not ticket.is_open:
        raise Conflict(f"Ticket #{ticket.pk} is {ticket.status}; reopen it before triage.")
    suggested = engine.suggested_priority(source=ticket.source, tier=ticket.tier, severity=severity)
    reason = reason.strip()
    if priority != suggested and not reason:
        raise invalid(
            reason=f"Say why: the policy suggests {suggested} for severity {severity} "
            f"from a {engine.TIER_LABELS[ticket.tier]} ticket, and you chose {priority}."
        )
    if ticket.severity != severity:
        event_record(
            ticket=ticket,
            kind=EventKind.SEVERITY,
            by=by,
            now=now,
            from_value=ticket.severity,
            to_value=severity,
            reason=reason or "set at triage",
        )
    if ticket.priority != priority:
        event_record(
            ticket=ticket,
            kind=EventKind.PRIORITY,
            by=by,
            now=now,
            from_value=ticket.priority,
            to_value=priority,
            reason=reason or f"matches the policy's suggestion for severity {severity}",
        )
    ticket.severity, ticket.priority, ticket.triaged_at = severity, priority, now
    if ticket.status == Status.NEW:
        event_record(
            ticket=ticket,
            kind=EventKind.STATUS,
            by=by,
            now=now,
            from_value=Status.NEW,
            to_value=Status.TRIAGED,
            reason="triaged",
        )
        ticket.status = Status.TRIAGED
    _save(ticket, now)
    return ticket


def _check_transition(ticket: Ticket, status: str) -> None:
    if status not in TRANSITIONS.get(ticket.status, ()):
        allowed = ", ".join(sorted(TRANSITIONS[ticket.status])) or "none (closed is final)"
        hint = " Use triage to mark a ticket triaged." if status == Status.TRIAGED else ""
        raise Conflict(
            f"A ticket can't go from {ticket.status} to {status}. Allowed next: {allowed}.{hint}"
        )


@transaction.atomic
def ticket_set_status(
    *, ticket: Ticket, by: User | None, status: str, reason: str = "", now: datetime | None = None
) -> Ticket:
    """Move the ticket along the state machine, or raise Conflict (409)."""
    now = _now(now)
    ticket = _locked(ticket)
    if ticket.status == status:
        return ticket
    _check_transition(ticket, status)
    event_record(
        ticket=ticket,
        kind=EventKind.STATUS,
        by=by,
        now=now,
        from_value=ticket.status,
        to_value=status,
        reason=reason,
    )
    ticket.status = status
    _save(ticket, now)
    for hook in ticket_status_hooks:
        transaction.on_commit(lambda hook=hook, pk=ticket.pk: hook(pk, status))
    return ticket


def _check_assignee(assignee: User | None) -> None:
    if assignee is not None and not roles.has_role(assignee, roles.SUPPORT, roles.LEADERSHIP):
        raise invalid(assignee=f"{assignee.username} is not a support engineer.")


@transaction.atomic
def ticket_assign(
    *,
    ticket: Ticket,
    by: User | None,
    assignee: User | None,
    reason: str = "",
    now: datetime | None = None,
) -> Ticket:
    """Give the ticket to a support engineer, or take it back (None)."""
    now = _now(now)
    _check_assignee(assignee)
    ticket = _locked(ticket)
    if ticket.assignee_id == (assignee.pk if assignee else None):
        return ticket
    if not ticket.is_open and assignee is not None:
        raise Conflict(f"Ticket #{ticket.pk} is {ticket.status}; reopen it before assigning.")
    event_record(
        ticket=ticket,
        kind=EventKind.ASSIGNEE,
        by=by,
        now=now,
        from_value=ticket.assignee.username if ticket.assignee else "",
        to_value=assignee.username if assignee else "",
        reason=reason,
    )
    ticket.assignee = assignee
    _save(ticket, now)
    return ticket


def _require_reason(reason: str, what: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise invalid(reason=f"Say why you {what}: everyone sees it on the queue (R5).")
    return reason


@transaction.atomic
def ticket_pin(*, ticket: Ticket, by: User, reason: str, now: datetime | None = None) -> Ticket:
    """Pin the ticket above the order with a written reason (R5)."""
    now = _now(now)
    reason = _require_reason(reason, "pin it above the order")
    ticket = _locked(ticket)
    if not ticket.is_open:
        raise Conflict(f"Ticket #{ticket.pk} is {ticket.status}; only open work can be pinned.")
    if ticket.pinned_at:
        raise Conflict(f"Ticket #{ticket.pk} is already pinned: {ticket.pin_reason}")
    event_record(
        ticket=ticket, kind=EventKind.PIN, by=by, now=now, to_value="pinned", reason=reason
    )
    ticket.pinned_at, ticket.pinned_by, ticket.pin_reason = now, by, reason
    _save(ticket, now)
    return ticket


@transaction.atomic
def ticket_unpin(*, ticket: Ticket, by: User, reason: str, now: datetime | None = None) -> Ticket:
    """Return a pinned ticket to its place in the order."""
    now = _now(now)
    reason = _require_reason(reason, "unpin it")
    ticket = _locked(ticket)
    if not ticket.pinned_at:
        raise Conflict(f"Ticket #{ticket.pk} is not pinned.")
    event_record(
        ticket=ticket,
        kind=EventKind.UNPIN,
        by=by,
        now=now,
        from_value="pinned",
        reason=reason,
    )
    ticket.pinned_at, ticket.pinned_by, ticket.pin_reason = None, None, ""
    _save(ticket, now)
    return ticket


_UNSET = object()


@transaction.atomic
def ticket_update(
    *,
    ticket: Ticket,
    by: User,
    status: str | None = None,
    assignee: User | None | object = _UNSET,
    reason: str = "",
    now: datetime | None = None,
) -> Ticket:
    """Apply a PATCH: assignment and status change together, or neither."""
    if assignee is not _UNSET:
        ticket = ticket_assign(ticket=ticket, by=by, assignee=assignee, reason=reason, now=now)
    if status is not None:
        ticket = ticket_set_status(ticket=ticket, by=by, status=status, reason=reason, now=now)
    return ticket


def ticket_bulk_create(
    *, rows: list[dict], by: User | None, book: SlaBook, batch_size: int = 2000
) -> int:
    """File many tickets at once (imports, benchmarks) with the same rank code as ticket_create.

    Each row has title, source, account (or None), and optionally description, severity and
    created_at. Rows are validated like single tickets; each gets its "created" event.
    """
    tickets = []
    for row in rows:
        tier = _check_source(row["source"], row.get("account"))
        severity = row.get("severity", "")
        created = row["created_at"]
        ticket = Ticket(
            title=row["title"],
            description=row.get("description", ""),
            source=row["source"],
            account=row.get("account"),
            tier=tier,
            reported_severity=severity,
            severity=severity,
            priority=engine.suggested_priority(
                source=row["source"], tier=tier, severity=severity or None
            ),
            status=Status.NEW,
            created_by=by,
            created_at=created,
            updated_at=created,
        )
        ticket_refresh_rank(ticket, book=book)
        tickets.append(ticket)
    with transaction.atomic():
        created_tickets = Ticket.objects.bulk_create(tickets, batch_size=batch_size)
        TicketEvent.objects.bulk_create(
            (
                TicketEvent(
                    ticket=t, kind=EventKind.CREATED, actor=by, at=t.created_at,
                    to_value=f"{t.source} · {t.tier} · {t.priority}",
                )
                for t in created_tickets
            ),
            batch_size=batch_size,
        )  # fmt: skip
    return len(created_tickets)


@transaction.atomic
def ticket_reply(
    *,
    ticket: Ticket,
    by: User,
    body: str,
    public: bool,
    first_response: bool,
    now: datetime | None = None,
) -> TicketEvent:
    """Add a public reply or an internal note; a summing-up reply is the first response (R6)."""
    # Only the engineer knows whether a reply sums up troubleshooting and next steps: they tick
    # it. An acknowledgement ("we're on it") is a reply too, but it does not stop the clock.
    now = _now(now)
    body = (body or "").strip()
    if not body:
        raise invalid(body="Write the reply or note first.")
    if first_response and not public:
        raise invalid(
            first_response="Only a public reply to the customer can be the first response."
        )
    ticket = _locked(ticket)
    if ticket.status == Status.CLOSED:
        raise Conflict(f"Ticket #{ticket.pk} is closed; reopening is not possible.")
    event = event_record(
        ticket=ticket,
        kind=EventKind.REPLY if public else EventKind.NOTE,
        by=by,
        now=now,
        body=body,
    )
    if public and first_response and ticket.first_response_at is None:
        event_record(
            ticket=ticket,
            kind=EventKind.FIRST_RESPONSE,
            by=by,
            now=now,
            to_value=f"{now.astimezone(UTC):%Y-%m-%d %H:%M} UTC",
            reason="a reply that sums up troubleshooting and next steps",
        )
        ticket.first_response_at = now
    if public:
        _save(ticket, now)  # every public reply restarts the next-update clock (R6)
    return event
