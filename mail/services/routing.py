"""Where a received message goes: a new ticket, a reply on its thread, a bounce, or no ticket.

The order matters: a message nobody can be named for is quarantined; a delivery report about
our own mail is a bounce on its ticket; other automated mail makes nothing (no loops); a reply
joins its thread; a CE's mail is a pre-sales request; anything else opens a ticket.
"""

from __future__ import annotations

from datetime import datetime
from email.utils import parseaddr

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import QuerySet

from mail import loops
from mail.parse import ParsedMail
from mail.services.attachments import attachments_save
from mail.services.presales import presales_from_mail
from mail.services.replies import reply_receive, thread_ticket
from shared import roles
from shared.text import scrub_line, scrub_text
from triage.models import (
    Account,
    Channel,
    Direction,
    EventKind,
    Message,
    MessageKind,
    Source,
    Status,
    Ticket,
)
from triage.selectors.addresses import account_for_address
from triage.services.intake import ticket_create
from triage.services.outbound import support_address
from triage.services.timeline import event_record

TITLE_MAX = 200
DESCRIPTION_MAX = 20_000


def own_addresses() -> list[str]:
    """Return our own addresses: mail from them is ours coming back, never a ticket."""
    return [support_address(), parseaddr(settings.DEFAULT_FROM_EMAIL or "")[1]]


def route(message: Message, parsed: ParsedMail, *, now: datetime, release: bool = False) -> str:
    """Give the stored message its kind and ticket; return a note on what happened.

    `release` is leadership releasing a quarantined message: it becomes a ticket with what
    could be read, whatever kept it out.
    """
    if not parsed.from_address and not release:
        return _no_ticket(
            message, MessageKind.QUARANTINED, "no readable From address: nobody to answer"
        )
    automated = loops.automated_reason(parsed, own_addresses=own_addresses())
    if automated and (bounced := _bounced_ticket(parsed)) is not None:
        return _bounce(message, parsed, bounced, now=now)
    if automated and not release:
        return _no_ticket(message, MessageKind.AUTOMATED, f"automated mail: {automated}")
    ticket = thread_ticket(parsed)
    follow_up = ticket if ticket is not None and ticket.status == Status.CLOSED else None
    if ticket is not None and follow_up is None:
        note = reply_receive(message=message, parsed=parsed, ticket=ticket, now=now)
        attachments_save(message=message, parsed=parsed, now=now)
        return note
    ce = _ce_user(parsed.from_address)
    if ce is not None and not release:
        note = presales_from_mail(message=message, parsed=parsed, ce=ce, now=now)
    else:
        note = _open_ticket(message, parsed, now=now, follow_up=follow_up)
    attachments_save(message=message, parsed=parsed, now=now)
    return note


def _no_ticket(message: Message, kind: str, reason: str) -> str:
    message.kind = kind
    message.note = "; ".join(n for n in (reason, message.note) if n)
    message.save(update_fields=["kind", "note"])
    return reason


def _bounced_ticket(parsed: ParsedMail) -> Ticket | None:
    """Return the ticket of our own message this delivery report or auto-reply is about."""
    ids = [parsed.bounced_message_id] if parsed.bounced_message_id else []
    if parsed.is_delivery_report:
        ids += [parsed.in_reply_to, *parsed.references]
    ids = [i for i in ids if i]
    if not ids:
        return None
    sent = (
        Message.objects.filter(
            message_id__in=ids, direction=Direction.OUTBOUND, ticket__isnull=False
        )
        .select_related("ticket")
        .first()
    )
    return sent.ticket if sent else None


def _bounce(message: Message, parsed: ParsedMail, ticket: Ticket, *, now: datetime) -> str:
    message.kind = MessageKind.BOUNCE
    message.ticket = ticket
    message.save(update_fields=["kind", "ticket"])
    event_record(
        ticket=ticket,
        kind=EventKind.BOUNCE,
        by=None,
        now=now,
        to_value=scrub_line(parsed.from_address, 200),
        reason="Our mail on this ticket could not be delivered: " + (parsed.subject or "")[:200],
        body=parsed.text[:4000],
    )
    return f"bounce of our mail on ticket #{ticket.pk}"


def _ce_user(address: str) -> User | None:
    if not address:
        return None
    return ce_users().filter(email__iexact=address).order_by("id").first()


def ce_users() -> QuerySet[User]:
    """Return the active CEs: their mail is a pre-sales request, not a customer's ticket."""
    return User.objects.filter(is_active=True, groups__name=roles.CE)


def _open_ticket(
    message: Message, parsed: ParsedMail, *, now: datetime, follow_up: Ticket | None = None
) -> str:
    """Open a ticket for the sender's account (none when unknown: support picks it at triage).

    A reply to a closed ticket (closed is final) opens a new one that names it.
    """
    fields = ticket_fields(
        parsed, account=account_for_address(parsed.from_address), follow_up=follow_up
    )
    ticket = ticket_create(**fields, by=None, now=now)
    message.ticket = ticket
    message.kind = MessageKind.OPENED
    message.save(update_fields=["ticket", "kind"])
    return opened(ticket)


def ticket_fields(
    parsed: ParsedMail, *, account: Account | None, follow_up: Ticket | None = None
) -> dict:
    """Return what a ticket opened by this mail is filed with (`ticket_create`'s arguments),
    given the account its sender maps to."""
    source = Source.CUSTOMER
    if account is not None and account.tier == "presales":
        source = Source.PRESALES
    elif account is not None and account.tier == "internal":
        account = None  # internal work has no account; a customer sender then is unknown
    return {
        "title": scrub_line(parsed.subject, TITLE_MAX) or "(no subject)",
        "description": (
            (f"Follow-up to closed ticket #{follow_up.pk}.\n\n" if follow_up else "")
            + scrub_text(parsed.text)
        )[:DESCRIPTION_MAX],
        "source": source,
        "account": account,
        "channel": Channel.EMAIL,
        "requester_email": parsed.from_address if _valid_email(parsed.from_address) else "",
    }


def opened(ticket: Ticket) -> str:
    return f"opened ticket #{ticket.pk}"


def _valid_email(address: str) -> bool:
    try:
        validate_email(address)
    except ValidationError:
        return False
    return len(address) <= 254
