"""Filing tickets: one at a time, once per Idempotency-Key, or in bulk (same rank code)."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone

from shared.errors import Conflict, invalid
from shared.validation import LINE_MAX, TEXT_MAX, clean_fields
from triage import hooks, priority
from triage.models import (
    Account,
    Channel,
    EventKind,
    SlaClock,
    Source,
    Status,
    Ticket,
    TicketEvent,
)
from triage.selectors.sla import SlaBook
from triage.services import clocks
from triage.services.ranking import (
    locked,
    ticket_check_fields,
    ticket_refresh_rank,
    ticket_save,
)
from triage.services.timeline import event_new, event_record


def ticket_text(title: str, description: str = "") -> tuple[str, str]:
    """Return a ticket's title and description as stored, or raise with a message per field.

    A title is one line of visible text (shared.text); a description keeps its line breaks and
    loses what spoofs a page. Mail, imports and the API all come through here.
    """
    cleaned, problems = clean_fields(
        {"title": (title, LINE_MAX)}, {"description": (description, TEXT_MAX)}
    )
    if problems:
        raise invalid(**problems)
    return cleaned["title"], cleaned["description"]


def _tier_for(source: str, account: Account | None, channel: str = Channel.WEB) -> str:
    """Return the tier the ticket ranks in, or raise when source and account disagree."""
    if account is None and channel == Channel.EMAIL and source == Source.CUSTOMER:
        # Mail from an unknown sender ranks as a free-tier customer until support picks its
        # account at triage (docs/mail.md).
        return priority.UNKNOWN_SENDER_TIER
    tier, problem = priority.ticket_tier(source, account.tier if account else None)
    if problem:
        raise invalid(account=problem)
    return tier


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
    channel: str = Channel.WEB,
    requester: User | None = None,
    requester_email: str = "",
) -> Ticket:
    """File a ticket; it enters the ranked queue at its suggested priority (R3).

    `requester` is who asked for it: for a pre-sales ticket the CE it is for, whoever filed it.
    `channel` says how it came in (the form: web, the API: api, mail: email) and
    `requester_email` the address the customer wrote from, where public replies go.
    """
    now = now or timezone.now()
    ticket = ticket_new(
        title=title,
        description=description,
        source=source,
        account=account,
        severity=severity,
        by=by,
        now=now,
        request_key=request_key,
        channel=channel,
        requester=requester,
        requester_email=requester_email,
    )
    ticket_save(ticket, now, book)
    event_record(ticket=ticket, kind=EventKind.CREATED, by=by, now=now, **_created_event(ticket))
    _created_hooks([ticket.pk])
    return ticket


def ticket_new(
    *,
    title: str,
    description: str = "",
    source: str,
    account: Account | None,
    by: User | None,
    now: datetime,
    severity: str = "",
    request_key: str = "",
    channel: str = Channel.WEB,
    requester: User | None = None,
    requester_email: str = "",
) -> Ticket:
    """Return an unsaved ticket at its suggested priority, or raise with a message per field."""
    title, description = ticket_text(title, description)
    tier = _tier_for(source, account, channel)
    return Ticket(
        title=title,
        description=description,
        source=source,
        account=account,
        tier=tier,
        reported_severity=severity,
        severity=severity,
        priority=priority.suggested_priority(source=source, tier=tier, severity=severity or None),
        status=Status.NEW,
        created_by=by,
        created_at=now,
        request_key=request_key,
        channel=channel,
        requester=requester,
        requester_email=requester_email,
    )


def tickets_file_many(tickets: list[Ticket], *, book: SlaBook, now: datetime) -> list[Ticket]:
    """Save many new tickets (from `ticket_new`) as `ticket_create` saves one, in a few
    statements: the same rank, due times, clock rows, "created" event and hooks. For a batch of
    mail; the caller holds the transaction.
    """
    for ticket in tickets:
        ticket_refresh_rank(ticket, book=book)
        ticket.updated_at = now
        ticket_check_fields(ticket)
    saved = Ticket.objects.bulk_create(tickets)
    SlaClock.objects.bulk_create(
        [c for t in saved for c in clocks.new_ticket_clocks(t, book=book, now=now)]
    )
    TicketEvent.objects.bulk_create(
        [
            event_new(ticket=t, kind=EventKind.CREATED, by=t.created_by, now=now,
                      **_created_event(t))
            for t in saved
        ]
    )  # fmt: skip
    _created_hooks([t.pk for t in saved])
    return saved


def _created_event(ticket: Ticket) -> dict[str, str]:
    severity = ticket.reported_severity
    return {
        "to_value": f"{ticket.source} · {ticket.tier} · {ticket.priority}",
        "reason": f"reported severity {severity}" if severity else "",
    }


def _created_hooks(ticket_ids: list[int]) -> None:
    for hook in hooks.ticket_created_hooks:
        transaction.on_commit(lambda hook=hook: hook(ticket_ids))


def ticket_create_once(*, request_key: str, by: User, **fields) -> tuple[Ticket, bool]:
    """File a ticket unless `by` already filed one with this key: (ticket, filed now).

    A client that lost the answer to its POST (a timeout, a 503 while the database went away
    after the commit) retries with the same Idempotency-Key and gets the ticket it filed, not a
    second one. The same key with different content is a client bug: Conflict (409).
    """
    fields["title"], fields["description"] = ticket_text(
        fields["title"], fields.get("description", "")
    )
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


def ticket_bulk_create(
    *, rows: list[dict], by: User | None, book: SlaBook, batch_size: int = 2000
) -> int:
    """File many tickets at once (imports, benchmarks) with the same rank code as ticket_create.

    Each row has title, source, account (or None), and optionally description, severity and
    created_at. Rows are validated like single tickets; each gets its "created" event.
    """
    tickets = []
    for row in rows:
        ticket = ticket_new(
            title=row["title"],
            description=row.get("description", ""),
            source=row["source"],
            account=row.get("account"),
            severity=row.get("severity", ""),
            by=by,
            now=row["created_at"],
        )
        ticket.updated_at = ticket.created_at
        ticket_refresh_rank(ticket, book=book)
        tickets.append(ticket)
    with transaction.atomic():
        created_tickets = Ticket.objects.bulk_create(tickets, batch_size=batch_size)
        TicketEvent.objects.bulk_create(
            (
                event_new(
                    ticket=t, kind=EventKind.CREATED, by=by, now=t.created_at,
                    to_value=f"{t.source} · {t.tier} · {t.priority}",
                )
                for t in created_tickets
            ),
            batch_size=batch_size,
        )  # fmt: skip
    return len(created_tickets)


@transaction.atomic
def ticket_describe(
    *,
    ticket: Ticket,
    by: User | None,
    title: str,
    description: str,
    reason: str,
    now: datetime | None = None,
) -> Ticket:
    """Replace a ticket's title and description (a request completed later), on the timeline."""
    now = now or timezone.now()
    title, description = ticket_text(title, description)
    ticket = locked(ticket)
    event_record(
        ticket=ticket,
        kind=EventKind.PRESALES if ticket.source == Source.PRESALES else EventKind.NOTE,
        by=by,
        now=now,
        from_value=ticket.title,
        to_value=title,
        reason=reason,
    )
    ticket.title, ticket.description = title, description
    ticket_save(ticket, now)
    return ticket
