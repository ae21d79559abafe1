"""Load demo data: accounts of every tier, ~200 tickets, one user per role (passwords printed)."""

import io
import random
from datetime import timedelta

from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from queues.services import load_evaluate
from shared.roles import ensure_groups
from triage import services
from triage.models import Account, Ticket
from triage.priority import suggested_priority
from triage.selectors import sla_book

DEMO_PASSWORD = "triage-demo"  # noqa: S105 - a laptop demo; printed on purpose
USERS = [
    ("sam", "support"),
    ("sofia", "support"),
    ("cara", "ce"),
    ("lee", "leadership"),
    ("eve", "engineering"),
]
ACCOUNTS = [
    ("Northwind Labs", "presales", "cloud"),
    ("Pinecrest Analytics", "presales", "self_hosted"),
    ("Orbital Freight", "presales", "cloud"),
    ("Globex Corporation", "enterprise", "self_hosted"),
    ("Initech", "enterprise", "cloud"),
    ("Umbrella Health", "enterprise", "self_hosted"),
    ("Stark Industries", "enterprise", "cloud"),
    ("Acme Rockets", "team", "cloud"),
    ("Bluebird Studio", "team", "cloud"),
    ("Cobalt Robotics", "team", "self_hosted"),
    ("Daisy Dental", "team", "cloud"),
    ("Hobby Hackers", "free", "cloud"),
    ("Weekend Farm", "free", "cloud"),
    ("Solo Dev", "free", "self_hosted"),
    ("OpenMaps Foundation", "open_source", "self_hosted"),
    ("LibreChat Project", "open_source", "self_hosted"),
]
TITLES = [
    "Deployment fails after upgrade",
    "Login page very slow",
    "Webhooks not delivered",
    "Question about SSO setup",
    "Export to CSV times out",
    "Search returns stale results",
    "Cannot invite new users",
    "API rate limit unclear",
    "Mobile push notifications missing",
    "How to configure backups",
    "Dashboard charts empty",
    "Helm chart values for HA",
]
INTERNAL_TITLES = ["Write runbook for DB failover", "Update macros", "Triage docs backlog"]


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--tickets", type=int, default=200)
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args, tickets, seed, **options):
        ensure_groups()
        users = {}
        for username, role in USERS:
            user, created = User.objects.get_or_create(username=username)
            if created:
                user.set_password(DEMO_PASSWORD)
                user.is_staff = role == "leadership"
                user.save()
            user.groups.set([Group.objects.get(name=role)])
            users[username] = user
        if Ticket.objects.exists():
            self.stdout.write("Demo data already loaded; leaving it as it is.")
        else:
            self._load(users, tickets, random.Random(seed))  # noqa: S311 - demo data
        # The other apps' demo data: the ten-engineer rota, pre-sales requests (both idempotent).
        quiet = io.StringIO()
        call_command("seed_rota", stdout=quiet)
        call_command("seed_presales_demo", stdout=quiet)
        # The queue page's banner shows the last load evaluation (Celery beat's, every minute):
        # one now, so a laptop without beat shows the demo's level too.
        load_evaluate()
        self.stdout.write("")
        self.stdout.write("Open http://127.0.0.1:8000 and sign in as one of:")
        for username, role in USERS:
            self.stdout.write(f"  {username:<6} ({role:<11}) password: {DEMO_PASSWORD}")

    @transaction.atomic
    def _load(self, users, count, rng):
        accounts = [
            Account.objects.get_or_create(
                name=name, defaults={"tier": tier, "deployment": deployment}
            )[0]
            for name, tier, deployment in ACCOUNTS
        ]
        Account.objects.filter(name__in=["Initech", "Stark Industries"]).update(premium=True)
        now = timezone.now()
        book = sla_book(now)
        support = [users["sam"], users["sofia"]]
        for _ in range(count):
            created = now - timedelta(minutes=rng.randint(5, 60 * 24 * 4))
            roll = rng.random()
            if roll < 0.08:
                source, account, title = "internal", None, rng.choice(INTERNAL_TITLES)
            else:
                account = rng.choice(accounts)
                source = "presales" if account.tier == "presales" else "customer"
                title = rng.choice(TITLES)
            severity = (
                rng.choice(["", "p0", "p1", "p2", "p2", "p2"]) if source != "internal" else ""
            )
            by = users["cara"] if source == "presales" else rng.choice(support)
            ticket = services.ticket_create(
                title=f"{title}",
                description="Demo ticket. Steps, logs and impact would be here.",
                source=source,
                account=account,
                severity=severity,
                by=by,
                now=created,
                book=book,
            )
            fate = rng.random()
            later = min(created + timedelta(minutes=rng.randint(1, 90)), now)
            if fate < 0.45:
                continue  # new, waiting for triage
            sev = severity or rng.choice(["p1", "p2", "p2"])
            if source == "internal":
                sev = "p2"
            ticket = services.ticket_triage(
                ticket=ticket, by=rng.choice(support), severity=sev,
                priority=suggested_priority(source=source, tier=ticket.tier, severity=sev),
                now=later,
            )  # fmt: skip
            if fate < 0.6:
                continue
            ticket = services.ticket_assign(
                ticket=ticket, by=rng.choice(support), assignee=rng.choice(support), now=later
            )
            if source != "internal":
                # Most get a first response that sums up troubleshooting and next steps, some
                # late, so the dashboard's attainment and response times have something to show.
                later = min(later + timedelta(minutes=rng.randint(5, 300)), now)
                services.ticket_reply(
                    ticket=ticket, by=ticket.assignee, public=True, first_response=True,
                    body="We reproduced this on a test instance and collected the logs. "
                    "Next: we are checking the upgrade notes and will update you within a day.",
                    now=later,
                )  # fmt: skip
            status = rng.choice(
                ["in_progress", "in_progress", "waiting_on_customer", "resolved", "closed"]
            )
            if status == "closed":
                ticket = services.ticket_set_status(
                    ticket=ticket, by=ticket.assignee, status="resolved", now=later
                )
            services.ticket_set_status(ticket=ticket, by=ticket.assignee, status=status, now=later)
        top = Ticket.objects.filter(tier="team", status="new").first()
        if top:
            services.ticket_pin(
                ticket=top,
                by=users["lee"],
                reason="Renewal call tomorrow: leadership asked for it.",
            )
