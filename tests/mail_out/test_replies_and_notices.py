"""Public replies and proactive notices go out on the ticket's thread (issue 13, point 5).

Received by a real SMTP server (aiosmtpd on 127.0.0.1): from the support address, with our
Message-ID as stored, In-Reply-To/References pointing at the customer's message, the tag once.
"""

from __future__ import annotations

import time
from datetime import UTC, timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from queues import services as queues
from queues.models import LoadEpisode, Notice, NoticeStatus
from tests.conftest import wait_for
from tests.factories import TicketFactory, UserFactory
from tests.hostile import CRLF_BCC, MESSAGE_HEADERS, assert_mail_inert, parse_message
from tests.mail_out.test_outbound import customer_message, ids
from triage import services as triage
from triage.models import Message, MessageKind, Ticket

THREAD_HEADERS = MESSAGE_HEADERS


def with_addresses(ticket, *, requester="", contact=""):
    Ticket.objects.filter(pk=ticket.pk).update(requester_email=requester)
    type(ticket.account).objects.filter(pk=ticket.account_id).update(contact_email=contact)
    return Ticket.objects.select_related("account").get(pk=ticket.pk)


def reply(ticket, capture, *, public=True, body="We found the cause: a full disk."):
    sam = UserFactory(username=f"sam{ticket.pk}", role="support")
    with capture(execute=True):
        triage.ticket_reply(ticket=ticket, by=sam, body=body, public=public, first_response=False)


@pytest.mark.django_db
def test_a_public_reply_goes_to_the_customer_on_the_thread(
    smtp_server, django_capture_on_commit_callbacks
):
    ticket = with_addresses(
        TicketFactory(title="Exports fail"),
        requester="ops@customer.example",
        contact="boss@customer.example",
    )
    first = customer_message(ticket)
    reply(ticket, django_capture_on_commit_callbacks)
    [(envelope, raw)] = smtp_server.received
    message = assert_mail_inert(
        raw, to=["ops@customer.example"], envelope=envelope, allowed=THREAD_HEADERS
    )
    [stored] = Message.objects.filter(kind=MessageKind.PUBLIC_REPLY)
    assert [a.addr_spec for a in message["from"].addresses] == ["support@support.example"]
    assert str(message["message-id"]) == f"<{stored.message_id}>"
    assert ids(message["in-reply-to"]) == ids(message["references"]) == [first.message_id]
    assert str(message["subject"]) == f"Re: [#{ticket.pk}] Exports fail"
    assert "a full disk" in message.get_content()
    assert "auto-submitted" not in message  # a person wrote it
    assert stored.ticket_id == ticket.pk
    assert stored.text.strip() == "We found the cause: a full disk."


@pytest.mark.django_db
def test_a_reply_recorded_for_an_earlier_time_is_mailed_and_threaded_at_that_time(
    smtp_server, django_capture_on_commit_callbacks
):
    """The thread and the timeline date a reply alike (the demo records its day's replies at
    the hours they happened; the mail said "just now" while the timeline said hours ago)."""
    from email.utils import parsedate_to_datetime

    from triage.models import EventKind

    ticket = with_addresses(TicketFactory(), requester="ops@customer.example")
    sam = UserFactory(username="sam-earlier", role="support")
    earlier = (timezone.now() - timedelta(hours=3)).replace(microsecond=0)
    with django_capture_on_commit_callbacks(execute=True):
        event = triage.ticket_reply(
            ticket=ticket, by=sam, body="Update: fixed.", public=True, first_response=False,
            now=earlier,
        )  # fmt: skip
    [stored] = Message.objects.filter(kind=MessageKind.PUBLIC_REPLY)
    assert event.kind == EventKind.REPLY and event.at == stored.at == earlier
    [(_, raw)] = smtp_server.received
    sent = parsedate_to_datetime(str(parse_message(raw)["date"]))  # "-0000": UTC, naive
    assert sent.replace(tzinfo=UTC) == earlier


@pytest.mark.django_db
def test_without_the_customers_address_the_accounts_contact_gets_the_reply(
    smtp_server, django_capture_on_commit_callbacks
):
    ticket = with_addresses(TicketFactory(), contact="boss@customer.example")
    reply(ticket, django_capture_on_commit_callbacks)
    [(envelope, raw)] = smtp_server.received
    assert envelope == ["boss@customer.example"]
    message = parse_message(raw)
    assert "in-reply-to" not in message  # nothing to answer yet: a thread starts here
    assert str(message["subject"]).startswith(f"Re: [#{ticket.pk}] ")


@pytest.mark.django_db
def test_notes_and_tickets_without_an_address_send_nothing(
    smtp_server, django_capture_on_commit_callbacks
):
    ticket = with_addresses(TicketFactory(), contact="boss@customer.example")
    reply(ticket, django_capture_on_commit_callbacks, public=False)  # an internal note
    nobody = with_addresses(TicketFactory())
    reply(nobody, django_capture_on_commit_callbacks)
    assert smtp_server.received == [] and not Message.objects.exists()


@pytest.mark.django_db
def test_a_title_with_a_line_break_adds_no_header_to_a_reply(
    smtp_server, django_capture_on_commit_callbacks
):
    ticket = with_addresses(TicketFactory(), requester="ops@customer.example")
    Ticket.objects.filter(pk=ticket.pk).update(title=CRLF_BCC)  # as it may be stored
    ticket.refresh_from_db()
    reply(ticket, django_capture_on_commit_callbacks, body=f"Hello {CRLF_BCC}")
    [(envelope, raw)] = smtp_server.received
    message = assert_mail_inert(
        raw, to=["ops@customer.example"], envelope=envelope, allowed=THREAD_HEADERS
    )
    assert str(message["subject"]).count(f"[#{ticket.pk}]") == 1


def decide_notice(ticket, now):
    episode = LoadEpisode.objects.create(started_at=now, level=5, state="backed_up", peak_level=5)
    with transaction.atomic():
        queues.notices_decide(
            episode=episode, now=now, arrival_at=now + timedelta(hours=4), ticket_ids=[ticket.pk]
        )
    return Notice.objects.get(ticket=ticket, episode=episode)


@pytest.mark.django_db
def test_a_notice_is_sent_once_on_the_thread(smtp_server):
    now = timezone.now()
    ticket = with_addresses(TicketFactory(title="Exports fail"), requester="ops@customer.example")
    first = customer_message(ticket)
    notice = decide_notice(ticket, now)  # in the `db` fixture on_commit never runs: no task
    for _ in range(2):  # a redelivered task finds the row sent
        queues.notices_deliver(ids=[notice.pk], now=now)
    [(envelope, raw)] = smtp_server.received
    message = assert_mail_inert(
        raw, to=["ops@customer.example"], envelope=envelope, allowed=THREAD_HEADERS
    )
    [stored] = Message.objects.filter(kind=MessageKind.NOTICE)
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.SENT and notice.subject == str(message["subject"])
    assert str(message["message-id"]) == f"<{stored.message_id}>"
    assert ids(message["in-reply-to"]) == [first.message_id]
    assert str(message["subject"]).count(f"[#{ticket.pk}]") == 1
    assert [a.addr_spec for a in message["from"].addresses] == ["support@support.example"]
    assert str(message["auto-submitted"]) == "auto-generated"  # RFC 3834: no auto-reply to it


@pytest.mark.postgres
def test_the_worker_sends_a_notice_to_the_smtp_server_exactly_once(
    smtp_server_for_worker, postgres
):
    sink = smtp_server_for_worker
    now = timezone.now()
    ticket = with_addresses(TicketFactory(title="Exports fail"), requester="ops@customer.example")
    first = customer_message(ticket)
    notice = decide_notice(ticket, now)  # committed: the worker gets the task
    wait_for(lambda: Notice.objects.get(pk=notice.pk).status == NoticeStatus.SENT, timeout=60)
    wait_for(lambda: len(sink.received) >= 1)
    queues.notices_enqueue(ids=[notice.pk])  # a stray second delivery task
    queues.notices_sweep()
    time.sleep(2)  # give the worker time to (not) send it again
    [(envelope, raw)] = sink.received
    assert envelope == ["ops@customer.example"]
    message = parse_message(raw)
    stored = Message.objects.get(ticket=ticket, kind=MessageKind.NOTICE)
    assert str(message["message-id"]) == f"<{stored.message_id}>"
    assert ids(message["in-reply-to"]) == [first.message_id]
    assert [a.addr_spec for a in message["from"].addresses] == [stored.from_address]
