"""Read a message's body parts: text, sanitized HTML, attachments, delivery reports (pure).

HTML-only mail becomes text with inscriptis; HTML kept for display is sanitized with nh3. A
part that cannot be decoded (an unknown charset, broken base64) is read as well as it can be,
with a problem noted, never an exception.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from email.message import Message

import nh3
from inscriptis import get_text

TEXT_MAX = 200_000  # characters of body text kept on the row (the raw message keeps it all)
_TAGS = set(nh3.ALLOWED_TAGS) - {"img"}
_ID_RE = re.compile(r"<([^<>\s]{1,990})>")


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    content: bytes


@dataclass
class Body:
    text: str = ""
    html: str = ""
    attachments: tuple[Attachment, ...] = ()
    is_delivery_report: bool = False
    bounced_message_id: str = ""
    problems: list[str] = field(default_factory=list)


def _payload_bytes(part: Message) -> bytes:
    try:
        data = part.get_payload(decode=True)
    except Exception:  # noqa: BLE001 - broken transfer encoding
        data = None
    if data is None:
        payload = part.get_payload()
        data = payload.encode("utf-8", "replace") if isinstance(payload, str) else b""
    return data


def part_text(part: Message, problems: list[str]) -> str:
    """Return a text part decoded with its charset, or as UTF-8 with replacements."""
    data = _payload_bytes(part)
    try:
        charset = part.get_content_charset() or "utf-8"
    except Exception:  # noqa: BLE001 - a garbled Content-Type parameter
        charset = "utf-8"
    try:
        text = data.decode(charset, "replace")
    except (LookupError, ValueError):
        problems.append(f"unknown charset {charset[:40]!r}: read as UTF-8")
        text = data.decode("utf-8", "replace")
    return text.replace("\x00", "")


def html_to_text(html: str) -> str:
    """Return the readable text of an HTML body."""
    try:
        return get_text(html).strip()
    except Exception:  # noqa: BLE001 - inscriptis on a pathological document
        return nh3.clean(html, tags=set()).strip()


def sanitize_html(html: str) -> str:
    """Return HTML safe to show: no scripts, styles, handlers or remote-loading tricks."""
    # No images: a remote one tells the sender when and where support read the mail.
    return nh3.clean(html, tags=_TAGS, link_rel="noopener noreferrer nofollow")


def _filename(part: Message) -> str:
    try:
        name = part.get_filename() or ""
    except Exception:  # noqa: BLE001
        name = ""
    name = "".join(ch for ch in str(name) if ch.isprintable() and ch not in "/\\")
    return name.strip()[:200]


def _content_type(part: Message) -> str:
    try:
        return part.get_content_type()
    except Exception:  # noqa: BLE001
        return "application/octet-stream"


def _bounced_id(report: Message) -> str:
    """Return the Message-ID of the original message inside a delivery report, if it says."""
    for part in report.walk():
        ctype = _content_type(part)
        if ctype in ("message/rfc822", "text/rfc822-headers"):
            inner = part.get_payload()
            if isinstance(inner, list) and inner:
                inner = inner[0]
            if isinstance(inner, Message):
                found = _ID_RE.findall(str(inner.get("Message-ID", "") or ""))
            else:
                found = re.findall(
                    r"(?im)^message-id:\s*<([^<>\s]+)>",
                    _payload_bytes(part).decode("utf-8", "replace"),
                )
            if found:
                return found[0]
    return ""


def read_body(msg: Message) -> Body:
    """Walk the parts of a message: the first text and HTML bodies, the rest attachments."""
    body = Body()
    plain: list[str] = []
    html: list[str] = []
    attachments: list[Attachment] = []
    top_type = _content_type(msg)
    if top_type == "multipart/report":
        body.is_delivery_report = True
        body.bounced_message_id = _bounced_id(msg)
    _walk(msg, plain, html, attachments, body.problems, depth=0)
    text = "\n\n".join(t.strip() for t in plain if t.strip())
    html_text = "\n".join(html)
    if not text and html_text:
        text = html_to_text(html_text)
    body.text = text[:TEXT_MAX]
    body.html = sanitize_html(html_text)[:TEXT_MAX] if html_text else ""
    body.attachments = tuple(attachments)
    return body


def _walk(part, plain, html, attachments, problems, depth) -> None:
    if depth > 20:
        problems.append("parts nested more than 20 deep: the rest is in the raw message")
        return
    ctype = _content_type(part)
    if ctype == "message/rfc822":
        # A forwarded message: kept whole as an attachment (the raw message keeps it too).
        attachments.append(
            Attachment(
                filename=_filename(part) or "forwarded-message.eml",
                content_type="message/rfc822",
                content=_rfc822_bytes(part),
            )
        )
        inner = _inner(part)
        if inner is not None:
            # Its text is part of what the sender says ("see below"), so it joins ours.
            texts: list[str] = []
            _walk(inner, texts, [], [], problems, depth + 1)
            head = "\n".join(
                f"{name}: {str(inner.get(name, '') or '')[:200]}"
                for name in ("From", "Date", "Subject")
                if inner.get(name)
            )
            plain.append(f"---------- Forwarded message ----------\n{head}\n\n" + "\n".join(texts))
        return
    if ctype == "message/delivery-status":
        return  # machine-readable: the report's text part says it for people
    if part.is_multipart():
        payload = part.get_payload()
        if not isinstance(payload, list):
            return
        if ctype == "multipart/alternative":
            # One body in several forms: the plain one is the text, the HTML one is the HTML.
            for sub in payload:
                sub_type = _content_type(sub)
                if sub_type == "text/plain" and not _is_attachment(sub):
                    plain.append(part_text(sub, problems))
                elif sub_type == "text/html" and not _is_attachment(sub):
                    html.append(part_text(sub, problems))
                else:
                    _walk(sub, plain, html, attachments, problems, depth + 1)
            return
        for sub in payload:
            if isinstance(sub, Message):
                _walk(sub, plain, html, attachments, problems, depth + 1)
        return
    if _is_attachment(part):
        attachments.append(_as_file(part, ctype))
    elif ctype == "text/plain" or (ctype.startswith("text/") and ctype != "text/html"):
        if ctype in ("text/plain", "text/enriched") or depth == 0:
            plain.append(part_text(part, problems))
        else:
            attachments.append(_as_file(part, ctype, default_name="part.txt"))
    elif ctype == "text/html":
        html.append(part_text(part, problems))
    else:
        attachments.append(_as_file(part, ctype))


def _as_file(part: Message, ctype: str, default_name: str = "attachment") -> Attachment:
    return Attachment(
        filename=_filename(part) or default_name, content_type=ctype, content=_payload_bytes(part)
    )


def _is_attachment(part: Message) -> bool:
    try:
        disposition = (part.get_content_disposition() or "").lower()
    except Exception:  # noqa: BLE001
        disposition = ""
    return disposition == "attachment" or (disposition == "inline" and bool(_filename(part)))


def _inner(part: Message) -> Message | None:
    payload = part.get_payload()
    inner = payload[0] if isinstance(payload, list) and payload else payload
    return inner if isinstance(inner, Message) else None


def _rfc822_bytes(part: Message) -> bytes:
    inner = _inner(part)
    if inner is not None:
        try:
            return inner.as_bytes()
        except Exception:  # noqa: BLE001
            return str(inner).encode("utf-8", "replace")
    return _payload_bytes(part)
