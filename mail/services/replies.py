"""A customer's reply by mail: on its ticket's thread, the new text on the timeline (issue 13)."""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import transaction

from mail import threading
from mail.parse import ParsedMail
from shared.mail import mail_send
from shared.mail_thread import ticket_tag
from triage.models import EventKind, Message, MessageKind, Status, Ticket
from triage.selectors.addresses import account_for_address
from triage.services.changes import ticket_set_status
from triage.services.timeline import event_record

logger = logging.getLogger(__name__)
REPLIED = "Customer replied by email"
# Statuses a customer's reply moves back to work that waits on us (the clock resumes).
REOPENED_BY_REPLY = (Status.WAITING_ON_CUSTOMER, Status.RESOLVED)


def thread_ticket(parsed: ParsedMail) -> Ticket | None:
    """Return the ticket this message replies to: by the Message-IDs it answers, else by a
    "[#123]" tag in its subject when the sender belongs to that ticket."""
    ids = threading.thread_ids(in_reply_to=parsed.in_reply_to, references=parsed.references)
    if ids:
        known = dict(
            Message.objects.filter(message_id__in=ids, ticket__isnull=False).values_list(
                "message_id", "ticket_id"
            )
        )
        for message_id in ids:
            if message_id in known:
                return Ticket.objects.get(pk=known[message_id])
    tagged = threading.subject_ticket_id(parsed.subject)
    if tagged is None:
        return None
    ticket = Ticket.objects.select_related("requester").filter(pk=tagged).first()
    if ticket is None or not _belongs_to(ticket, parsed.from_address):
        return None  # a tag is a hint, not a key: strangers can't write into a ticket
    return ticket


def _belongs_to(ticket: Ticket, sender: str) -> bool:
    """Return whether the sender asked this ticket or belongs to its account."""
    if not sender:
        return False
    if sender == (ticket.requester_email or "").lower():
        return True
    if ticket.requester is not None and sender == (ticket.requester.email or "").lower():
        return True
    return ticket.account_id is not None and account_for_address(sender) == ticket.account


def reply_receive(*, message: Message, parsed: ParsedMail, ticket: Ticket, now: datetime) -> str:
    """Put a received reply on its ticket: the new text on the timeline, the ticket back to
    in progress when it waited on the customer (or was resolved), the assignee told."""
    message.ticket = ticket
    message.kind = MessageKind.REPLY
    text = threading.new_text(parsed.text)
    message.text = text
    message.save(update_fields=["ticket", "kind", "text"])
    event_record(
        ticket=ticket,
        kind=EventKind.CUSTOMER_REPLY,
        by=None,
        now=now,
        to_value=parsed.from_address,
        reason=parsed.from_name,
        body=text or "(an empty reply)",
    )
    if ticket.status in REOPENED_BY_REPLY:
        ticket = ticket_set_status(
            ticket=ticket, by=None, status=Status.IN_PROGRESS, reason=REPLIED, now=now
        )
    if ticket.assignee_id and ticket.assignee.email:
        _tell_assignee(ticket, sender=parsed.from_address, text=text)
    return f"reply on ticket #{ticket.pk}"


def _tell_assignee(ticket: Ticket, *, sender: str, text: str) -> None:
    email = ticket.assignee.email
    subject = f"{ticket_tag(ticket.pk)} Customer replied: {ticket.title}"
    body = (
        f"{sender or 'The customer'} replied on ticket #{ticket.pk} "
        f"({ticket.get_status_display()}).\n\n{text[:4000]}\n\nOpen it: {ticket.get_absolute_url()}"
    )
    transaction.on_commit(lambda: _send_quietly(subject=subject, body=body, to=[email]))


def _send_quietly(**message) -> None:
    """Send after the commit; a failure is logged, never raised: the reply is already kept."""
    try:
        mail_send(**message)
    except Exception:  # noqa: BLE001 - a bad assignee address or a mail server away
        logger.exception("the assignee was not told of a customer's reply")
