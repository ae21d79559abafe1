"""triage 0010 recomputes every stored rank key (R4's waiting band, R6's next update)."""

from __future__ import annotations

import importlib
from datetime import UTC, datetime, timedelta

import pytest
from django.apps import apps

from tests.factories import TicketFactory
from tests.factories import public_reply as reply
from triage import services
from triage.models import Ticket

pytestmark = pytest.mark.django_db

migration = importlib.import_module("triage.migrations.0010_rank_waiting_band_and_next_update")
T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
H = timedelta(hours=1)


def test_existing_rank_keys_are_recomputed_as_the_services_compute_them(sam_support):
    plain = TicketFactory(tier="team", severity="p2", now=T0)
    answered = TicketFactory(tier="enterprise", severity="p1", now=T0)
    reply(ticket=answered, by=sam_support, body="Found it.", substantive=True, now=T0 + H)
    waiting = TicketFactory(tier="presales", severity="p0", now=T0)
    services.ticket_pin(ticket=waiting, by=sam_support, reason="demo today", now=T0)
    services.ticket_set_status(
        ticket=waiting, by=sam_support, status="waiting_on_customer", now=T0 + H
    )
    closed = TicketFactory(tier="free", now=T0)
    services.ticket_set_status(ticket=closed, by=sam_support, status="resolved", now=T0 + H)
    expected = dict(Ticket.objects.values_list("pk", "rank_key"))
    due = dict(Ticket.objects.values_list("pk", "next_update_due_at"))
    assert due[answered.pk] is not None and expected[waiting.pk] > expected[plain.pk]
    # Keys as the release before this one stored them: no band, first-response due times.
    Ticket.objects.update(rank_key="0" * 51, next_update_due_at=None)

    assert migration.recompute_rank_keys(apps, None) == 4

    assert dict(Ticket.objects.values_list("pk", "rank_key")) == expected
    assert dict(Ticket.objects.values_list("pk", "next_update_due_at")) == due
