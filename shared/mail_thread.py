"""Threading rules for the mail we send (issue 13): the ticket tag, References, RFC 3834.

Pure code: plain values in, plain values out. Message-IDs are handled without angle brackets,
as they are stored (`triage.models.Message.message_id`); `ids_header` adds them back.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime, timedelta

from shared.hours import require_aware

REFERENCES_MAX = 20  # ids kept in References: the thread's first and the latest ones
AUTO_REPLY_WINDOW = timedelta(hours=1)  # RFC 3834: one automatic reply per sender per hour
_PREFIX = re.compile(r"^\s*((?:(?:re|fwd?|aw|sv|wg)\s*:\s*)+)", re.IGNORECASE)
# A msg-id's inside as we emit it: id-left@id-right, printable ASCII, no space or brackets.
_ATEXT = r"A-Za-z0-9!#$%&'*+\-/=?^_`{|}~."
_MSG_ID = re.compile(rf"^[{_ATEXT}]+@[{_ATEXT}\[\]]+$", re.ASCII)


def ticket_tag(ticket_id: int) -> str:
    """Return the tag that threads a reply back to its ticket, e.g. "[#123]"."""
    return f"[#{int(ticket_id)}]"


def has_tag(subject: str, ticket_id: int) -> bool:
    """Return whether the subject already carries this ticket's tag (spaces inside allowed)."""
    return re.search(rf"\[#\s*{int(ticket_id)}\s*\]", subject) is not None


def subject_tagged(subject: str, ticket_id: int) -> str:
    """Return the subject with the ticket's tag exactly once.

    A subject that carries it already is kept as it is ("Re: [#12] Exports fail" stays so);
    otherwise the tag goes after any "Re:"/"Fwd:" prefixes: "Re: [#12] Exports fail".
    """
    subject = " ".join(str(subject).split())
    if has_tag(subject, ticket_id):
        return subject
    tag = ticket_tag(ticket_id)
    match = _PREFIX.match(subject)
    if match:
        prefix = " ".join(match.group(1).split())
        rest = subject[match.end() :].strip()
        return f"{prefix} {tag} {rest}".rstrip()
    return f"{tag} {subject}".rstrip()


def clean_id(value: str) -> str:
    """Return a Message-ID without its angle brackets and spaces, or "" when it is not one we
    can put in a header safely (controls, spaces inside, brackets, no "@")."""
    text = str(value).strip()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1].strip()
    return text if len(text) <= 900 and _MSG_ID.match(text) else ""


def split_ids(value: str) -> list[str]:
    """Return the Message-IDs in a stored or received References value, in order, once each."""
    found = re.findall(r"<([^<>]*)>", value) if "<" in value else value.split()
    seen: set[str] = set()
    ids = []
    for raw in found:
        msg_id = clean_id(raw)
        if msg_id and msg_id not in seen:
            seen.add(msg_id)
            ids.append(msg_id)
    return ids


def references_chain(
    parent_references: str, parent_id: str, limit: int = REFERENCES_MAX
) -> list[str]:
    """Return the References of a reply to a message: its References then its own id.

    Bounded to `limit` ids: the thread's first (its root, which clients thread on) and the
    latest ones, as RFC 5322 section 3.6.4 allows. Ids unfit for a header are left out.
    """
    ids = [i for i in split_ids(parent_references) if i != clean_id(parent_id)]
    parent = clean_id(parent_id)
    if parent:
        ids.append(parent)
    if len(ids) > limit:
        ids = [ids[0], *ids[len(ids) - (limit - 1) :]] if limit > 1 else ids[-limit:]
    return ids


def ids_header(ids: Iterable[str]) -> str:
    """Return Message-IDs as a header value: "<a@x> <b@y>" (ids unfit for a header dropped)."""
    return " ".join(f"<{i}>" for i in (clean_id(x) for x in ids) if i)


def auto_reply_allowed(*, last_auto_reply_at: datetime | None, now: datetime) -> bool:
    """Return whether an automatic reply may go to a sender now (RFC 3834 section 2):
    not when the same address had one within the last hour."""
    require_aware(now, "now")
    if last_auto_reply_at is None:
        return True
    return require_aware(last_auto_reply_at, "last_auto_reply_at") <= now - AUTO_REPLY_WINDOW


def id_domain(address: str, fallback: str = "support-triage.localhost") -> str:
    """Return the domain for our Message-IDs: the support address's domain."""
    _, at, domain = str(address).rpartition("@")
    if not at:
        return fallback
    domain = domain.strip().strip(">").strip().lower()
    return domain if re.fullmatch(r"[a-z0-9.\-]+", domain or "") else fallback
