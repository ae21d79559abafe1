from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError

from shared.tokens import token_revoke


class Command(BaseCommand):
    help = "Revoke a user's API token: it stops working at once (the revocation is logged)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username}.")
        if token_revoke(user=user, by=None):
            self.stdout.write(f"Revoked the API token of {username}.")
        else:
            self.stdout.write(f"{username} had no API token.")
