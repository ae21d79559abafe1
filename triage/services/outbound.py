"""Mail we send on a ticket's thread (issue 13): public replies, proactive notices, auto-replies.

Every message goes out from the support address (settings.SUPPORT_EMAIL) with our own
Message-ID (stored without angle brackets), In-Reply-To and References pointing at the latest
message on the ticket's thread, and the ticket's tag "[#123]" in the subject once, so it threads
in the customer's mail client and the answer threads back into the ticket. Each one is stored as
an outbound `Message` with the bytes as sent.

Sending and storing (`thread_send`): the row is written in the caller's transaction and the
mail goes out when it commits, so a rolled-back reply is never sent. Mail is not transactional:
when the send fails after the commit, the row stays (the reply is on the timeline) with a note
saying it was not delivered, and the error is logged; nothing is retried automatically. The
notice outbox needs its own delivery guarantees (claim, send, mark), so it builds with
`thread_message` and stores with `thread_store` only once the send succeeded.

The threading rules (tag, References, the RFC 3834 hour) are pure: `shared.mail_thread`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from email.utils import formatdate, getaddresses, make_msgid

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import connection as db_connection
from django.db import transaction
from django.utils import timezone

from shared import mail_thread
from shared.mail import SUBJECT_MAX, header_text, mail_message, one_address
from triage.models import Direction, Message, MessageKind, MessageSource, Ticket

logger = logging.getLogger(__name__)

SENT_KINDS = (MessageKind.PUBLIC_REPLY, MessageKind.NOTICE, MessageKind.AUTO_REPLY)
# A reply never answers these: they are not the customer's words.
NOT_REPLIED_TO = (MessageKind.BOUNCE, MessageKind.AUTOMATED, MessageKind.QUARANTINED)


@dataclass
class Outgoing:
    """A message built for a ticket's thread: the mail to send and its row, not yet saved."""

    email: EmailMessage
    message: Message
    raw: bytes


def support_address() -> str:
    """Return the support address alone ("support@acme.example"), from settings.SUPPORT_EMAIL."""
    return one_address(settings.SUPPORT_EMAIL).lower()


def thread_latest(ticket: Ticket) -> Message | None:
    """Return the latest message on the ticket's thread that a reply answers, if any."""
    return (
        Message.objects.filter(ticket=ticket)
        .exclude(kind__in=NOT_REPLIED_TO)
        .order_by("-at", "-id")
        .first()
    )


def thread_message(
    *,
    ticket: Ticket,
    kind: str,
    to: str,
    subject: str,
    body: str,
    in_reply_to: Message | None = None,
    now: datetime | None = None,
    connection=None,
) -> Outgoing:
    """Build one message on the ticket's thread and its row (unsaved); raise ValueError for a
    recipient that is not exactly one address or a kind we do not send."""
    if kind not in SENT_KINDS:
        raise ValueError(f"Not a kind of mail we send: {kind!r}")
    now = now or timezone.now()
    recipient = one_address(to)  # checked: exactly one address; sent as given, with its name
    sender = settings.SUPPORT_EMAIL
    parent = in_reply_to if in_reply_to is not None else thread_latest(ticket)
    tag = mail_thread.ticket_tag(ticket.pk)
    subject = mail_thread.subject_tagged(
        header_text(subject, SUBJECT_MAX - len(tag) - 1), ticket.pk
    )
    domain = mail_thread.id_domain(support_address())
    message_id = make_msgid(domain=domain).strip("<>")
    headers = {"Message-ID": f"<{message_id}>", "Date": formatdate(now.timestamp())}
    parent_id = mail_thread.clean_id(parent.message_id) if parent else ""
    references = mail_thread.references_chain(parent.references, parent_id) if parent else []
    if parent_id:
        headers["In-Reply-To"] = f"<{parent_id}>"
    if references:
        headers["References"] = mail_thread.ids_header(references)
    if kind == MessageKind.AUTO_REPLY:
        headers["Auto-Submitted"] = "auto-replied"  # RFC 3834: no auto-reply to this one
    elif kind == MessageKind.NOTICE:
        headers["Auto-Submitted"] = "auto-generated"  # sent by the system, not by a person
    email = mail_message(
        subject=subject,
        body=body,
        to=[str(to).strip()],
        from_email=sender,
        headers=headers,
        connection=connection,
    )
    raw = email.message().as_bytes()
    [(from_name, from_address)] = getaddresses([sender])
    message = Message(
        ticket=ticket,
        direction=Direction.OUTBOUND,
        kind=kind,
        source=MessageSource.APP,
        message_id=message_id,
        in_reply_to=parent_id,
        references=" ".join(references),
        from_address=from_address.lower(),
        from_name=header_text(from_name, 200),
        to=recipient.lower(),  # lower case: the RFC 3834 hour is per address, whatever the case
        subject=email.subject,
        text=email.body,
        at=now,
    )
    return Outgoing(email=email, message=message, raw=raw)


def thread_store(outgoing: Outgoing) -> Message:
    """Save the row of a built message with its raw bytes (Django's storage)."""
    message = outgoing.message
    name = f"{message.message_id.split('@')[0][:80]}.eml"
    message.raw.save(name, ContentFile(outgoing.raw), save=False)
    message.save()
    return message


def auto_reply_recently(address: str, now: datetime) -> bool:
    """Return whether this address had an automatic reply within the last hour (RFC 3834).

    On PostgreSQL, a transaction-scoped advisory lock on the address makes the check and the
    row that follows one step, so two messages from one sender at once get one reply.
    """
    if db_connection.vendor == "postgresql":
        with db_connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"auto-reply:{address}"])
    last = (
        Message.objects.filter(kind=MessageKind.AUTO_REPLY, to=address)
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
    )
    return not mail_thread.auto_reply_allowed(last_auto_reply_at=last, now=now)


def thread_send(
    *,
    ticket: Ticket,
    kind: str,
    to: str,
    subject: str,
    body: str,
    in_reply_to: Message | None = None,
    now: datetime | None = None,
) -> Message | None:
    """Store a message on the ticket's thread and send it when the transaction commits.

    `kind` is a MessageKind we send (public_reply, notice, auto_reply). An auto_reply to an
    address that had one within the last hour is neither stored nor sent: None is returned.
    `now` dates the message (its row and its Date header): the reply it carries, when given.
    """
    now = now or timezone.now()
    with transaction.atomic():
        if kind == MessageKind.AUTO_REPLY and auto_reply_recently(one_address(to).lower(), now):
            logger.info("no automatic reply on ticket #%s: one went out within the hour", ticket.pk)
            return None
        outgoing = thread_message(
            ticket=ticket,
            kind=kind,
            to=to,
            subject=subject,
            body=body,
            in_reply_to=in_reply_to,
            now=now,
        )
        message = thread_store(outgoing)
        transaction.on_commit(lambda: _send_committed(outgoing))
    return message


def _send_committed(outgoing: Outgoing) -> None:
    """Send a stored message; a failure is logged and noted on its row, never raised."""
    message = outgoing.message
    try:
        outgoing.email.send(fail_silently=False)
    except Exception as exc:  # noqa: BLE001 - the reply is stored; say it did not go out
        logger.exception("mail <%s> on ticket #%s not sent", message.message_id, message.ticket_id)
        note = f"Not delivered: {type(exc).__name__}: {exc}"[:2000]
        Message.objects.filter(pk=message.pk).update(note=note)
