"""Mail we send on a ticket's thread (issue 13, point 5), received by a real SMTP server.

`smtp_server` is aiosmtpd on 127.0.0.1; Django's SMTP backend talks to it. Each test asserts on
the bytes the server received: From, Message-ID, In-Reply-To, References, the subject's tag.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from tests.factories import TicketFactory
from tests.hostile import CRLF_BCC, MESSAGE_HEADERS, assert_mail_inert, parse_message
from triage.models import Direction, Message, MessageKind, MessageSource
from triage.services.outbound import thread_send

pytestmark = pytest.mark.django_db
THREAD_HEADERS = MESSAGE_HEADERS


def customer_message(ticket, message_id="CAF1=abc@mail.customer.example", references=""):
    return Message.objects.create(
        ticket=ticket,
        direction=Direction.INBOUND,
        kind=MessageKind.OPENED,
        source=MessageSource.PIPE,
        message_id=message_id,
        references=references,
        from_address="ops@customer.example",
        to="support@support.example",
        subject="Exports fail",
        text="Our exports fail since this morning.",
        at=timezone.now() - timedelta(minutes=5),
    )


def send(django_capture_on_commit_callbacks, **kwargs):
    with django_capture_on_commit_callbacks(execute=True):
        return thread_send(**kwargs)


def ids(value) -> list[str]:
    return [part.strip("<>") for part in str(value).split()]


def test_a_public_reply_threads_under_the_customers_message(
    smtp_server, django_capture_on_commit_callbacks
):
    ticket = TicketFactory(title="Exports fail")
    first = customer_message(ticket)
    stored = send(
        django_capture_on_commit_callbacks,
        ticket=ticket,
        kind=MessageKind.PUBLIC_REPLY,
        to="Ops Team <Ops@Customer.example>",
        subject="Re: Exports fail",
        body="We are looking at it.",
    )
    [(envelope, raw)] = smtp_server.received
    message = assert_mail_inert(
        raw, to=["Ops@Customer.example"], envelope=envelope, allowed=THREAD_HEADERS
    )
    assert [a.addr_spec for a in message["from"].addresses] == ["support@support.example"]
    assert str(message["message-id"]) == f"<{stored.message_id}>"
    assert stored.message_id.endswith("@support.example")
    assert ids(message["in-reply-to"]) == [first.message_id]
    assert ids(message["references"]) == [first.message_id]
    assert str(message["subject"]) == f"Re: [#{ticket.pk}] Exports fail"
    assert message.get_content().strip() == "We are looking at it."
    assert "auto-submitted" not in message

    stored.refresh_from_db()
    assert (stored.direction, stored.kind, stored.source) == ("out", "public_reply", "app")
    assert (stored.to, stored.in_reply_to) == ("ops@customer.example", first.message_id)
    assert stored.note == ""
    # The raw bytes stored are the bytes sent (SMTP adds CRLF line ends and a final one).
    sent = raw.replace(b"\r\n", b"\n").rstrip(b"\n")
    assert stored.raw.read().replace(b"\r\n", b"\n").rstrip(b"\n") == sent

    # The next one answers the latest message, our reply, and carries the whole chain.
    second = send(
        django_capture_on_commit_callbacks,
        ticket=ticket,
        kind=MessageKind.PUBLIC_REPLY,
        to="ops@customer.example",
        subject=str(message["subject"]),
        body="Fixed.",
    )
    reply = parse_message(smtp_server.received[1][1])
    assert ids(reply["in-reply-to"]) == [stored.message_id]
    assert ids(reply["references"]) == [first.message_id, stored.message_id]
    assert second.references == f"{first.message_id} {stored.message_id}"
    assert str(reply["subject"]).count(f"[#{ticket.pk}]") == 1


def test_a_reply_to_a_given_message_and_a_long_thread_stays_bounded(
    smtp_server, django_capture_on_commit_callbacks
):
    ticket = TicketFactory()
    chain = " ".join(f"m{i}@mail.customer.example" for i in range(40))
    parent = customer_message(ticket, references=chain)
    customer_message(ticket, message_id="later@mail.customer.example")
    send(
        django_capture_on_commit_callbacks,
        ticket=ticket,
        kind=MessageKind.PUBLIC_REPLY,
        to="ops@customer.example",
        subject="Update",
        body="b",
        in_reply_to=parent,
    )
    [(_, raw)] = smtp_server.received
    message = parse_message(raw)
    assert ids(message["in-reply-to"]) == [parent.message_id]
    refs = ids(message["references"])
    assert len(refs) == 20 and refs[0] == "m0@mail.customer.example"
    assert refs[-1] == parent.message_id
    assert all(len(line) <= 998 for line in raw.split(b"\r\n"))


def test_a_title_with_a_line_break_adds_no_header_and_no_recipient(
    smtp_server, django_capture_on_commit_callbacks
):
    ticket = TicketFactory()
    send(
        django_capture_on_commit_callbacks,
        ticket=ticket,
        kind=MessageKind.NOTICE,
        to="ops@customer.example",
        subject=CRLF_BCC,
        body=f"Body {CRLF_BCC}",
    )
    [(envelope, raw)] = smtp_server.received
    message = assert_mail_inert(
        raw, to=["ops@customer.example"], envelope=envelope, allowed=THREAD_HEADERS
    )
    assert "victim@example.com" in str(message["subject"])  # text in the subject, nothing more
    assert str(message["subject"]).startswith(f"[#{ticket.pk}] ")


@pytest.mark.parametrize("to", [CRLF_BCC, "a@x.example, victim@example.com", "not an address"])
def test_a_recipient_must_be_one_address(to, smtp_server, django_capture_on_commit_callbacks):
    ticket = TicketFactory()
    with pytest.raises(ValueError):
        send(
            django_capture_on_commit_callbacks,
            ticket=ticket, kind=MessageKind.PUBLIC_REPLY, to=to, subject="s", body="b",
        )  # fmt: skip
    assert smtp_server.received == [] and not Message.objects.exists()


def test_one_automatic_reply_per_sender_per_hour(smtp_server, django_capture_on_commit_callbacks):
    ticket = TicketFactory()
    args = {"ticket": ticket, "kind": MessageKind.AUTO_REPLY, "subject": "Received", "body": "b"}
    first = send(django_capture_on_commit_callbacks, to="ops@customer.example", **args)
    assert first is not None
    [(_, raw)] = smtp_server.received
    assert str(parse_message(raw)["auto-submitted"]) == "auto-replied"

    # The same sender (any case) within the hour: nothing stored, nothing sent.
    assert send(django_capture_on_commit_callbacks, to="OPS@customer.example", **args) is None
    assert len(smtp_server.received) == 1
    assert Message.objects.filter(kind=MessageKind.AUTO_REPLY).count() == 1
    # Another sender gets one; replies that are not automatic are not limited.
    assert send(django_capture_on_commit_callbacks, to="dev@customer.example", **args)
    assert send(
        django_capture_on_commit_callbacks,
        **{**args, "kind": MessageKind.PUBLIC_REPLY},
        to="ops@customer.example",
    )
    assert len(smtp_server.received) == 3

    Message.objects.filter(pk=first.pk).update(at=first.at - timedelta(minutes=61))
    assert send(django_capture_on_commit_callbacks, to="ops@customer.example", **args)
    assert len(smtp_server.received) == 4


def test_nothing_is_sent_when_the_transaction_rolls_back(smtp_server):
    ticket = TicketFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        thread_send(
            ticket=ticket, kind=MessageKind.PUBLIC_REPLY, to="ops@customer.example",
            subject="s", body="b",
        )  # fmt: skip
        raise RuntimeError("the reply's transaction fails")
    assert smtp_server.received == [] and not Message.objects.exists()


def test_a_failed_send_keeps_the_row_with_a_note(settings, django_capture_on_commit_callbacks):
    import socket

    with socket.socket() as probe:  # a port where nothing listens
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2
    ticket = TicketFactory()
    stored = send(
        django_capture_on_commit_callbacks,
        ticket=ticket, kind=MessageKind.PUBLIC_REPLY, to="ops@customer.example",
        subject="s", body="b",
    )  # fmt: skip
    stored.refresh_from_db()
    assert stored.note.startswith("Not delivered: ConnectionRefusedError")


def test_an_unknown_kind_is_refused():
    ticket = TicketFactory()
    with pytest.raises(ValueError):
        thread_send(ticket=ticket, kind="reply", to="a@b.example", subject="s", body="b")
