"""Outbound mail: every message the product sends is built here (issue 15).

Titles, account names, channel names and display names end up in headers. Django refuses a
header with a line break (BadHeaderError: the message would not go out at all) and passes other
control characters through, so the text is made one line first (`shared.text.scrub_line`), then
Django and the standard library's `email` package encode it (RFC 2047 for non-ASCII) and fold
it. Recipients must each be exactly one address, so text can never add one.
"""

from __future__ import annotations

from collections.abc import Sequence
from email.errors import HeaderParseError
from email.header import decode_header, ecre, make_header
from email.headerregistry import Address
from email.utils import getaddresses

from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email

from shared.mail_thread import clean_id
from shared.text import scrub_line, scrub_text

# Long enough for a title and its ticket tag; folding keeps each header line short.
SUBJECT_MAX = 200
DISPLAY_NAME_MAX = 100
# Headers whose values are Message-IDs: passed whole (References may be long, folded at the
# spaces between ids), each id checked to be one that cannot carry a line break or a header.
ID_HEADERS = frozenset({"message-id", "in-reply-to", "references"})


def header_text(value: str, max_length: int = SUBJECT_MAX) -> str:
    """Return text fit for one header value: one line, no controls or invisible characters,
    at most `max_length` characters (an ellipsis marks a cut).

    Text that looks like an RFC 2047 encoded word ("=?utf-8?q?x=0D=0ABcc...?=") is decoded
    first: a reader decodes it, and the standard library's modern policy does so even when a
    header is set, turning it back into a line break and a header of its own.
    """
    text = str(value)
    for _ in range(3):  # an encoded word may hold another one
        if not ecre.search(text):
            break
        try:
            text = str(make_header(decode_header(text)))
        except (LookupError, UnicodeError, HeaderParseError, ValueError):
            break
    if ecre.search(text):
        text = text.replace("=?", "= ?")  # undecodable or nested deeper: no longer one
    return scrub_line(text, max_length)


def mail_address(email: str, display_name: str = "") -> str:
    """Return one address for a From, To or Reply-To header, e.g. `"Acme, Inc." <ops@acme.io>`.

    The display name is made one line and quoted by the standard library, so commas, quotes,
    angle brackets or line breaks in it can never add a recipient or a header. Raise ValueError
    when `email` is not exactly one address.
    """
    addr_spec = one_address(email)
    name = header_text(display_name, DISPLAY_NAME_MAX)
    return str(Address(display_name=name, addr_spec=addr_spec)) if name else addr_spec


def one_address(value: str) -> str:
    """Return the address in `value` ("ops@acme.io" or "Name <ops@acme.io>"), or raise
    ValueError unless it holds exactly one valid address and nothing else."""
    text = str(value)
    if scrub_line(text) != text.strip():
        raise ValueError(f"Not one e-mail address (it holds control characters): {text!r}")
    pairs = getaddresses([text])
    if len(pairs) != 1 or not pairs[0][1]:
        raise ValueError(f"Not one e-mail address: {text!r}")
    try:
        validate_email(pairs[0][1])
    except ValidationError:
        raise ValueError(f"Not a valid e-mail address: {text!r}") from None
    return pairs[0][1]


def id_header_value(value: str) -> str:
    """Return a Message-ID header value ("<a@x> <b@y>") checked id by id, or raise ValueError:
    anything but bracketed ids separated by spaces could smuggle text into the header."""
    tokens = str(value).split()
    ids = [clean_id(token) if token.startswith("<") else "" for token in tokens]
    if not tokens or not all(ids):
        raise ValueError(f"Not a list of Message-IDs: {value!r}")
    return " ".join(f"<{i}>" for i in ids)


def extra_header(name: str, value: str) -> tuple[str, str]:
    """Return a checked (name, value) pair for an extra header: the name a plain header field
    name, Message-ID headers checked id by id, any other value made one line."""
    if not (name and name.isascii() and all(33 <= ord(c) <= 126 and c != ":" for c in name)):
        raise ValueError(f"Not a header name: {name!r}")
    if name.lower() in ID_HEADERS:
        return name, id_header_value(value)
    return name, header_text(value, 998)


def mail_message(
    *,
    subject: str,
    body: str,
    to: Sequence[str],
    from_email: str | None = None,
    reply_to: Sequence[str] = (),
    headers: dict[str, str] | None = None,
    connection=None,
) -> EmailMessage:
    """Build one plain-text message: the subject made one header line, the body without control
    characters (line breaks kept), every address checked to be exactly one, extra headers
    checked (`extra_header`: a Message-ID, In-Reply-To or References holds only ids)."""
    for address in [*to, *reply_to, *([from_email] if from_email else [])]:
        one_address(address)
    return EmailMessage(
        subject=header_text(subject),
        body=scrub_text(body),
        from_email=from_email,
        to=list(to),
        reply_to=list(reply_to),
        headers=dict(extra_header(name, value) for name, value in (headers or {}).items()),
        connection=connection,
    )


def mail_send(**kwargs) -> int:
    """Build a message with `mail_message` and send it; return how many went out (0 or 1)."""
    return mail_message(**kwargs).send()
