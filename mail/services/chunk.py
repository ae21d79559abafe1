"""Many received messages in one transaction: the IMAP drain's fast path (issue 13).

A backlog is mostly new cases from senders we know. `receive_many` takes a chunk of fetched
messages in one transaction. It checks their Message-IDs in one query, looks each sender up
once, and files the new tickets with their clock rows, "created" events and message rows in a
few statements, through the code that files one ticket (`triage.services.intake.ticket_new` and
`tickets_file_many`; `mail.services.routing.ticket_fields` says what a mail's ticket holds).

Every other message goes through `receive_parsed` one by one, in the order received, after the
new tickets and in the same transaction: a reply (it may answer a message of this very chunk),
a ticket tag in the subject, a CE's request, automated mail or a bounce, mail without a From, a
title the ticket checks refuse. So the chunk ends exactly as receiving its messages one at a
time would. If the chunk fails as a whole (a racing delivery of one of its messages, say),
nothing of it is kept and the caller receives its messages one by one.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone

from mail import loops, threading
from mail.parse import ParsedMail, parse_message
from mail.services.attachments import attachments_save
from mail.services.intake import DUPLICATE, Outcome, message_new, receive_parsed
from mail.services.routing import ce_users, opened, own_addresses, ticket_fields
from triage.models import Message, MessageKind, Ticket
from triage.selectors.addresses import accounts_for_addresses
from triage.selectors.sla import sla_book
from triage.services.intake import ticket_new, tickets_file_many


def receive_many(
    raws: Sequence[bytes], *, source: str, now: datetime | None = None
) -> list[Outcome]:
    """Take a chunk of received messages through the pipeline in one commit; return one
    outcome per message, in order. Raises when the chunk as a whole could not be kept."""
    now = now or timezone.now()
    parsed = [parse_message(raw) for raw in raws]
    with transaction.atomic():
        return _Chunk(list(raws), parsed, source=source, now=now).receive()


class _Chunk:
    def __init__(self, raws: list[bytes], parsed: list[ParsedMail], *, source: str, now):
        self.raws, self.parsed, self.source, self.now = raws, parsed, source, now
        self.outcomes: list[Outcome | None] = [None] * len(raws)

    def receive(self) -> list[Outcome]:
        first: dict[str, int] = {}  # Message-ID -> the chunk's first message with it
        stored = dict(
            Message.objects.filter(message_id__in={p.message_id for p in self.parsed}).values_list(
                "message_id", "ticket_id"
            )
        )
        fresh = []
        for i, parsed in enumerate(self.parsed):
            if parsed.message_id in stored:
                self.outcomes[i] = _duplicate(parsed.message_id, stored[parsed.message_id])
            elif parsed.message_id not in first:
                first[parsed.message_id] = i
                fresh.append(i)
        plain, others = self._sort(fresh, chunk_ids=set(first))
        self._open_tickets(plain)
        for i in others:
            self.outcomes[i] = receive_parsed(
                self.raws[i], self.parsed[i], source=self.source, now=self.now
            )
        for i, parsed in enumerate(self.parsed):  # a message twice in one chunk
            if self.outcomes[i] is None:
                original = self.outcomes[first[parsed.message_id]]
                self.outcomes[i] = _duplicate(parsed.message_id, original.ticket_id)
        return self.outcomes

    def _sort(self, fresh: list[int], *, chunk_ids: set[str]) -> tuple[list, list[int]]:
        """Split new messages into plain new cases (index, unsaved ticket) and the rest."""
        answered = {
            i: threading.thread_ids(
                in_reply_to=self.parsed[i].in_reply_to, references=self.parsed[i].references
            )
            for i in fresh
        }
        known = set(
            Message.objects.filter(
                message_id__in={m for ids in answered.values() for m in ids}, ticket__isnull=False
            ).values_list("message_id", flat=True)
        )
        known |= chunk_ids
        ces = set(ce_users().annotate(lower=Lower("email")).values_list("lower", flat=True))
        own = own_addresses()
        candidates = [
            i
            for i in fresh
            if self.parsed[i].from_address
            and self.parsed[i].from_address not in ces
            and not known.intersection(answered[i])
            and threading.subject_ticket_id(self.parsed[i].subject) is None
            and not loops.automated_reason(self.parsed[i], own_addresses=own)
        ]
        accounts = accounts_for_addresses({self.parsed[i].from_address for i in candidates})
        chosen = set(candidates)
        plain, others = [], [i for i in fresh if i not in chosen]
        for i in candidates:
            fields = ticket_fields(self.parsed[i], account=accounts[self.parsed[i].from_address])
            try:
                plain.append((i, ticket_new(**fields, by=None, now=self.now)))
            except ValidationError:
                others.append(i)  # the one-by-one path keeps it (quarantined, with why)
        return plain, sorted(others)

    def _open_tickets(self, plain: list[tuple[int, Ticket]]) -> None:
        if not plain:
            return
        tickets = tickets_file_many([t for _, t in plain], book=sla_book(self.now), now=self.now)
        messages = []
        for (i, _), ticket in zip(plain, tickets, strict=True):
            message = message_new(self.parsed[i], self.raws[i], source=self.source, now=self.now)
            message.ticket, message.kind = ticket, MessageKind.OPENED
            messages.append(message)
        Message.objects.bulk_create(messages)
        for (i, _), message in zip(plain, messages, strict=True):
            if self.parsed[i].attachments:
                attachments_save(message=message, parsed=self.parsed[i], now=self.now)
            self.outcomes[i] = Outcome(
                message_id=message.message_id,
                kind=message.kind,
                ticket_id=message.ticket_id,
                created=True,
                note=opened(message.ticket),
            )


def _duplicate(message_id: str, ticket_id: int | None) -> Outcome:
    return Outcome(message_id=message_id, kind=DUPLICATE, ticket_id=ticket_id, created=False)
