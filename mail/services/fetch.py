"""IMAP polling (issue 13): unseen mail from each configured mailbox into the one pipeline.

Exactly once: a message is flagged \\Seen on the server only after `receive` has returned, i.e.
after its row has committed. A crash in between leaves it unseen, the next run fetches it again,
and `receive` deduplicates on its Message-ID, so the second delivery is a no-op. Flags are set
once per batch (one UID STORE), after every message of the batch has been received.

We flag rather than move to a "Processed" folder: \\Seen needs no folder, no MOVE extension and
no rights beyond the mailbox itself. The mailbox should be the support address's own (a person
reading it in a mail client marks messages seen before we fetch them).
"""

from __future__ import annotations

import imaplib
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from django.conf import settings
from imap_tools import AND, BaseMailBox, MailBox, MailBoxUnencrypted, MailMessage
from imap_tools.errors import ImapToolsError

from mail.services import intake
from triage.models import MessageKind

log = logging.getLogger(__name__)

BATCH = 200  # messages per UID FETCH and per UID STORE
TIMEOUT = 30.0  # seconds for any one IMAP round trip
# Consecutive failures of `receive` after which a mailbox is left for the next run: the cause is
# then the database or the pipeline, not one message, and hammering on helps nobody.
GIVE_UP_AFTER = 3
# What a mailbox may fail with: refused login or folder (imap-tools), a protocol error or a
# dropped connection (imaplib), a network or TLS error (OSError, socket.timeout included).
MAILBOX_ERRORS = (ImapToolsError, imaplib.IMAP4.error, OSError, EOFError)


@dataclass(frozen=True)
class ImapMailbox:
    """One mailbox to poll, from a URL in INBOUND_IMAP_URLS."""

    host: str
    port: int
    user: str
    password: str = field(repr=False)
    folder: str = "INBOX"
    tls: bool = True

    @property
    def label(self) -> str:
        """Name it in logs and summaries without its password."""
        return f"{self.user}@{self.host}:{self.port}/{self.folder}"


@dataclass
class MailboxResult:
    """What one run did with one mailbox."""

    mailbox: str
    fetched: int = 0
    created: int = 0  # messages stored for the first time
    duplicates: int = 0  # already stored: a crash between commit and flag, or a resend
    tickets: int = 0  # of the created, those that opened a ticket
    failed: int = 0  # `receive` raised: left unseen for the next run
    error: str = ""  # the mailbox could not be read (login, network): nothing else was done


def imap_url_parse(url: str) -> ImapMailbox:
    """Parse `imaps://user:pass@host:993/INBOX` (user, password and folder URL-decoded)."""
    parts = urlsplit(url.strip())
    if parts.scheme not in {"imap", "imaps"}:
        raise ValueError(f"not an imap:// or imaps:// URL: {parts.scheme or '(no scheme)'}://…")
    if not parts.hostname or parts.username is None:
        raise ValueError("an IMAP URL needs a user and a host: imaps://user:pass@host/INBOX")
    tls = parts.scheme == "imaps"
    folder = unquote(parts.path.lstrip("/")) or "INBOX"
    return ImapMailbox(
        host=parts.hostname,
        port=parts.port or (993 if tls else 143),
        user=unquote(parts.username),
        password=unquote(parts.password or ""),
        folder=folder,
        tls=tls,
    )


def configured_mailboxes() -> list[ImapMailbox]:
    """Return the mailboxes of INBOUND_IMAP_URLS (read at call time)."""
    return [imap_url_parse(url) for url in settings.INBOUND_IMAP_URLS if url.strip()]


class _Fetched(MailMessage):
    """A fetched message as its bytes and UID only: the pipeline parses it, imap-tools need not."""

    def __init__(self, fetch_data: list) -> None:
        raw, uid_data, flag_data = self._get_message_data_parts(fetch_data)
        self._raw_uid_data = uid_data
        self._raw_flag_data = flag_data
        self.raw: bytes = raw


def _open(mailbox: ImapMailbox) -> BaseMailBox:
    kind = MailBox if mailbox.tls else MailBoxUnencrypted
    client = kind(mailbox.host, mailbox.port, timeout=TIMEOUT)
    client.email_message_class = _Fetched
    return client.login(mailbox.user, mailbox.password, initial_folder=mailbox.folder)


def _flag_seen(client: BaseMailBox, uids: list[str]) -> None:
    # One UID STORE for the batch; .SILENT spares the server echoing every flag back, and no
    # EXPUNGE (imap-tools' `flag` expunges after each store).
    if uids:
        result = client.client.uid("STORE", ",".join(uids), "+FLAGS.SILENT", r"(\Seen)")
        if result[0] != "OK":
            raise OSError(f"UID STORE refused: {result!r}")


def mailbox_fetch(
    mailbox: ImapMailbox,
    *,
    batch: int = BATCH,
    receive: Callable[..., intake.Outcome] | None = None,
) -> MailboxResult:
    """Receive every unseen message of one mailbox, then flag each batch \\Seen on the server.

    Never raises for the mailbox's sake: a login or network failure is logged in one line and
    returned in `error`, so the caller goes on with the other mailboxes.
    """
    receive = receive or intake.receive
    result = MailboxResult(mailbox=mailbox.label)
    try:
        with _open(mailbox) as client:
            done: list[str] = []
            in_a_row = 0
            for fetched in client.fetch(AND(seen=False), mark_seen=False, bulk=batch, charset=None):
                result.fetched += 1
                try:
                    outcome = receive(fetched.raw, source="imap")
                except Exception:
                    # Left unseen: the next run tries it again.
                    result.failed += 1
                    in_a_row += 1
                    log.exception("mail fetch: %s uid %s not received", mailbox.label, fetched.uid)
                    if in_a_row >= GIVE_UP_AFTER:
                        break
                    continue
                in_a_row = 0
                _count(result, outcome)
                done.append(fetched.uid)
                if len(done) >= batch:
                    _flag_seen(client, done)
                    done = []
            _flag_seen(client, done)
    except MAILBOX_ERRORS as exc:
        result.error = _one_line(exc)
    if result.error:
        log.warning("mail fetch: %s failed: %s", mailbox.label, result.error)
    return result


def mail_fetch(mailboxes: Iterable[ImapMailbox] | None = None, **kwargs) -> list[MailboxResult]:
    """Fetch every mailbox (INBOUND_IMAP_URLS by default); one failing does not stop the rest."""
    results = []
    for mailbox in configured_mailboxes() if mailboxes is None else mailboxes:
        results.append(mailbox_fetch(mailbox, **kwargs))
    return results


def _count(result: MailboxResult, outcome: intake.Outcome) -> None:
    if outcome.kind == "duplicate":
        result.duplicates += 1
        return
    result.created += 1
    if outcome.kind == MessageKind.OPENED:
        result.tickets += 1


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or "(no message)"
    return f"{type(exc).__name__}: {text}"[:300]
