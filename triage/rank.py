"""The rank (R4) and pins (R5): the strict total order of open work, and why a ticket sits there.

Pure code: plain values in, plain values out, no ORM and no clock. The stored rank on a ticket
is `rank_key(facts)`; the database orders open work by (rank_key, id), which is the same
order as sorting `TicketFacts` by `sort_key`.

The number one is work the team can act on (R4): work waiting on the customer ranks after all
work that waits on us, and its pin takes effect again when the customer answers. The key's
first character says which: every key of work that waits on us sorts before
ACTIONABLE_BEFORE, so "the number one" is an index range on the stored key.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from shared import display
from triage.priority import LEVELS, TIER_LABELS, TIERS

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = datetime.resolution
_NO_DUE = "9" * 16  # sorts after every real due time: work without a due time goes last
_UNPINNED = "1" + "0" * 16
_WAITS_ON_US, _WAITS_ON_CUSTOMER = "0", "1"
ACTIONABLE_BEFORE = _WAITS_ON_CUSTOMER  # every key of work that waits on us sorts before it
RANK_KEY_LENGTH = 1 + 1 + 16 + 1 + 1 + 16 + 16


@dataclass(frozen=True)
class TicketFacts:
    """What the engine needs to know about one piece of open work."""

    id: int
    tier: str
    priority: str
    created_at: datetime
    # The due time the rank sorts on (triage.clock_plan.ranking_due): the first response's
    # until it is recorded, then the next update's.
    due_at: datetime | None = None
    pinned_at: datetime | None = None
    waiting_on_customer: bool = False
    answered: bool = False  # the first response is recorded: `due_at` is the next update's


def _stamp(at: datetime) -> str:
    """Encode an aware instant as 16 digits that sort like the instant (microsecond precision)."""
    if at.tzinfo is None:
        raise ValueError("instants must be timezone-aware")
    micros = (at - _EPOCH) // _MICROSECOND
    if not 0 <= micros < 10**16:
        raise ValueError(f"instant out of range for the rank key: {at.isoformat()}")
    return f"{micros:016d}"


def rank_key(facts: TicketFacts) -> str:
    """Return the stored rank: strings compare in R4's order (who the next step waits on, pin,
    priority, tier, due, created).

    Work waiting on the customer comes after all work that waits on us; within each, pinned
    work comes first, earliest pin first (R5). The ticket id breaks the remaining ties and is
    kept beside the key in the database, so it is not part of the string.
    """
    band = _WAITS_ON_CUSTOMER if facts.waiting_on_customer else _WAITS_ON_US
    pin = "0" + _stamp(facts.pinned_at) if facts.pinned_at else _UNPINNED
    due = _stamp(facts.due_at) if facts.due_at else _NO_DUE
    return (
        f"{band}{pin}{LEVELS.index(facts.priority)}{TIERS.index(facts.tier)}"
        f"{due}{_stamp(facts.created_at)}"
    )


def sort_key(facts: TicketFacts) -> tuple[str, int]:
    """Return the total order key: the rank, then the id."""
    return (rank_key(facts), facts.id)


def rank(tickets: list[TicketFacts]) -> list[TicketFacts]:
    """Return open work in R4's order: the first is the number one priority."""
    return sorted(tickets, key=sort_key)


def _when(at: datetime) -> str:
    """Say a due or filing time as every page does (shared.display): '3 Dec 2026 14:05 UTC'."""
    return f"{display.stamp(at)} UTC"


def _due_name(facts: TicketFacts) -> str:
    return "next update due" if facts.answered else "due"


def why(facts: TicketFacts, *, pin_reason: str = "") -> list[str]:
    """Name the parts of the rank key that place this ticket, most decisive first."""
    parts = []
    if facts.waiting_on_customer:
        parts.append("waiting on the customer: after all work that waits on us")
    if facts.pinned_at:
        pinned = "pinned"
        if facts.waiting_on_customer:
            pinned = "pinned, first again when the customer answers"
        parts.append(f"{pinned}: {pin_reason}" if pin_reason else pinned)
    parts.append(f"priority {facts.priority}")
    parts.append(f"tier {TIER_LABELS[facts.tier]}")
    parts.append(f"{_due_name(facts)} {_when(facts.due_at)}" if facts.due_at else "no due time")
    parts.append(f"opened {_when(facts.created_at)}")
    return parts


def why_below(facts: TicketFacts, above: TicketFacts) -> str:
    """Say in words why `facts` ranks just below `above` (the first key part that differs)."""
    if facts.waiting_on_customer and not above.waiting_on_customer:
        return "it waits on the customer, and all work that waits on us comes first"
    if above.pinned_at and not facts.pinned_at:
        return "the ticket above is pinned above the order"
    if above.pinned_at and facts.pinned_at and above.pinned_at != facts.pinned_at:
        return "both are pinned; the ticket above was pinned first"
    if above.priority != facts.priority:
        return f"the ticket above has a higher priority ({above.priority} before {facts.priority})"
    if above.tier != facts.tier:
        return (
            f"same priority; {TIER_LABELS[above.tier]} comes before "
            f"{TIER_LABELS[facts.tier]} in the order of tiers"
        )
    if above.due_at != facts.due_at:
        if facts.due_at is None:
            return "same priority and tier; the ticket above has a due time and this one has none"
        what = "its next update is" if above.answered else "it is"
        when = _when(above.due_at)
        return f"same priority and tier; the ticket above is due sooner ({what} due {when})"
    if above.created_at != facts.created_at:
        return "same priority, tier and due time; the ticket above has waited longer"
    return "everything else is equal; the ticket above was filed first (lower id)"
