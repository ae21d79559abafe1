"""Escalation emails through the real broker and worker: enqueued on commit, sent once."""

from __future__ import annotations

from datetime import date

import pytest

from escalations import services as services
from escalations.models import EscalationDecision
from escalations.notify import escalation_decision_send
from escalations.tasks import escalation_decision_notify
from tests.conftest import wait_for
from tests.factories import TicketFactory, UserFactory, escalate
from triage.services import ticket_triage


@pytest.mark.celery_worker
def test_decision_email_goes_through_the_worker_once(celery_worker):
    sam = UserFactory(username="sam", role="support", email="sam@example.com")
    eve = UserFactory(username="eve", role="engineering")
    ticket = TicketFactory(tier="enterprise")
    ticket = ticket_triage(ticket=ticket, by=sam, severity="p1", priority="p1")
    escalation = escalate(ticket, by=sam)
    # No test transaction here: the service's on_commit hook enqueues on the real broker.
    services.escalation_decide(
        escalation=escalation, by=eve, decision="accept", target_date=date(2099, 1, 2)
    )
    decision = EscalationDecision.objects.get()
    notified = wait_for(
        lambda: (
            EscalationDecision.objects.filter(pk=decision.pk, notified_at__isnull=False)
            .values_list("notified_at", flat=True)
            .first()
        )
    )
    # A duplicate delivery finds the work done and leaves the marker alone.
    escalation_decision_notify.delay(decision.pk)
    assert escalation_decision_send(decision.pk) is False
    decision.refresh_from_db()
    assert decision.notified_at == notified
