"""R4: the number one is something the team can act on. Work waiting on the customer ranks
after all work that waits on us (its pin takes effect again when it comes back); claim next
and GET /queue/next/ never hand it out; the queue page shows it as a band of its own."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client

from queues.services import queue_claim
from tests.factories import TicketFactory
from triage import services
from triage.models import Ticket
from triage.selectors import queue_number_one

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
H = timedelta(hours=1)


def _waiting_pinned(sam, now=T0):
    ticket = TicketFactory(tier="enterprise", severity="p0", title="We asked for logs", now=now)
    services.ticket_pin(ticket=ticket, by=sam, reason="their launch is today", now=now)
    return services.ticket_set_status(
        ticket=ticket, by=sam, status="waiting_on_customer", reason="asked for logs", now=now
    )


def test_a_pinned_ticket_waiting_on_the_customer_is_not_the_number_one(sam_support, as_sam):
    waiting = _waiting_pinned(sam_support)
    ours = TicketFactory(tier="internal", title="Internal docs fix", now=T0)
    assert queue_number_one().pk == ours.pk
    assert as_sam.get("/api/v1/queue/next/").json()["id"] == ours.pk
    order = [e["ticket"]["id"] for e in as_sam.get("/api/v1/queue/").json()["results"]]
    assert order == [ours.pk, waiting.pk]
    body = as_sam.get(f"/api/v1/tickets/{waiting.pk}/").json()
    assert body["position"] == 2 and body["why"][0].startswith("waiting on the customer")
    client = Client()
    client.force_login(sam_support)
    page = client.get(waiting.get_absolute_url()).content.decode()
    assert "Number 1 in the queue" not in page and "Number 2 in the queue" in page


def test_claim_next_never_hands_out_work_waiting_on_the_customer(sam_support, as_sam):
    waiting = _waiting_pinned(sam_support)
    ours = TicketFactory(tier="free", severity="p2", now=T0)
    assert queue_claim(by=sam_support).pk == ours.pk
    assert queue_claim(by=sam_support) is None
    assert as_sam.post("/api/v1/queue/claim/").status_code == 204
    assert as_sam.get("/api/v1/queue/next/").status_code == 204
    client = Client()
    client.force_login(sam_support)
    answer = client.post("/queue/claim/", follow=True).content.decode()
    assert "Nothing to claim" in answer and "waits on the customer" in answer
    assert Ticket.objects.get(pk=waiting.pk).assignee is None


def test_a_pin_takes_effect_again_when_the_customer_answers(sam_support):
    waiting = _waiting_pinned(sam_support)
    TicketFactory(tier="enterprise", severity="p0", now=T0)
    services.ticket_set_status(
        ticket=waiting, by=sam_support, status="in_progress", reason="logs arrived", now=T0 + H
    )
    assert queue_number_one().pk == waiting.pk


def test_the_queue_page_shows_work_waiting_on_the_customer_as_its_own_band(sam_support):
    with time_machine.travel(T0, tick=False):
        waiting = _waiting_pinned(sam_support, now=T0 - 3 * H)
        ours = TicketFactory(tier="free", title="Export to PDF", now=T0 - H)
        client = Client()
        client.force_login(sam_support)
        page = client.get("/").content.decode()
    band = page.index("Waiting on the customer")
    assert page.index(f'data-ticket-id="{ours.pk}"') < band
    assert band < page.index(f'data-ticket-id="{waiting.pk}"')
    row = page[page.index(f'data-ticket-id="{waiting.pk}"') :]
    row = row[: row.index("</tr>")]
    assert "waiting 3 h" in row  # since its open pause began, on the row itself
