"""What a pre-sales request needs (R9): one definition for the form, the API and the service.

Pure code: plain values in, field → message problems out (empty when the request may be filed).

A CE is support's front line for a prospect. A request needs: an issue summary; what the
prospect attempted and the expected result; the steps already taken; the impact (who is
blocked, and how badly); where in the sales cycle the prospect is. Links to technical design
documents may be empty, key dates are optional, and who is affected (`impact_scope`: blocking
everyone, select users, other) is an optional classification on top of the impact itself.
A request is for a prospect: an account whose tier is `presales`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from shared.validation import split_links
from triage.priority import is_prospect

# Each required field, with what the CE is told when it is missing.
REQUIRED: dict[str, str] = {
    "summary": "Give a one-line summary of the issue.",
    "attempted_and_expected": "Say what the prospect attempted and what they expected to happen.",
    "steps_taken": "List the steps already taken to resolve it (or say none were).",
    "impact": "Describe the impact: who is blocked and how badly.",
    "sales_context": "Say where in the sales cycle the prospect is.",
}
OPTIONAL = ("impact_scope", "design_doc_links", "key_dates")
SUMMARY_MAX = 200
IMPACT_SCOPES = ("blocking_all", "select_users", "other")


def missing(values: Mapping[str, str]) -> dict[str, str]:
    """Return one message per required field that is missing or blank."""
    return {name: text for name, text in REQUIRED.items() if not (values.get(name) or "").strip()}


def request_problems(values: Mapping[str, str], *, impact_scope: str = "") -> dict[str, str]:
    """Return every problem with a request's text fields (required, lengths, the scope)."""
    problems = missing(values)
    if len((values.get("summary") or "").strip()) > SUMMARY_MAX:
        problems["summary"] = (
            f"Keep the summary to {SUMMARY_MAX} characters; put detail in the other fields."
        )
    if impact_scope and impact_scope not in IMPACT_SCOPES:
        problems["impact_scope"] = "Choose one of: " + ", ".join(IMPACT_SCOPES) + "."
    return problems


def prospect_problem(account_name: str, account_tier: str) -> str:
    """Return "" when the account is a prospect's, else why a pre-sales request can't be for it."""
    if is_prospect(account_tier):
        return ""
    return f"{account_name} is a {account_tier} customer, not a prospect."


def design_doc_links(links: Iterable[str]) -> tuple[list[str], str]:
    """Return (the links cleaned, "" or a message naming each one that is not an http(s) URL)."""
    clean, bad = split_links(links)
    if bad:
        return clean, "Not a valid http(s) URL: " + ", ".join(f"“{b}”" for b in bad)
    return clean, ""


def description(
    *,
    attempted_and_expected: str,
    steps_taken: str,
    impact: str,
    impact_scope_label: str,
    sales_context: str,
    links: Iterable[str],
    key_dates: Iterable[tuple[date, str]],
    key_dates_text: str,
) -> str:
    """Return the ticket's description: the request's fields under their R9 headings."""
    dates = [f"{d:%Y-%m-%d} {label}" for d, label in key_dates] + [key_dates_text]
    parts = [
        ("What the prospect attempted and expected", attempted_and_expected),
        ("Steps already taken", steps_taken),
        ("Impact" + (f" ({impact_scope_label})" if impact_scope_label else ""), impact),
        ("Sales cycle", sales_context),
        ("Technical design documents", "\n".join(links) or "none"),
        ("Key dates", "\n".join(dates).strip() or "none given"),
    ]
    return "\n\n".join(f"{title}:\n{text}" for title, text in parts)
