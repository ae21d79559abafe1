"""IMAP polling (issue 13): unseen mail from each configured mailbox into the one pipeline.

Exactly once: a message is flagged \\Seen on the server only after `receive` has returned, i.e.
after its row has committed. A crash in between leaves it unseen, the next run fetches it again,
and `receive` deduplicates on its Message-ID, so the second delivery is a no-op. Rows commit a
chunk at a time (CHUNK messages in one transaction, `mail.services.chunk`); flags are set once
per batch (one UID STORE), after every chunk of the batch has committed.

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
from mail.services.chunk import receive_many
from triage.models import MessageKind

log = logging.getLogger(__name__)

BATCH = 200  # messages per UID FETCH and per UID STORE
CHUNK = 50  # messages per database transaction (mail.services.chunk)
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
    chunk: int = CHUNK,
    receive: Callable[..., intake.Outcome] | None = None,
) -> MailboxResult:
    """Receive every unseen message of one mailbox, then flag each batch \\Seen on the server.

    Messages are received `chunk` at a time in one transaction (`mail.services.chunk`); a chunk
    that fails as a whole is received one message at a time, and a message that fails alone is
    left unseen for the next run. `receive` (one message) instead of chunks is for tests.

    Never raises for the mailbox's sake: a login or network failure is logged in one line and
    returned in `error`, so the caller goes on with the other mailboxes.
    """
    result = MailboxResult(mailbox=mailbox.label)
    take = _Taker(mailbox, result, chunk=1 if receive else chunk, receive=receive)
    try:
        with _open(mailbox) as client:
            done: list[str] = []
            for fetched in client.fetch(AND(seen=False), mark_seen=False, bulk=batch, charset=None):
                result.fetched += 1
                done += take.add(fetched)
                if take.given_up:
                    break
                if len(done) >= batch:
                    _flag_seen(client, done)
                    done = []
            done += take.flush()
            _flag_seen(client, done)
    except MAILBOX_ERRORS as exc:
        result.error = _one_line(exc)
    if result.error:
        log.warning("mail fetch: %s failed: %s", mailbox.label, result.error)
    return result


class _Taker:
    """Receives fetched messages a chunk at a time; returns the UIDs whose rows committed."""

    def __init__(self, mailbox, result, *, chunk: int, receive) -> None:
        self.mailbox, self.result, self.chunk = mailbox, result, max(1, chunk)
        self.receive = receive or intake.receive
        self.pending: list[_Fetched] = []
        self.in_a_row = 0  # consecutive failures of one message
        self.given_up = False

    def add(self, fetched: _Fetched) -> list[str]:
        self.pending.append(fetched)
        return self.flush() if len(self.pending) >= self.chunk else []

    def flush(self) -> list[str]:
        pending, self.pending = self.pending, []
        if len(pending) > 1:
            try:
                outcomes = receive_many([f.raw for f in pending], source="imap")
            except Exception:
                log.exception(
                    "mail fetch: %s: a chunk of %s failed; receiving them one by one",
                    self.mailbox.label,
                    len(pending),
                )
            else:
                for outcome in outcomes:
                    _count(self.result, outcome)
                return [f.uid for f in pending]
        return [f.uid for f in pending if self._one(f)]

    def _one(self, fetched: _Fetched) -> bool:
        if self.given_up:
            return False
        try:
            outcome = self.receive(fetched.raw, source="imap")
        except Exception:
            # Left unseen: the next run tries it again.
            self.result.failed += 1
            self.in_a_row += 1
            log.exception("mail fetch: %s uid %s not received", self.mailbox.label, fetched.uid)
            self.given_up = self.in_a_row >= GIVE_UP_AFTER
            return False
        self.in_a_row = 0
        _count(self.result, outcome)
        return True


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
