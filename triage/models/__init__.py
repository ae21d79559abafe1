"""The triage app's models: accounts, tickets and their timeline, the SLA policy and clocks."""

from triage.models.accounts import Account, Deployment, Tier
from triage.models.messages import (
    AccountAddress,
    AddressKind,
    Attachment,
    Direction,
    Message,
    MessageKind,
    MessageSource,
)
from triage.models.sla import (
    WARNED_CLOCKS,
    ClockKind,
    SlaCalendar,
    SlaClock,
    SlaTarget,
    TicketPause,
)
from triage.models.tickets import (
    OPEN,
    OPEN_STATUSES,
    Channel,
    EventKind,
    Level,
    RankBucket,
    Source,
    Status,
    Ticket,
    TicketEvent,
)

__all__ = [
    "OPEN",
    "OPEN_STATUSES",
    "RankBucket",
    "WARNED_CLOCKS",
    "Account",
    "AccountAddress",
    "AddressKind",
    "Attachment",
    "Channel",
    "Direction",
    "Message",
    "MessageKind",
    "MessageSource",
    "ClockKind",
    "Deployment",
    "EventKind",
    "Level",
    "SlaCalendar",
    "SlaClock",
    "SlaTarget",
    "Source",
    "Status",
    "Ticket",
    "TicketEvent",
    "TicketPause",
    "Tier",
]
