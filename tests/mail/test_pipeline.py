"""The corpus through `receive` on PostgreSQL: tickets, timelines and the mail sent (issue 13)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core import mail

from mail.services.intake import receive
from presales.models import PresalesRequest
from tests.factories import AccountFactory, TicketFactory, UserFactory
from tests.mail.helpers import corpus, sent
from triage.models import (
    AccountAddress,
    Attachment,
    EventKind,
    Message,
    MessageKind,
    Status,
    Ticket,
    TicketEvent,
    TicketPause,
)
from triage.services.changes import ticket_set_status

pytestmark = pytest.mark.usefixtures("postgres")


@pytest.fixture
def waiting_ticket(db):
    """Ada's ticket, assigned to sam, waiting on her answer to our notice."""
    sam = UserFactory(username="sam", role="support", email="sam@example.com")
    ticket = TicketFactory(tier="team", title="Exports time out since Monday")
    ticket.requester_email = "ada.lovelace@gmail.com"
    ticket.assignee = sam
    ticket.save(update_fields=["requester_email", "assignee"])
    ticket_set_status(ticket=ticket, by=sam, status=Status.IN_PROGRESS, reason="claimed")
    ticket_set_status(ticket=ticket, by=sam, status=Status.WAITING_ON_CUSTOMER, reason="asked")
    sent(ticket, "notice-1001-a@support.example.com", to="ada.lovelace@gmail.com")
    return Ticket.objects.get(pk=ticket.pk)


def test_a_gmail_reply_resumes_the_ticket_with_its_new_text_and_tells_the_assignee(
    waiting_ticket, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        outcome = receive(corpus("gmail-reply"), source="imap")
    assert (outcome.kind, outcome.ticket_id, outcome.created) == (
        MessageKind.REPLY,
        waiting_ticket.pk,
        True,
    )
    ticket = Ticket.objects.get(pk=waiting_ticket.pk)
    assert ticket.status == Status.IN_PROGRESS
    reply = TicketEvent.objects.get(ticket=ticket, kind=EventKind.CUSTOMER_REPLY)
    assert "The full year still times out after 5 minutes." in reply.body
    assert "Could you try exporting" not in reply.body  # the quote is gone
    assert reply.to_value == "ada.lovelace@gmail.com" and reply.actor is None
    moved = TicketEvent.objects.filter(ticket=ticket, kind=EventKind.STATUS).last()
    assert (moved.from_value, moved.to_value, moved.actor) == (
        "waiting_on_customer",
        "in_progress",
        None,
    )
    assert moved.reason == "Customer replied by email"
    pause = TicketPause.objects.get(ticket=ticket)
    assert pause.ended_at is not None  # the clock runs again
    assert [m.to for m in mail.outbox] == [["sam@example.com"]]
    assert f"[#{ticket.pk}] Customer replied" in mail.outbox[0].subject
    assert "The full year still times out" in mail.outbox[0].body
    assert Message.objects.get(message_id=outcome.message_id).ticket_id == ticket.pk


def test_an_apple_mail_reply_threads_on_references(waiting_ticket):
    sent(waiting_ticket, "notice-1001-b@support.example.com")
    outcome = receive(corpus("apple-mail-reply"), source="pipe")
    assert (outcome.kind, outcome.ticket_id) == (MessageKind.REPLY, waiting_ticket.pk)
    body = TicketEvent.objects.get(kind=EventKind.CUSTOMER_REPLY).body
    assert body.startswith("Still failing here — the export of December stops at 80 %.")
    assert "which month fails" not in body


def test_an_outlook_reply_without_thread_headers_threads_on_the_subject_tag(db):
    ticket = TicketFactory(tier="enterprise", title="Exports time out since Monday")
    ticket.requester_email = "grace.hopper@initech.example"
    ticket.save(update_fields=["requester_email"])
    outcome = receive(corpus("outlook-reply", ticket), source="imap")
    assert (outcome.kind, outcome.ticket_id) == (MessageKind.REPLY, ticket.pk)
    body = TicketEvent.objects.get(kind=EventKind.CUSTOMER_REPLY).body
    assert "You can close this one." in body and "Could you clear" not in body
    assert Ticket.objects.get(pk=ticket.pk).status == Status.NEW  # only waiting work moves


def test_a_stranger_quoting_a_ticket_tag_opens_a_ticket_of_their_own(db):
    ticket = TicketFactory(tier="enterprise", title="Someone else's ticket")
    outcome = receive(corpus("outlook-reply", ticket), source="imap")
    assert outcome.kind == MessageKind.OPENED and outcome.ticket_id != ticket.pk
    assert not TicketEvent.objects.filter(ticket=ticket, kind=EventKind.CUSTOMER_REPLY).exists()


def test_a_reply_to_a_closed_ticket_opens_a_new_one(waiting_ticket):
    ticket_set_status(ticket=waiting_ticket, by=None, status=Status.CLOSED, reason="done")
    outcome = receive(corpus("gmail-reply"), source="imap")
    assert outcome.kind == MessageKind.OPENED and outcome.ticket_id != waiting_ticket.pk
    new = Ticket.objects.get(pk=outcome.ticket_id)
    assert f"Follow-up to closed ticket #{waiting_ticket.pk}" in new.description


def test_unknown_sender_opens_an_email_ticket_without_account_ranked_free(db):
    outcome = receive(corpus("html-only"), source="webhook")
    ticket = Ticket.objects.get(pk=outcome.ticket_id)
    assert (ticket.channel, ticket.source, ticket.account, ticket.tier) == (
        "email",
        "customer",
        None,
        "free",
    )
    assert ticket.priority == "p3"  # R3: a free p2 ask
    assert ticket.requester_email == "marie@unknown-lab.example"
    assert ticket.title == "Dashboard shows “error 500”"
    assert "Our dashboard shows error 500 since this morning." in ticket.description
    message = Message.objects.get(pk__isnull=False, message_id=outcome.message_id)
    assert "<script" not in message.html and "onload" not in message.html


def test_a_known_domain_opens_a_ticket_for_its_account(db):
    initech = AccountFactory(name="Initech", tier="enterprise")
    AccountAddress.objects.create(account=initech, kind="domain", value="initech.example")
    outcome = receive(corpus("nested-rfc822"), source="imap")
    ticket = Ticket.objects.get(pk=outcome.ticket_id)
    assert (ticket.account, ticket.tier, ticket.source) == (initech, "enterprise", "customer")
    assert ticket.requester_email == "grace.hopper@initech.example"
    assert 'What is the "overage" line' in ticket.description
    assert [a.filename for a in Attachment.objects.all()] == ["invoice-question.eml"]


def test_an_exact_address_wins_over_the_domain(db):
    initech = AccountFactory(name="Initech", tier="enterprise")
    subsidiary = AccountFactory(name="Initech Labs", tier="team")
    AccountAddress.objects.create(account=initech, kind="domain", value="initech.example")
    AccountAddress.objects.create(
        account=subsidiary, kind="address", value="grace.hopper@initech.example"
    )
    outcome = receive(corpus("nested-rfc822"), source="imap")
    assert Ticket.objects.get(pk=outcome.ticket_id).account == subsidiary


def test_attachments_are_saved_and_listed(db):
    outcome = receive(corpus("attachments"), source="imap")
    rows = list(Attachment.objects.filter(message__ticket_id=outcome.ticket_id))
    assert [(a.filename, a.content_type, a.size) for a in rows][:2] == [
        ("screenshot.png", "image/png", 70),
        ("crash.log", "text/plain", 91),
    ]
    assert rows[0].file.read().startswith(b"\x89PNG")
    assert "/" not in rows[2].file.name.rsplit("attachments/", 1)[1].split("/", 3)[-1]


def test_a_part_over_the_limit_is_dropped_with_a_note_and_the_message_kept(db, settings):
    settings.MAIL_ATTACHMENT_MAX = 80
    settings.MAIL_MESSAGE_ATTACHMENTS_MAX = 100
    outcome = receive(corpus("attachments"), source="imap")
    assert [a.filename for a in Attachment.objects.all()] == ["screenshot.png"]
    note = TicketEvent.objects.get(ticket_id=outcome.ticket_id, kind=EventKind.MAIL).reason
    assert "crash.log (1 KiB: the message's files would pass 1 KiB)" not in note  # sizes shown
    assert "crash.log" in note and "passwd" not in note.split("crash.log")[0]
    assert Message.objects.get(message_id=outcome.message_id).raw.size > 0


@pytest.mark.parametrize("name", ["out-of-office", "mailing-list"])
def test_automated_mail_makes_no_ticket_and_gets_no_answer(waiting_ticket, name):
    before = TicketEvent.objects.count()
    outcome = receive(corpus(name), source="imap")
    assert (outcome.kind, outcome.ticket_id) == (MessageKind.AUTOMATED, None)
    assert Ticket.objects.count() == 1 and TicketEvent.objects.count() == before
    assert mail.outbox == []
    assert Message.objects.get(message_id=outcome.message_id).note.startswith("automated mail:")


def test_mail_from_our_own_address_is_never_a_ticket(db, settings):
    settings.SUPPORT_EMAIL = "Support <ada.lovelace@gmail.com>"
    outcome = receive(corpus("attachments"), source="imap")
    assert outcome.kind == MessageKind.AUTOMATED and Ticket.objects.count() == 0


def test_a_bounce_of_our_mail_is_recorded_on_its_ticket(waiting_ticket):
    sent(waiting_ticket, "notice-1001-c@support.example.com", to="gone@initech.example")
    outcome = receive(corpus("bounce-dsn"), source="imap")
    assert (outcome.kind, outcome.ticket_id) == (MessageKind.BOUNCE, waiting_ticket.pk)
    event = TicketEvent.objects.get(ticket=waiting_ticket, kind=EventKind.BOUNCE)
    assert "User unknown" in event.body
    assert Ticket.objects.get(pk=waiting_ticket.pk).status == Status.WAITING_ON_CUSTOMER
    assert mail.outbox == []


def test_a_bounce_of_mail_we_never_sent_is_only_automated(db):
    outcome = receive(corpus("bounce-dsn"), source="imap")
    assert (outcome.kind, outcome.ticket_id) == (MessageKind.AUTOMATED, None)


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("malformed-mime", "The report is attached."),
        ("unknown-charset", "The sync job fails with"),
        ("long-subject", "A subject of ten thousand characters."),
        ("nul-bytes", "Body with a NULbyte and"),
        ("nested-rfc822", "Forwarding this from finance"),
    ],
)
def test_bad_input_becomes_a_ticket_with_what_could_be_read(db, name, text):
    outcome = receive(corpus(name), source="pipe")
    assert outcome.kind == MessageKind.OPENED
    ticket = Ticket.objects.get(pk=outcome.ticket_id)
    assert text in ticket.description
    assert 0 < len(ticket.title) <= 200 and "\x00" not in ticket.title + ticket.description
    assert Message.objects.get(message_id=outcome.message_id).raw.read() == corpus(name)


@pytest.mark.parametrize("name", ["no-from", "garbled-from"])
def test_a_message_without_a_readable_sender_is_quarantined_with_its_raw_kept(db, name):
    outcome = receive(corpus(name), source="pipe")
    assert (outcome.kind, outcome.ticket_id) == (MessageKind.QUARANTINED, None)
    message = Message.objects.get(message_id=outcome.message_id)
    assert "no readable From address" in message.note
    assert message.raw.read() == corpus(name)
    assert Ticket.objects.count() == 0
    assert not receive(corpus(name), source="imap").created  # and it stays one message


@pytest.fixture
def cara(db):
    return UserFactory(username="cara", role="ce", email="cara@example.com")


def test_a_ce_mail_with_every_field_is_a_complete_presales_request(cara):
    outcome = receive(corpus("ce-presales"), source="imap")
    request = PresalesRequest.objects.get(pk=outcome.ticket_id)
    assert not request.incomplete and request.missing_fields == []
    assert request.account.name == "Globex" and request.account.tier == "presales"
    assert request.summary == "SSO login loops back to the sign-in page"
    assert request.impact_scope == "blocking_all"
    assert request.design_doc_links == ["https://docs.globex.example/sso-design"]
    assert request.key_dates_text == "decision 2026-12-15"
    ticket = request.ticket
    assert (ticket.source, ticket.channel, ticket.requester, ticket.tier) == (
        "presales",
        "email",
        cara,
        "presales",
    )
    assert mail.outbox == []


def test_a_ce_mail_missing_fields_is_filed_incomplete_and_asks_once(
    cara, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        outcome = receive(corpus("ce-presales-incomplete"), source="imap")
    request = PresalesRequest.objects.get(pk=outcome.ticket_id)
    assert request.incomplete
    assert request.missing_fields == ["attempted_and_expected", "sales_context", "steps_taken"]
    assert request.summary == "Umbrella can't import their data"  # from the subject
    assert request.key_dates_text == "end of the quarter"
    assert request.ticket.is_open  # it still enters the queue
    assert len(mail.outbox) == 1
    asked = mail.outbox[0]
    assert asked.to == ["cara@example.com"]
    assert asked.extra_headers["Auto-Submitted"] == "auto-replied"
    lines = [line for line in asked.body.splitlines() if line.startswith("- ")]
    assert [line.split(":")[0] for line in lines] == [
        "- Attempted and expected",
        "- Steps taken",
        "- Sales stage",
    ]
    assert f"http://127.0.0.1:8000/presales/requests/{request.pk}/complete/" in asked.body
    assert asked.extra_headers["In-Reply-To"] == "<ce-request-2@example.com>"
    assert f"[#{request.pk}]" in asked.subject
    stored = Message.objects.get(kind=MessageKind.AUTO_REPLY)
    assert (stored.ticket_id, stored.to) == (request.pk, "cara@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        again = receive(corpus("ce-presales-incomplete"), source="imap")
    assert not again.created and len(mail.outbox) == 1


def test_a_ce_gets_at_most_one_automatic_reply_an_hour(cara, django_capture_on_commit_callbacks):
    second = corpus("ce-presales-incomplete").replace(b"ce-request-2@", b"ce-request-3@")
    with django_capture_on_commit_callbacks(execute=True):
        receive(corpus("ce-presales-incomplete"), source="imap")
        outcome = receive(second, source="imap")
    assert PresalesRequest.objects.get(pk=outcome.ticket_id).incomplete  # filed all the same
    assert len(mail.outbox) == 1  # RFC 3834: one automatic reply per sender per hour


def test_an_assignee_mail_that_cannot_go_out_never_loses_the_reply(
    waiting_ticket, django_capture_on_commit_callbacks
):
    User.objects.filter(pk=waiting_ticket.assignee_id).update(email="sam@")  # not an address
    with django_capture_on_commit_callbacks(execute=True):
        outcome = receive(corpus("gmail-reply"), source="imap")
    assert outcome.kind == MessageKind.REPLY and mail.outbox == []
    assert Ticket.objects.get(pk=waiting_ticket.pk).status == Status.IN_PROGRESS
