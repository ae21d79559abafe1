"""The real Dovecot for mail tests (.ci/dovecot.sh): a fresh folder per test, delivery by APPEND.

TEST_IMAP_URL names the server (`.ci/dovecot.sh start` prints it). Unset or unreachable, the
tests skip on a laptop and fail under REQUIRE_SERVICES=1, as for PostgreSQL and Redis.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import replace
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime

from imap_tools import AND, MailBoxUnencrypted

from mail.services.fetch import ImapMailbox, imap_url_parse


def server_url() -> str:
    return os.environ.get("TEST_IMAP_URL", "")


def open_box(box: ImapMailbox, folder: str | None = None):
    assert not box.tls, "tests talk plain IMAP to the local Dovecot"
    client = MailBoxUnencrypted(box.host, box.port, timeout=10)
    return client.login(box.user, box.password, initial_folder=folder or box.folder)


def reachable(url: str) -> tuple[bool, str]:
    if not url:
        return False, "TEST_IMAP_URL is unset (start Dovecot: .ci/dovecot.sh start)"
    try:
        with open_box(imap_url_parse(url)):
            return True, ""
    except Exception as exc:  # noqa: BLE001 - any failure means "no server"
        return False, f"Dovecot at {url.split('@')[-1]} is not usable: {exc}"


def fresh_folder(url: str) -> ImapMailbox:
    """Create a folder of its own for one test (other runs may share the server)."""
    box = replace(imap_url_parse(url), folder=f"t{secrets.token_hex(6)}")
    with open_box(box, folder="INBOX") as client:
        client.folder.create(box.folder)
    return box


def drop_folder(box: ImapMailbox) -> None:
    with open_box(box, folder="INBOX") as client:
        client.folder.delete(box.folder)


def rfc5322(n: int, *, sender: str = "ops@acme.example", message_id: str | None = None) -> bytes:
    """Return a plain customer message as a mail client would send it."""
    msg = EmailMessage()
    msg["From"] = f"Ops Team <{sender}>"
    msg["To"] = "support@example.com"
    msg["Subject"] = f"Export stuck, case {n}"
    msg["Date"] = format_datetime(datetime(2026, 12, 1, 9, 0, tzinfo=UTC))
    msg["Message-ID"] = message_id or f"<case-{n}-{secrets.token_hex(4)}@acme.example>"
    msg.set_content(f"Hello,\n\nThe nightly export {n} has been stuck since 02:00.\n\nOps\n")
    return msg.as_bytes().replace(b"\n", b"\r\n")


def deliver(box: ImapMailbox, messages: list[bytes]) -> None:
    with open_box(box) as client:
        for raw in messages:
            client.append(raw, box.folder, flag_set=())


def counts(box: ImapMailbox) -> tuple[int, int]:
    """Return (messages, unseen) in the folder."""
    with open_box(box) as client:
        return len(client.uids("ALL")), len(client.uids(AND(seen=False)))
