"""`manage.py receive_mail < message.eml`: one message from an MTA pipe (Postfix, Exim aliases).

Exit codes follow sysexits.h, which MTAs read: 0 the message is kept (a ticket, a reply, a
bounce, automated or quarantined: bad mail is kept, never refused, so EX_DATAERR 65 is never
used); 75 EX_TEMPFAIL when the database is unavailable or anything unexpected happened (the MTA
keeps the message and delivers it again later; the Message-ID makes that safe); 74 EX_IOERR when
standard input cannot be read.
"""

from __future__ import annotations

import logging
import sys

from django.core.management.base import BaseCommand

from mail.services.intake import receive
from triage.models import MessageSource

EX_OK = 0
EX_IOERR = 74
EX_TEMPFAIL = 75
logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Receive one RFC 5322 message on standard input (an MTA pipe); sysexits exit codes."
    # No system checks: an MTA runs this once per message, and a check must not need the database.
    requires_system_checks = []

    def handle(self, *args, **options):
        try:
            raw = sys.stdin.buffer.read()
        except OSError as error:
            self.stderr.write(f"receive_mail: cannot read the message: {error}")
            sys.exit(EX_IOERR)
        try:
            outcome = receive(raw, source=MessageSource.PIPE)
        except Exception as error:  # noqa: BLE001 - the MTA must retry, not bounce the mail
            logger.exception("receive_mail: temporary failure, the MTA will retry")
            self.stderr.write(f"receive_mail: temporary failure ({type(error).__name__}): retry")
            sys.exit(EX_TEMPFAIL)
        ticket = f" ticket #{outcome.ticket_id}" if outcome.ticket_id else ""
        self.stdout.write(f"{outcome.kind} <{outcome.message_id}>{ticket}")
        sys.exit(EX_OK)
