"""Who gets a proactive notice (R7): the pure rule, and the database filter that must agree."""

from datetime import UTC, datetime

import pytest

from queues import notices
from queues.selectors import WAITS_ON_US
from tests.factories import TicketFactory
from triage.models import Ticket

T0 = datetime(2026, 12, 1, 9, tzinfo=UTC)


@pytest.mark.parametrize(
    ("source", "status", "waits"),
    [
        ("customer", "new", True),
        ("presales", "triaged", True),
        ("customer", "in_progress", True),
        ("customer", "escalated", True),  # engineering is us: the next step is still ours
        ("customer", "waiting_on_customer", False),  # we asked for logs: the customer owes us
        ("presales", "waiting_on_customer", False),
        ("internal", "new", False),  # internal work never gets a notice
        ("internal", "in_progress", False),
        ("customer", "resolved", False),
        ("customer", "closed", False),
    ],
)
def test_a_customer_waits_on_us_when_the_next_step_is_ours(source, status, waits):
    """R7: tickets waiting on the customer and internal work get no notice."""
    assert notices.waits_for_notice(source=source, status=status) is waits


def test_an_answered_customer_hears_about_the_next_update_not_the_first_reply():
    first = notices.notice_text(customer="X", ticket_id=3, title="t", now=T0, arrival_at=None)
    assert "first reply" in first.body and "first reply" not in first.subject
    later = notices.notice_text(
        customer="X", ticket_id=3, title="t", now=T0, arrival_at=None, answered=True
    )
    assert "first reply" not in later.body + later.subject
    assert "next update" in later.body and "next update" in later.subject


def test_notices_go_out_only_while_backed_up_and_not_paused():
    assert notices.notices_allowed(backed_up=True, paused=False)
    assert not notices.notices_allowed(backed_up=True, paused=True)
    assert not notices.notices_allowed(backed_up=False, paused=False)


def test_a_presales_notice_goes_to_the_ce_first_a_customer_notice_to_the_contact():
    pick = notices.notice_recipient
    both = {"contact": "it@acme.example", "reporter": "cara@ce.example", "fallback": "team@x"}
    assert pick(source="presales", **both) == "cara@ce.example"
    assert pick(source="customer", **both) == "it@acme.example"
    assert pick(source="customer", contact="", reporter="", fallback="team@x") == "team@x"


@pytest.mark.django_db
def test_the_database_filter_is_the_pure_rule(sam_support):
    from triage import services

    tickets = [
        TicketFactory(tier="enterprise"),
        TicketFactory(tier="presales"),
        TicketFactory(tier="internal"),
        TicketFactory(tier="free"),
        TicketFactory(tier="team"),
        TicketFactory(tier="enterprise"),
    ]
    services.ticket_reply(
        ticket=tickets[3], by=sam_support, body="Found it; next: patch.", public=True,
        first_response=True,
    )  # fmt: skip
    services.ticket_set_status(ticket=tickets[4], by=sam_support, status="resolved")
    services.ticket_set_status(ticket=tickets[5], by=sam_support, status="waiting_on_customer")
    by_filter = set(Ticket.objects.filter(WAITS_ON_US).values_list("pk", flat=True))
    by_rule = {
        t.pk
        for t in Ticket.objects.all()
        if notices.waits_for_notice(source=t.source, status=t.status)
    }
    assert by_filter == by_rule == {tickets[0].pk, tickets[1].pk, tickets[3].pk}
