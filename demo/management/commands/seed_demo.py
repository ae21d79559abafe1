"""Load a demo day: accounts of every tier, ~200 tickets over the last 30 hours, one user per role.

The day is made relative to the time it is loaded (demo/day.py plans it, demo/seed.py files it
through the services); on a database that already has tickets it changes nothing.
"""

from django.core.management.base import BaseCommand
from django.utils import timezone

from demo import data
from demo.seed import demo_users, seed_day, summary
from queues.selectors import queue_health
from queues.services.load import load_store
from triage.models import Ticket


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--tickets", type=int, default=200)
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--url", default="http://127.0.0.1:8000", help="where the app runs")

    def handle(self, *args, tickets, seed, url, **options):
        first = Ticket.objects.order_by("created_at").values_list("created_at", flat=True).first()
        if first is None:
            plans = seed_day(now=timezone.now(), count=tickets, seed=seed)
            self.stdout.write(summary(plans))
        else:
            demo_users()
            hours = (timezone.now() - first).total_seconds() / 3600
            self.stdout.write(
                f"Demo data already loaded (its first ticket is {hours:.0f} h old); leaving it "
                "as it is. `python3 dev.py run --fresh` starts the day over."
            )
        # The queue page's banner shows the last stored load evaluation (beat stores one every
        # minute, deciding notices): store one now, so the banner shows a level from the start.
        load_store(queue_health())
        self.stdout.write("")
        self.stdout.write(f"Open {url} and sign in as one of:")
        for username, role in data.USERS:
            self.stdout.write(f"  {username:<6} ({role:<11}) password: {data.DEMO_PASSWORD}")
