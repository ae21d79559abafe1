"""Who gets a proactive notice (R7): the pure rule, and the database filter that must agree."""

from datetime import UTC, datetime

import pytest

from queues import notices
from queues.selectors import UNANSWERED
from tests.factories import TicketFactory
from triage.models import Ticket

T0 = datetime(2026, 12, 1, 9, tzinfo=UTC)


@pytest.mark.parametrize(
    ("source", "is_open", "answered", "waits"),
    [
        ("customer", True, False, True),
        ("presales", True, False, True),
        ("internal", True, False, False),  # internal work never gets a notice
        ("customer", False, False, False),  # resolved or closed
        ("customer", True, True, False),  # already had its first substantive reply
    ],
)
def test_a_customer_waits_on_us_for_a_first_reply(source, is_open, answered, waits):
    first = T0 if answered else None
    assert (
        notices.waits_for_notice(source=source, is_open=is_open, first_response_at=first) is waits
    )


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
    ]
    services.ticket_reply(
        ticket=tickets[3], by=sam_support, body="Found it; next: patch.", public=True,
        first_response=True,
    )  # fmt: skip
    services.ticket_set_status(ticket=tickets[4], by=sam_support, status="resolved")
    by_filter = set(Ticket.objects.filter(UNANSWERED).values_list("pk", flat=True))
    by_rule = {
        t.pk
        for t in Ticket.objects.all()
        if notices.waits_for_notice(
            source=t.source, is_open=t.is_open, first_response_at=t.first_response_at
        )
    }
    assert by_filter == by_rule == {tickets[0].pk, tickets[1].pk}
