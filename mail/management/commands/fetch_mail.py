from django.core.management.base import BaseCommand, CommandError

from mail.services.fetch import BATCH, CHUNK, configured_mailboxes, imap_url_parse, mail_fetch


class Command(BaseCommand):
    help = (
        "Fetch unseen mail from the IMAP mailboxes of INBOUND_IMAP_URLS (or --url) into tickets; "
        "each message is flagged \\Seen once its row has committed. Exit status 1 when a mailbox "
        "could not be read."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--url",
            action="append",
            default=[],
            help="imap[s]://user:pass@host:port/FOLDER instead of INBOUND_IMAP_URLS (repeatable)",
        )
        parser.add_argument("--batch", type=int, default=BATCH, help="messages per fetch/flag")
        parser.add_argument(
            "--chunk", type=int, default=CHUNK, help="messages per database transaction"
        )

    def handle(self, *args, url, batch, chunk, **options):
        try:
            mailboxes = [imap_url_parse(u) for u in url] if url else configured_mailboxes()
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if batch < 2:
            raise CommandError("--batch must be at least 2")
        if chunk < 1:
            raise CommandError("--chunk must be at least 1")
        if not mailboxes:
            self.stdout.write("No mailboxes: set INBOUND_IMAP_URLS (or pass --url).")
            return
        results = mail_fetch(mailboxes, batch=batch, chunk=chunk)
        for r in results:
            line = (
                f"{r.mailbox}: fetched {r.fetched}, created {r.created} "
                f"({r.tickets} new tickets), duplicates {r.duplicates}"
            )
            if r.failed:
                line += f", failed {r.failed} (left unseen)"
            if r.error:
                line += f", ERROR {r.error}"
            self.stdout.write(line)
        self.stdout.write(
            f"Total: fetched {sum(r.fetched for r in results)}, "
            f"created {sum(r.created for r in results)}, "
            f"duplicates {sum(r.duplicates for r in results)}"
        )
        if any(r.error for r in results):
            raise CommandError("a mailbox could not be read (see above)", returncode=1)
