"""Load the demo rota: ten support engineers on weekday hours spread over UTC (PRODUCT.md)."""

from django.core.management.base import BaseCommand

from queues.demo import DEMO_PASSWORD, seed_rota


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args, **options):
        users = seed_rota()
        names = ", ".join(u.username for u in users)
        self.stdout.write(f"Rota loaded for {len(users)} engineers: {names}")
        self.stdout.write(f"New engineers sign in with the password {DEMO_PASSWORD}")
