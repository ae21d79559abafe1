"""Pure pre-sales rules: key dates (parse, nearest, flag) and when to remind about a channel."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

# Shown to the support engineer at triage of a pre-sales ticket (policy, "Pre-sales Ticket
# Severity"), in the policy's words.
PRESALES_SEVERITY_CRITERIA: dict[str, str] = {
    "p0": "Failed deployment or total loss of service",
    "p1": "Core features are unavailable or the service as a whole is slow",
    "p2": "Non-blocking technical asks or problems",
}

# A request whose key date is this close (or closer) is flagged to support on the queue.
KEY_DATE_FLAG_DAYS = 2

_ISO_DATE = re.compile(r"\b(\d{4}-\d{2}-\d{2})\b")


@dataclass(frozen=True)
class ParsedKeyDate:
    date: date
    label: str


def parse_key_dates(text: str) -> tuple[list[ParsedKeyDate], str]:
    """Read lines like "2026-12-15 decision" or "decision: 2026-12-15".

    Return the dates found and the lines that held no valid date (kept as text).
    """
    found: list[ParsedKeyDate] = []
    leftover: list[str] = []
    for raw in (text or "").splitlines():
        line = raw.strip()
        if not line:
            continue
        match = _ISO_DATE.search(line)
        when = None
        if match:
            try:
                when = date.fromisoformat(match.group(1))
            except ValueError:
                when = None
        if when is None:
            leftover.append(line)
            continue
        label = (line[: match.start()] + " " + line[match.end() :]).strip(" \t:-–—,;")
        label = re.sub(r"\s+", " ", label)
        found.append(ParsedKeyDate(when, label[:200] or "key date"))
    return found, "\n".join(leftover)


def nearest_key_date(dates: Iterable[ParsedKeyDate], today: date):
    """Return the next key date from today on, or else the latest past one (None if none)."""
    dates = list(dates)
    coming = [d for d in dates if d.date >= today]
    if coming:
        return min(coming, key=lambda d: d.date)
    return max(dates, key=lambda d: d.date) if dates else None


def key_date_is_close(when: date, today: date, days: int = KEY_DATE_FLAG_DAYS) -> bool:
    """Return whether a key date falls from today to `days` days ahead (R9: dates matter)."""
    return today <= when <= today + timedelta(days=days)


def channel_reminder_due(
    *, joined_at: datetime, ticket_open: bool, now: datetime, hours: float
) -> bool:
    """Return whether an engineer still in a trial channel should be told to leave it.

    Support joins a prospect's channel only for a ticket and must leave afterwards (R9):
    once the ticket is resolved, or after `hours` in the channel, whichever comes first.
    """
    return not ticket_open or now >= joined_at + timedelta(hours=hours)
