"""A chunk of mail in one transaction ends as the same mail one message at a time (issue 13).

`receive_many` files plain new cases in a few statements and sends everything else through
`receive`'s path; these tests hold it to the one-by-one result on PostgreSQL, message by
message: kinds, tickets, ranks, due times, clocks, timelines, attachments and the mail sent.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from mail.services import chunk as chunk_module
from mail.services.chunk import receive_many
from mail.services.fetch import mailbox_fetch
from mail.services.intake import receive
from queues.models import LoadEpisode, Notice
from tests.factories import AccountFactory, TicketFactory, UserFactory
from tests.mail import imap
from tests.mail.helpers import corpus, sent
from triage.models import AccountAddress, Message, SlaClock, Status, Ticket, TicketEvent
from triage.selectors.addresses import account_for_address, accounts_for_addresses
from triage.services.changes import ticket_set_status

pytestmark = pytest.mark.usefixtures("postgres")


def _mail(n: int, sender: str, *, subject: str = "", reply_to: str = "") -> bytes:
    threading = f"In-Reply-To: <{reply_to}>\r\nReferences: <{reply_to}>\r\n" if reply_to else ""
    return (
        f"From: Customer {n} <{sender}>\r\nTo: support@example.com\r\n"
        f"Subject: {subject or f'Exports stuck (case {n})'}\r\n"
        f"Date: Tue, 01 Dec 2026 09:{n:02d}:00 +0000\r\nMessage-ID: <chunk-{n}@example.net>\r\n"
        f"{threading}Content-Type: text/plain; charset=utf-8\r\n\r\n"
        f"Hello, case {n} is stuck since this morning.\r\n"
    ).encode()


@pytest.fixture
def world(db):
    """Accounts with domains and a contact, a ticket waiting on Ada, a CE, a message stored."""
    sam = UserFactory(username="sam", role="support", email="sam@example.com")
    UserFactory(username="cara", role="ce", email="cara@example.com")
    for name, tier, domain in [("Initech", "enterprise", "initech.example"),
                               ("Hooli", "free", "hooli.example"),
                               ("Globex", "presales", "globex.example")]:  # fmt: skip
        account = AccountFactory(name=name, tier=tier)
        AccountAddress.objects.create(account=account, kind="domain", value=domain)
    AccountFactory(name="Umbrella", tier="team", contact_email="Ops@Umbrella.example")
    waiting = TicketFactory(tier="team", title="Exports time out since Monday")
    waiting.requester_email, waiting.assignee = "ada.lovelace@gmail.com", sam
    waiting.save(update_fields=["requester_email", "assignee"])
    ticket_set_status(ticket=waiting, by=sam, status=Status.IN_PROGRESS, reason="claimed")
    ticket_set_status(ticket=waiting, by=sam, status=Status.WAITING_ON_CUSTOMER, reason="asked")
    sent(waiting, "notice-1001-a@support.example.com", to="ada.lovelace@gmail.com")
    receive(_mail(90, "ops@initech.example"), source="imap")  # stored before the chunk
    return Ticket.objects.get(pk=waiting.pk)


def _chunk(waiting: Ticket) -> list[bytes]:
    first = _mail(1, "ops@initech.example")
    return [
        first,
        _mail(2, "someone@nowhere.example"),  # an unknown sender
        corpus("gmail-reply"),  # a reply to our notice on the waiting ticket
        _mail(3, "ops@initech.example", reply_to="chunk-1@example.net"),  # answers message 1
        first,  # the same message twice in one chunk
        _mail(4, "pat@globex.example"),  # a pre-sales prospect's domain
        _mail(5, "ops@umbrella.example"),  # an account's contact address
        corpus("ce-presales-incomplete"),  # a CE's request
        corpus("out-of-office"),
        corpus("bounce-dsn"),
        corpus("no-from"),
        corpus("attachments"),
        corpus("outlook-reply", waiting),  # threads on its subject tag
        _mail(6, "ops@hooli.example", subject=f"Still broken [#{waiting.pk}]"),  # a stranger's tag
        corpus("html-only"),
        corpus("malformed-mime"),
        corpus("nested-rfc822"),
        corpus("nul-bytes"),
        corpus("long-subject"),
        corpus("unknown-charset"),
        corpus("garbled-from"),
        _mail(90, "ops@initech.example"),  # already stored
    ]


def _state(outcomes, known_tickets: dict[int, str]) -> dict:
    """Everything the messages did, with ticket ids replaced by the tickets' titles."""
    title = {**known_tickets, **dict(Ticket.objects.values_list("pk", "title"))}
    per_message = []
    for outcome in outcomes:
        message = Message.objects.filter(message_id=outcome.message_id).first()
        per_message.append(
            (
                outcome.kind,
                title.get(outcome.ticket_id),
                outcome.created,
                message and (message.kind, message.text, message.note, message.from_address),
                message and sorted(message.attachments.values_list("filename", "size")),
            )
        )
    tickets = {}
    for t in Ticket.objects.select_related("account").order_by("title", "pk"):
        tickets.setdefault(t.title, []).append(
            (
                t.status, t.source, t.tier, t.priority, t.account and t.account.name,
                t.channel, t.requester_email, t.requester_id, t.description, t.rank_key,
                t.due_at, t.goal_due_at, t.next_update_due_at,
                sorted(SlaClock.objects.filter(ticket=t).values_list(
                    "kind", "started_at", "target_minutes", "contractual", "due_at", "warn_at",
                    "stopped_at")),
                sorted(TicketEvent.objects.filter(ticket=t).values_list(
                    "kind", "to_value", "reason", "body")),
            )
        )  # fmt: skip
    sent_mail = sorted((tuple(m.to), m.subject.split("]")[-1]) for m in mail.outbox)
    return {"messages": per_message, "tickets": tickets, "mail": sent_mail}


def test_a_chunk_ends_exactly_as_its_messages_received_one_by_one(
    world, django_capture_on_commit_callbacks
):
    raws = _chunk(world)
    now = timezone.now()
    before = dict(Ticket.objects.values_list("pk", "title"))

    with transaction.atomic():
        with django_capture_on_commit_callbacks(execute=True):
            one_by_one = _state([receive(r, source="imap", now=now) for r in raws], before)
        transaction.set_rollback(True)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        together = _state(receive_many(raws, source="imap", now=now), before)

    assert together["messages"] == one_by_one["messages"]
    assert together["tickets"] == one_by_one["tickets"]
    assert together["mail"] == one_by_one["mail"]
    kinds = [m[0] for m in together["messages"]]
    assert kinds.count("opened") >= 10 and kinds.count("duplicate") == 2
    assert together["messages"][3][:2] == ("reply", "Exports stuck (case 1)")
    assert together["messages"][4][:2] == ("duplicate", "Exports stuck (case 1)")


def test_a_chunk_of_new_cases_takes_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    raws = [_mail(10 + n, f"ops{n}@initech.example") for n in range(40)]
    with django_assert_max_num_queries(16):
        outcomes = receive_many(raws, source="imap")
    assert {o.kind for o in outcomes} == {"opened"}
    assert Ticket.objects.filter(account__name="Initech", channel="email").count() == 41


def test_tickets_filed_in_a_chunk_during_a_backed_up_episode_get_their_notices(
    world, django_capture_on_commit_callbacks
):
    LoadEpisode.objects.create(
        started_at=timezone.now() - timedelta(minutes=5), level=5, state="backed_up", peak_level=5
    )
    raws = [_mail(20 + n, f"ops{n}@initech.example") for n in range(5)]
    with django_capture_on_commit_callbacks(execute=True):
        outcomes = receive_many(raws, source="imap")
    noticed = set(Notice.objects.values_list("ticket_id", flat=True))
    assert {o.ticket_id for o in outcomes} <= noticed


def test_a_chunk_that_fails_as_a_whole_is_received_one_by_one(world, imap_box, monkeypatch):
    """A racing delivery of one of its messages fails the chunk's insert: nothing of the chunk
    is half-kept, and the fetcher receives each message on its own."""
    raws = [_mail(30 + n, f"ops{n}@initech.example") for n in range(6)]
    imap.deliver(imap_box, raws)
    real = chunk_module.tickets_file_many

    def racing(tickets, **kwargs):
        real(tickets, **kwargs)
        raise IntegrityError('duplicate key value violates "message_id_unique"')

    monkeypatch.setattr(chunk_module, "tickets_file_many", racing)
    result = mailbox_fetch(imap_box, batch=10, chunk=3)

    assert (result.fetched, result.created, result.tickets, result.failed) == (6, 6, 6, 0)
    assert Ticket.objects.filter(title__startswith="Exports stuck (case 3").count() == 6
    assert Message.objects.filter(message_id__startswith="chunk-3").count() == 6
    assert imap.counts(imap_box) == (6, 0)


@pytest.mark.parametrize(
    "sender",
    [
        "ops@initech.example",
        "OPS@EU.Initech.example",  # a parent domain, case-insensitively
        "ops@umbrella.example",  # a contact address
        "x@globex.example",
        "nobody@nowhere.example",
        "not an address",
        "",
    ],
)
def test_many_senders_map_as_each_one_does(world, sender):
    exact = AccountFactory(name="Initech EU", tier="team")
    AccountAddress.objects.create(account=exact, kind="address", value="ops@eu.initech.example")
    removed = AccountFactory(name="Gone", tier="team")
    AccountAddress.objects.create(
        account=removed, kind="domain", value="nowhere.example", removed_at=timezone.now()
    )
    others = ["ops@initech.example", "a@hooli.example", "ops@eu.initech.example"]
    assert accounts_for_addresses([sender, *others])[sender] == account_for_address(sender)


def test_a_message_received_again_after_a_failure_keeps_one_raw_file(world, media_root):
    raw = _mail(40, "ops@initech.example")
    with pytest.raises(RuntimeError), transaction.atomic():
        receive_many([raw, _mail(41, "ops@initech.example")], source="imap")
        raise RuntimeError("the chunk failed after its files were written")
    receive(raw, source="imap")
    files = [p for p in media_root.rglob("*.eml")]
    stored = Message.objects.get(message_id="chunk-40@example.net").raw
    assert stored.read() == raw
    assert sum(1 for p in files if p.read_bytes() == raw) == 1
