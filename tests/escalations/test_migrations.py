"""The data migration that makes existing rows follow R8 (escalations 0003)."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from escalations.models import Escalation
from tests.escalations.test_services import escalate, triaged
from triage.models import EventKind, Ticket

pytestmark = pytest.mark.django_db

migration = importlib.import_module("escalations.migrations.0003_escalated_follows_escalations")


def test_a_ticket_escalated_without_an_escalation_goes_back_to_in_progress(sam_support):
    # What a PATCH could do before issue 12: escalated, no escalation, not even triaged.
    orphan = triaged(sam_support)
    Ticket.objects.filter(pk=orphan.pk).update(status="escalated")
    real = escalate(sam_support, triaged(sam_support))
    # And support moving an escalated ticket on while engineering had not decided.
    moved = escalate(sam_support, triaged(sam_support))
    Ticket.objects.filter(pk=moved.ticket_id).update(status="resolved")

    assert migration.settle_escalated_statuses(apps, None) == (1, 1)

    orphan.refresh_from_db()
    assert orphan.status == "in_progress"
    event = orphan.events.filter(kind=EventKind.STATUS).last()
    assert (event.from_value, event.to_value, event.actor) == ("escalated", "in_progress", None)
    assert "R8" in event.reason
    assert Ticket.objects.get(pk=real.ticket_id).status == "escalated"
    assert Escalation.objects.get(pk=real.pk).state == "open"
    assert Escalation.objects.get(pk=moved.pk).state == "withdrawn"
    assert Ticket.objects.get(pk=moved.ticket_id).events.filter(to_value="withdrawn").exists()
    assert migration.settle_escalated_statuses(apps, None) == (0, 0)  # once is enough
