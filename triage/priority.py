"""Tiers (R1), severities (R2) and the suggested priority (R3).

Pure code: plain values in, plain values out, no ORM and no clock.
"""

from __future__ import annotations

# R1: when work must be ranked, in this order.
TIERS = ("presales", "enterprise", "team", "free", "open_source", "internal")
PAYING_TIERS = frozenset({"enterprise", "team"})
CUSTOMER_TIERS = ("enterprise", "team", "free", "open_source")
LEVELS = ("p0", "p1", "p2", "p3")  # severities and priorities, p0 first
SOURCES = ("customer", "presales", "internal")
PROSPECT = "presales"  # the tier of a prospect's account (R9: pre-sales work)

TIER_LABELS = {
    "presales": "pre-sales",
    "enterprise": "enterprise",
    "team": "team",
    "free": "free",
    "open_source": "open source",
    "internal": "internal work",
}


def is_prospect(tier: str) -> bool:
    """Return whether an account of this tier is a prospect (pre-sales work goes to those)."""
    return tier == PROSPECT


# Mail from a sender no account claims ranks as a free-tier customer until support picks its
# account (issue 13, docs/mail.md): a real person wrote, so it ranks above internal work (R1),
# but nothing says they pay, so not above the paying tiers.
UNKNOWN_SENDER_TIER = "free"


def ticket_tier(source: str, account_tier: str | None) -> tuple[str, str]:
    """Return (the tier work from this source and account ranks in, "" or why they disagree).

    Internal work has no account and ranks as internal; customer and pre-sales work rank in
    their account's tier, and pre-sales work needs a prospect's account (R9).
    """
    if source == "internal":
        if account_tier is not None:
            return "internal", "Internal work has no account: leave it null."
        return "internal", ""
    if account_tier is None:
        return "", f"A {source} ticket needs an account."
    if source == "presales" and not is_prospect(account_tier):
        return account_tier, "A pre-sales ticket needs a prospect (tier 'presales') account."
    if source == "customer" and is_prospect(account_tier):
        return account_tier, "This is a prospect account: file it with source 'presales'."
    return account_tier, ""


def suggested_priority(*, source: str, tier: str, severity: str | None) -> str:
    """Return the priority R3 gives work from this source and tier at this severity.

    A ticket nobody has assessed yet is treated as severity p2 (a non-blocking ask).
    """
    if source == "internal" or tier == "internal":
        return "p3"  # R3: internal work
    severity = severity or "p2"
    if severity in ("p0", "p1"):
        return severity  # R3: any customer or prospect, SLA or not
    if severity == "p2" and (tier in PAYING_TIERS or tier == "presales"):
        return "p2"  # R3: paying tiers and prospects
    return "p3"  # R3: free and open source p2, and anything assessed below p2
