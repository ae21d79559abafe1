"""The entry point: one message, one committed row, exactly once (issue 13)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from mail.services.intake import DUPLICATE, receive
from triage.models import Message, MessageKind, Ticket

PLAIN = (
    b"From: Ada Customer <ada@unknown.example>\r\n"
    b"To: support@example.com\r\n"
    b"Subject: Login fails after upgrade\r\n"
    b"Message-ID: <first-1@unknown.example>\r\n"
    b"Date: Thu, 03 Dec 2026 09:00:00 +0000\r\n"
    b"\r\n"
    b"Since the upgrade nobody can sign in.\r\n"
)


@pytest.mark.django_db
def test_the_same_bytes_twice_make_one_message_and_one_ticket(postgres):
    first = receive(PLAIN, source="pipe")
    second = receive(PLAIN, source="imap")
    assert first.created and first.kind == MessageKind.OPENED
    assert first.message_id == "first-1@unknown.example"
    assert (second.created, second.kind, second.ticket_id) == (False, DUPLICATE, first.ticket_id)
    assert Message.objects.count() == 1 and Ticket.objects.count() == 1
    message = Message.objects.get()
    assert message.raw.read() == PLAIN
    assert message.source == "pipe"


@pytest.mark.django_db
def test_a_message_without_message_id_gets_a_stable_one_from_its_bytes(postgres):
    raw = PLAIN.replace(b"Message-ID: <first-1@unknown.example>\r\n", b"")
    first = receive(raw, source="pipe")
    second = receive(raw, source="pipe")
    assert first.message_id.startswith("sha256-")
    assert first.message_id.endswith("@support-triage.invalid")
    assert second.message_id == first.message_id and not second.created
    assert Ticket.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_deliveries_of_one_message_commit_it_once(postgres):
    outcomes, errors = [], []
    barrier = threading.Barrier(4)

    def deliver():
        try:
            barrier.wait()
            outcomes.append(receive(PLAIN, source="imap"))
        except Exception as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(o.created for o in outcomes) == [False, False, False, True]
    assert Message.objects.count() == 1 and Ticket.objects.count() == 1
