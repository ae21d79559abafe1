"""PostgreSQL-only: concurrent escalations of one ticket leave exactly one open."""

from __future__ import annotations

import threading
from datetime import date

from django.db import connections

from escalations import services as services
from escalations.models import Escalation
from shared.errors import Conflict
from tests.factories import TicketFactory, UserFactory
from triage.models import EventKind
from triage.services import ticket_triage


def test_concurrent_escalations_of_one_ticket_leave_exactly_one_open(postgres, transactional_db):
    people = [UserFactory(username=f"se{i}", role="support") for i in range(6)]
    ticket = TicketFactory(tier="enterprise")
    ticket = ticket_triage(ticket=ticket, by=people[0], severity="p1", priority="p1")
    start = threading.Barrier(len(people))
    outcomes: list[str] = []

    def escalate(user):
        try:
            start.wait()
            services.escalation_create(
                ticket=ticket,
                by=user,
                summary=f"from {user.username}",
                reproduction_steps="r",
                impact="i",
                customer_deadline=date(2099, 1, 1),
                tried="t",
                links=["https://logs.example.com/1"],
            )
            outcomes.append("created")
        except Conflict:
            outcomes.append("conflict")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=escalate, args=(u,)) for u in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict"] * 5 + ["created"]
    assert Escalation.objects.filter(ticket=ticket).count() == 1
    ticket.refresh_from_db()
    assert ticket.status == "escalated"
    assert ticket.events.filter(kind=EventKind.ESCALATION).count() == 1
