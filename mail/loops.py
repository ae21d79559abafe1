"""Mail that must not open a ticket or get an automatic answer (RFC 3834; issue 13; pure).

Automated mail (out-of-office replies, mailing lists, delivery reports, other helpdesks'
acknowledgements) answered automatically makes two robots write to each other forever.
"""

from __future__ import annotations

from collections.abc import Iterable

from mail.parse import ParsedMail

ROBOT_LOCAL_PARTS = frozenset({"mailer-daemon", "postmaster"})
BULK_PRECEDENCE = frozenset({"bulk", "junk", "list"})


def automated_reason(parsed: ParsedMail, *, own_addresses: Iterable[str]) -> str:
    """Return why this message is automated ("" when a person wrote it)."""
    own = {a.strip().lower() for a in own_addresses if a}
    sender = parsed.from_address
    local = sender.split("@", 1)[0] if "@" in sender else ""
    if parsed.is_delivery_report:
        return "a delivery status report"
    if parsed.auto_submitted and parsed.auto_submitted.split(";")[0].strip() != "no":
        return f"Auto-Submitted: {parsed.auto_submitted[:60]}"
    if parsed.precedence in BULK_PRECEDENCE:
        return f"Precedence: {parsed.precedence}"
    if parsed.x_autoreply:
        return "X-Autoreply header"
    if local in ROBOT_LOCAL_PARTS or local.startswith("mailer-daemon"):
        return f"sent by {local}"
    if sender in own:
        return "sent from our own support address"
    return ""
