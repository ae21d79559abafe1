"""Read one RFC 5322 message into plain values (issue 13): pure, no Django, never raises.

The standard library's `email` package does the MIME work (policy.default); every header is read
defensively, because the input is whatever the internet sends: a garbled From, an unknown
charset, NUL bytes or a 10,000-character subject give what could be read, never an exception.
"""

from __future__ import annotations

import email
import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime
from email import policy
from email.message import EmailMessage, Message
from email.utils import getaddresses, parseaddr, parsedate_to_datetime

from mail.body import Attachment, read_body

# A Message-ID as stored: without angle brackets, one token, bounded like the column.
MESSAGE_ID_MAX = 998
SUBJECT_MAX = 1000
_ID_RE = re.compile(r"<([^<>\s]{1,990})>")
_BARE_ID_RE = re.compile(r"^[^<>\s@]{1,900}@[^<>\s@]{1,90}$")
DERIVED_DOMAIN = "support-triage.invalid"


@dataclass(frozen=True)
class ParsedMail:
    """What a received message says, as plain values."""

    message_id: str
    derived_id: bool
    in_reply_to: str
    references: tuple[str, ...]
    from_address: str
    from_name: str
    to: tuple[str, ...]
    subject: str
    date: datetime | None
    auto_submitted: str = ""
    precedence: str = ""
    x_autoreply: bool = False
    text: str = ""
    html: str = ""
    attachments: tuple[Attachment, ...] = ()
    # A delivery status report (RFC 3464): the Message-ID of the message it reports on.
    is_delivery_report: bool = False
    bounced_message_id: str = ""
    problems: tuple[str, ...] = field(default=())


def derived_message_id(raw: bytes) -> str:
    """Return the stable id of a message without a usable Message-ID: its bytes' sha256."""
    return f"sha256-{hashlib.sha256(raw).hexdigest()}@{DERIVED_DOMAIN}"


def message_ids(value: str) -> list[str]:
    """Return the ids in a Message-ID, In-Reply-To or References value, without brackets."""
    value = _clean(value)
    found = _ID_RE.findall(value)
    if not found and _BARE_ID_RE.match(value.strip()):
        found = [value.strip()]
    return [f for f in found if "\x00" not in f]


def _clean(value: object) -> str:
    """Return a header value as text without NUL bytes or line breaks."""
    text = str(value or "")
    return text.replace("\x00", "").replace("\r", " ").replace("\n", " ")


def _header(msg: Message, name: str) -> str:
    """Return one header's decoded value, or "" when it is absent or cannot be read."""
    try:
        value = msg.get(name)
    except Exception:  # noqa: BLE001 - a malformed header must not stop the message
        raw = msg.get_all(name, failobj=[None]) if hasattr(msg, "get_all") else [None]
        value = raw[0] if raw else None
    if value is None:
        return ""
    try:
        return _clean(str(value))
    except Exception:  # noqa: BLE001
        return _clean(repr(value))


def _raw_header(msg: Message, name: str) -> str:
    """Return one header as received (no decoding), for values that are ids."""
    for key, value in msg.raw_items() if hasattr(msg, "raw_items") else msg.items():
        if key.lower() == name.lower():
            return _clean(value)
    return ""


def one_line(text: str, max_length: int = SUBJECT_MAX) -> str:
    """Return text as one line of at most max_length characters, whitespace collapsed."""
    line = " ".join(_clean(text).split())
    line = "".join(ch for ch in line if ch.isprintable())
    return line if len(line) <= max_length else line[: max_length - 1] + "…"


def parse_bytes(raw: bytes) -> EmailMessage | Message:
    """Return the message object of raw bytes, falling back to the compat32 policy."""
    try:
        return email.message_from_bytes(raw, policy=policy.default)
    except Exception:  # noqa: BLE001 - the modern parser is stricter; compat32 reads anything
        return email.message_from_bytes(raw, policy=policy.compat32)


def _from(msg: Message) -> tuple[str, str]:
    value = _header(msg, "From")
    if not value:
        return "", ""
    try:
        name, address = parseaddr(value)
    except Exception:  # noqa: BLE001
        return "", ""
    address = address.strip().lower()
    if "@" not in address or len(address) > 320 or any(c.isspace() for c in address):
        address = ""
    return address, one_line(name, 200)


def _to(msg: Message) -> tuple[str, ...]:
    values = [_header(msg, "To"), _header(msg, "Cc")]
    try:
        pairs = getaddresses([v for v in values if v])
    except Exception:  # noqa: BLE001
        return ()
    return tuple(a.lower() for _, a in pairs if "@" in a and len(a) <= 320)


def _date(msg: Message) -> datetime | None:
    value = _header(msg, "Date")
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if parsed.tzinfo is None:
        return None  # a date without a zone says nothing reliable
    return parsed


def parse_message(raw: bytes) -> ParsedMail:
    """Return what raw bytes say; never raise (the caller keeps the bytes whatever they hold)."""
    problems: list[str] = []
    msg = parse_bytes(raw)
    ids = message_ids(_raw_header(msg, "Message-ID"))
    derived = not ids or len(ids[0]) > MESSAGE_ID_MAX
    message_id = derived_message_id(raw) if derived else ids[0]
    if derived:
        problems.append("no usable Message-ID: derived one from the message's bytes")
    in_reply_to = message_ids(_raw_header(msg, "In-Reply-To"))
    references = tuple(message_ids(_raw_header(msg, "References")))
    from_address, from_name = _from(msg)
    if not from_address:
        problems.append("no readable From address")
    body = read_body(msg)
    problems.extend(body.problems)
    return ParsedMail(
        message_id=message_id,
        derived_id=derived,
        in_reply_to=in_reply_to[0] if in_reply_to else "",
        references=references,
        from_address=from_address,
        from_name=from_name,
        to=_to(msg),
        subject=one_line(_header(msg, "Subject")),
        date=_date(msg),
        auto_submitted=_header(msg, "Auto-Submitted").strip().lower(),
        precedence=_header(msg, "Precedence").strip().lower(),
        x_autoreply=bool(_header(msg, "X-Autoreply").strip())
        or bool(_header(msg, "X-Autorespond").strip()),
        text=body.text,
        html=body.html,
        attachments=body.attachments,
        is_delivery_report=body.is_delivery_report,
        bounced_message_id=body.bounced_message_id,
        problems=tuple(problems),
    )
