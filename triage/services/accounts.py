"""Writes to accounts."""

from __future__ import annotations

import logging
from datetime import datetime

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from shared.errors import Conflict, invalid
from shared.validation import LINE_MAX, clean_line
from triage.models import Account, EventKind, Source, Ticket, Tier
from triage.priority import is_prospect, suggested_priority
from triage.services.ranking import locked, ticket_save
from triage.services.timeline import event_record

logger = logging.getLogger(__name__)


def account_create(
    *,
    name: str,
    tier: str,
    deployment: str,
    premium: bool = False,
    timezone_name: str = "",
    contact_email: str = "",
) -> Account:
    """Create a customer or prospect account; its name is one line of visible text."""
    try:
        name = clean_line(name, max_length=LINE_MAX)
    except ValidationError as error:
        raise invalid(name=error.messages[0]) from None
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


@transaction.atomic
def ticket_set_account(
    *, ticket: Ticket, by: User, account: Account, reason: str = "", now: datetime | None = None
) -> Ticket:
    """Give a ticket its account (mail from an unknown sender, or a correction), on the timeline.

    The tier follows the account, so the suggested priority and the rank are computed again; a
    priority still at the old suggestion follows the new one, a chosen one stays (R3).
    """
    now = now or timezone.now()
    ticket = locked(ticket)
    if not ticket.is_open:
        raise Conflict(f"Ticket #{ticket.pk} is {ticket.status}; reopen it to change its account.")
    if ticket.source == Source.INTERNAL or account.tier == Tier.INTERNAL:
        raise invalid(account="Internal work has no account.")
    if ticket.account_id == account.pk:
        return ticket
    source = Source.PRESALES if is_prospect(account.tier) else Source.CUSTOMER
    if ticket.source == Source.PRESALES and source != Source.PRESALES:
        raise invalid(account="A pre-sales request stays with a prospect's account.")
    event_record(
        ticket=ticket,
        kind=EventKind.ACCOUNT,
        by=by,
        now=now,
        from_value=ticket.account.name if ticket.account else "unknown sender",
        to_value=f"{account.name} · {account.tier}",
        reason=reason.strip() or "account picked at triage",
    )
    follows = ticket.priority == ticket.suggested_priority
    ticket.account, ticket.source, ticket.tier = account, source, account.tier
    suggested = suggested_priority(
        source=source, tier=account.tier, severity=ticket.severity or None
    )
    if follows and ticket.priority != suggested:
        event_record(
            ticket=ticket,
            kind=EventKind.PRIORITY,
            by=by,
            now=now,
            from_value=ticket.priority,
            to_value=suggested,
            reason=f"the policy's suggestion for a {account.tier} ticket",
        )
        ticket.priority = suggested
    ticket_save(ticket, now)
    return ticket
