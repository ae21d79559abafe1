"""`manage.py mail_presales_template`: mail the CEs the labelled template for pre-sales requests."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from mail.services.template_mail import presales_template_send


class Command(BaseCommand):
    help = (
        "Mail every active CE (or the given usernames) the labelled template that turns a mail "
        "to support into a complete pre-sales request (docs/mail.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("usernames", nargs="*", help="only these CEs (default: all of them)")

    def handle(self, *args, usernames: list[str], **options):
        sent = presales_template_send(usernames=usernames)
        for address in sent:
            self.stdout.write(f"sent to {address}")
        self.stdout.write(f"{len(sent)} CE(s) got the template.")
