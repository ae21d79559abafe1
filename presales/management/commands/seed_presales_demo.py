"""Add demo pre-sales data: requests with key dates from cara, an exception, a joined channel."""

from datetime import timedelta

from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from presales import services
from presales.models import PresalesRequest
from shared.roles import ensure_groups
from triage.models import Account

REQUESTS = [
    ("Northwind Labs", "SAML login loops back to the sign-in page", "select_users", 1),
    ("Pinecrest Analytics", "Air-gapped install fails pulling images", "blocking_all", 6),
    ("Orbital Freight", "Webhook latency above 30 s under trial load", "other", 20),
]


class Command(BaseCommand):
    help = __doc__

    @transaction.atomic
    def handle(self, *args, **options):
        ensure_groups()
        try:
            cara = User.objects.get(username="cara")
            sam = User.objects.get(username="sam")
        except User.DoesNotExist:
            raise CommandError("Run seed_demo first (it creates cara and sam).") from None
        if not cara.groups.filter(name="ce").exists():
            cara.groups.add(Group.objects.get(name="ce"))
        if PresalesRequest.objects.filter(requested_by=cara).exists():
            self.stdout.write("Pre-sales demo data already present.")
            return
        today = timezone.localdate()
        filed = []
        for name, summary, scope, days in REQUESTS:
            account = Account.objects.get_or_create(
                name=name, defaults={"tier": "presales", "deployment": "cloud"}
            )[0]
            filed.append(
                services.presales_request_create(
                    by=cara,
                    account=account,
                    summary=summary,
                    attempted_and_expected="Followed the reference guide; expected it to work.",
                    steps_taken="Reproduced on a fresh trial instance; checked logs.",
                    impact_scope=scope,
                    impact="The evaluation team cannot finish its test plan.",
                    design_doc_links=[f"https://docs.example.com/tdd/{account.pk}"],
                    sales_context="Technical evaluation.",
                    key_dates=[(today + timedelta(days=days), "decision")],
                )
            )
        services.channel_join(ticket=filed[1].ticket, by=sam, channel="#trial-pinecrest")
        services.exception_request(
            by=cara,
            kind="monitor_channel",
            account=filed[1].account,
            ticket=filed[1].ticket,
            reason="Strategic prospect; the trial ends in three weeks.",
            ends_on=today + timedelta(days=21),
        )
        self.stdout.write(f"Filed {len(filed)} pre-sales requests, one exception, one channel.")
