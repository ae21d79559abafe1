"""Proactive notices (R7): who gets one, where it goes, and its words.

Pure code: plain values in, decisions and text out. A customer *waits on us* when the next step
is ours: open customer and pre-sales work that is not waiting on the customer (an escalated
ticket waits on engineering, which is us). Tickets waiting on the customer and internal work
never get a notice. A customer still waiting for the first substantive reply hears that the
first reply may take longer; one who had it hears about the next update.
`queues.selectors.WAITS_ON_US` is the same rule as a database filter, so the outbox decides
100k tickets in one statement (a test checks the two agree).

The words are honest about the load and precise about the arrival: times are shown in the
customer's time zone when the account has one, else in UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from shared.hours import require_aware
from shared.text import scrub_line
from triage import status as ticket_status

# Who is told (R7): work from these sources, open, with the next step ours.
WAITING_SOURCES = ("customer", "presales")


def waits_for_notice(*, source: str, status: str) -> bool:
    """Return whether a ticket's customer is waiting on us (R7): open customer or pre-sales
    work that is not waiting on the customer."""
    return (
        source in WAITING_SOURCES
        and ticket_status.is_open(status)
        and status != ticket_status.WAITING_ON_CUSTOMER
    )


def notices_allowed(*, backed_up: bool, paused: bool) -> bool:
    """Return whether notices go out now: only while backed up, and not paused by leadership."""
    return backed_up and not paused


def notice_recipient(*, source: str, contact: str, reporter: str, fallback: str) -> str:
    """Return where a notice goes: the account's contact address; for a pre-sales ticket the CE
    who filed it (CEs are the prospect's front line, R9); else whoever filed it; else the team's
    fallback address, so a notice is never lost."""
    first, second = (reporter, contact) if source == "presales" else (contact, reporter)
    return first or second or fallback


@dataclass(frozen=True)
class NoticeText:
    subject: str
    body: str


def hours_until(now: datetime, arrival: datetime) -> int:
    """Return the wait until `arrival` in whole hours, rounded to the nearest, at least 1."""
    require_aware(now, "now")
    require_aware(arrival, "arrival")
    seconds = (arrival - now).total_seconds()
    return max(1, int((seconds + 1800) // 3600))


def zone_for(name: str) -> ZoneInfo:
    """Return the customer's zone, or UTC when the account has none (or an unknown one)."""
    try:
        return ZoneInfo(name) if name else ZoneInfo("UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def local_time(at: datetime, zone_name: str) -> str:
    """Format an instant for the customer, e.g. "09:00 CET on Thursday 27 November"."""
    local = require_aware(at, "at").astimezone(zone_for(zone_name))
    label = local.tzname() or "UTC"
    if label.startswith(("+", "-")):  # zones without an abbreviation: name the zone
        label = f"{zone_name} time"
    return f"{local:%H:%M} {label} on {local:%A} {local.day} {local:%B}"


def notice_text(
    *,
    customer: str,
    ticket_id: int,
    title: str,
    now: datetime,
    arrival_at: datetime | None,
    zone_name: str = "",
    answered: bool = False,
) -> NoticeText:
    """Return the notice sent to a customer whose ticket waits while the queue is backed up.

    `answered`: the ticket had its first substantive reply, so the customer waits for the next
    update, not for a first reply. The title and the customer's name are shown on one line
    whatever they hold (a title with a line break must not break the subject); in the subject
    the title is shortened so the ticket's tag and the news still fit.
    """
    customer, short_title, title = scrub_line(customer), scrub_line(title, 80), scrub_line(title)
    if answered:
        subject = f"Re: {short_title} [#{ticket_id}]: our next update may take longer than usual"
        delay = (
            "our next update on your ticket may take longer than usual. The troubleshooting "
            "and next steps we sent you still stand."
        )
    else:
        subject = f"Re: {short_title} [#{ticket_id}]: a reply may take longer than usual"
        delay = "our first reply may take longer than the couple of hours we aim for."
    if arrival_at is not None and arrival_at > now:
        n = hours_until(now, arrival_at)
        when = (
            f"More of our team arrive in about {n} hour{'s' if n != 1 else ''} "
            f"(at {local_time(arrival_at, zone_name)}), and they will pick up your ticket "
            "in order of urgency."
        )
    else:
        when = "The team members on shift will pick up your ticket in order of urgency."
    body = (
        f"Hello {customer},\n\n"
        f"Thank you for your request “{title}” (ticket #{ticket_id}). We want to be upfront: "
        f"our support team is handling more requests than usual right now, so {delay}\n\n"
        f"{when} You don't need to do anything: we will reply on this ticket, and if anything "
        "changes in the meantime (for example it becomes more urgent), just reply to this "
        "message.\n\n"
        "Thank you for your patience,\nThe Support team"
    )
    return NoticeText(subject=subject, body=body)


def utc(at: datetime) -> datetime:
    return require_aware(at, "at").astimezone(UTC)
