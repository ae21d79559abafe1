"""The escalation gate (R8): what an escalation must carry, and when "drop everything" is allowed.

Pure code: plain values in, field → message problems out (empty when the escalation may go).
Engineering sets the timing of p2 work; it drops everything only for p0/p1 tickets marked as
unable to wait a day, with a justification.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from shared.validation import split_links
from triage import status

DROP_EVERYTHING, NORMAL = "drop_everything", "normal"
URGENCIES = (DROP_EVERYTHING, NORMAL)
# Engineering drops everything only for these ticket priorities (seed: "Priority assignment").
DROP_EVERYTHING_PRIORITIES = frozenset({"p0", "p1"})
MAX_LINKS = 20
# The context's text fields (steps, impact, what was tried, questions, answers): characters.
CONTEXT_MAX = 10_000
CONTEXT_FIELDS = ("summary", "reproduction_steps", "impact", "tried")


def status_problem(ticket_status: str) -> str:
    """Return "" when a ticket in this status may be escalated, else why not (a 409)."""
    if status.can_escalate(ticket_status):
        return ""
    hint = " Triage it first (set severity and priority)." if ticket_status == status.NEW else ""
    return f"A {ticket_status} ticket can't be escalated.{hint}"


def context_problems(**fields: str) -> dict[str, str]:
    """Return one message per missing piece of context engineering needs to decide."""
    return {
        name: "Engineering needs this to decide: fill it in."
        for name, value in fields.items()
        if not (value or "").strip()
    }


def deadline_problems(
    customer_deadline: date | None, *, none_stated: bool = False
) -> dict[str, str]:
    """Return why the deadline is not stated: a date, or "no customer deadline" said outright."""
    if customer_deadline is None and not none_stated:
        return {
            "customer_deadline": "Give the customer's deadline (a date), or state that there is "
            "none (“No customer deadline”; in the API, no_customer_deadline: true)."
        }
    if customer_deadline is not None and none_stated:
        return {"customer_deadline": "Give either a deadline or “No customer deadline”, not both."}
    return {}


def links_problems(
    links: Iterable[str], *, none_stated: bool = False
) -> tuple[list[str], dict[str, str]]:
    """Return (the links cleaned, problems): at least one http(s) link, at most MAX_LINKS, or
    none stated outright (nothing to link yet)."""
    cleaned, bad = split_links(links)
    if none_stated:
        if cleaned or bad:
            return cleaned, {"links": "Give either links or “No links to share”, not both."}
        return cleaned, {}
    if not cleaned:
        return cleaned, {
            "links": "Add at least one link (logs, a design document, a trace), or state that "
            "there are none (“No links to share”; in the API, no_links: true)."
        }
    if len(cleaned) > MAX_LINKS:
        return cleaned, {"links": f"At most {MAX_LINKS} links."}
    if bad:
        return cleaned, {"links": f"“{bad[0]}” is not a valid http(s) URL."}
    return cleaned, {}


def urgency_problems(
    *, priority: str, urgency: str, cannot_wait_a_day: bool, justification: str
) -> dict[str, str]:
    """Return why this urgency is not allowed for a ticket of this priority (empty: allowed)."""
    if urgency not in URGENCIES:
        return {"urgency": f"“{urgency}” is not one of: {', '.join(URGENCIES)}."}
    if urgency != DROP_EVERYTHING:
        return {}
    if priority not in DROP_EVERYTHING_PRIORITIES:
        return {
            "urgency": f"Drop everything is only for p0 and p1 tickets; this one is "
            f"{priority}, so engineering sets the timing (normal)."
        }
    problems = {}
    if not cannot_wait_a_day:
        problems["cannot_wait_a_day"] = (
            "Drop everything needs the ticket marked as unable to wait a day."
        )
    if not (justification or "").strip():
        problems["justification"] = "Say why this cannot wait a day."
    return problems
