from django.contrib.auth.models import Group, User
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from rest_framework.authtoken.models import Token

from shared.roles import ROLES, ensure_groups
from shared.validation import clean_line


class Command(BaseCommand):
    help = "Create (or update) a user in one role; --token prints only its API token, last."

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("--role", required=True, choices=ROLES)
        parser.add_argument("--password")
        parser.add_argument("--token", action="store_true", help="print the user's API token")

    @transaction.atomic
    def handle(self, *args, name, role, password, token, **options):
        if not name.strip() or len(name) > 150:
            raise CommandError("NAME must be 1 to 150 characters.")
        # Usernames show on every page and in mail: one line of letters, digits and @.+-_, as
        # Django's own sign-up form allows, and nothing invisible (shared.text).
        try:
            clean_line(name, max_length=150)
            UnicodeUsernameValidator()(name)
        except ValidationError as error:
            raise CommandError(f"NAME: {' '.join(error.messages)}") from None
        ensure_groups()
        user, created = User.objects.get_or_create(username=name)
        if password:
            user.set_password(password)
        elif created:
            user.set_unusable_password()
        user.is_staff = role == "leadership"  # leadership may edit policy tables in the admin
        user.save()
        user.groups.set([Group.objects.get(name=role)])
        if token:
            key = Token.objects.get_or_create(user=user)[0].key
            self.stdout.write(key)
        else:
            verb = "Created" if created else "Updated"
            self.stdout.write(f"{verb} {name} ({role}).")
