"""Which thread a received message belongs to, and what it newly says (issue 13; pure).

A reply names the messages it answers in In-Reply-To and References (RFC 5322 §3.6.4); the
nearest one we know (sent or received) gives the ticket. A mail client that drops those headers
usually keeps the subject, so a ticket tag "[#123]" is the fallback. Only the new text of a
reply goes on the timeline: the quoted history is already there.
"""

from __future__ import annotations

import re

from mailparser_reply import EmailReplyParser

# "[#123]", also with spaces inside ("[# 123 ]"), as `shared.mail_thread.has_tag` reads ours.
TAG_RE = re.compile(r"\[#\s*(\d{1,12})\s*\]")
REPLY_LANGUAGES = ["en", "de", "fr", "es", "it", "nl", "sv", "pl", "ja"]


def thread_ids(*, in_reply_to: str, references: tuple[str, ...]) -> list[str]:
    """Return the Message-IDs a message answers, nearest first (In-Reply-To, then the newest
    References), without repeats."""
    ordered = [in_reply_to, *reversed(references)]
    seen: list[str] = []
    for message_id in ordered:
        if message_id and message_id not in seen:
            seen.append(message_id)
    return seen


def subject_ticket_id(subject: str) -> int | None:
    """Return the ticket id of a "[#123]" tag in a subject (the last one), or None."""
    found = TAG_RE.findall(subject or "")
    return int(found[-1]) if found else None


def new_text(text: str) -> str:
    """Return a reply's new text, without the quoted history and the "On ... wrote:" line.

    Falls back to the whole text when the parser finds nothing new (a reply that is only a
    quote, or one the parser cannot split): losing the customer's words is worse than a quote.
    """
    if not text.strip():
        return ""
    try:
        found = EmailReplyParser(languages=REPLY_LANGUAGES).parse_reply(text=text)
    except Exception:  # noqa: BLE001 - a regex library on hostile text
        found = ""
    found = (found or "").strip()
    return found or text.strip()
