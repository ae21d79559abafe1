"""Reads for the triage app: tickets and their visibility, the ranked queue, SLA clocks."""

from triage.selectors.addresses import account_addresses, account_for_address
from triage.selectors.messages import ticket_attachment, ticket_messages, ticket_thread
from triage.selectors.queue_pages import QueuePage, queue_page
from triage.selectors.ranked import (
    number_one_candidates,
    open_queue,
    place_and_above,
    position_of,
    positions_of,
    queue_number_one,
    ranked_above,
    ticket_above,
    unclaimed_queue,
)
from triage.selectors.sla import (
    SlaBook,
    SlaRule,
    clocks_to_warn,
    last_public_reply_at,
    sla_book,
    sla_state,
    team_goal,
    with_sla_clock,
    with_waiting_since,
)
from triage.selectors.tickets import (
    ticket_timeline,
    ticket_visibility,
    tickets_with_relations,
    visible_ticket,
    visible_tickets,
)

__all__ = [
    "account_addresses",
    "account_for_address",
    "QueuePage",
    "SlaBook",
    "SlaRule",
    "clocks_to_warn",
    "last_public_reply_at",
    "number_one_candidates",
    "open_queue",
    "place_and_above",
    "position_of",
    "positions_of",
    "queue_number_one",
    "queue_page",
    "ranked_above",
    "sla_book",
    "sla_state",
    "team_goal",
    "ticket_above",
    "ticket_attachment",
    "ticket_messages",
    "ticket_thread",
    "ticket_timeline",
    "ticket_visibility",
    "tickets_with_relations",
    "unclaimed_queue",
    "visible_ticket",
    "visible_tickets",
    "with_sla_clock",
    "with_waiting_since",
]
