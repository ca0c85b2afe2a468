"""The first staff account of a new deployment, without a prompt:

    docker compose exec -e DJANGO_STAFF_PASSWORD web python manage.py create_staff ops@example.org

The password comes from DJANGO_STAFF_PASSWORD (never an argument: it would stay in the
shell history and the process list), or is asked for when a terminal is attached.
"""

import getpass
import os
import sys

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from accounts.services import staff_account_create


class Command(BaseCommand):
    help = "Create (or restore) a superuser whose email address counts as verified."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"Not an email address: {email!r}") from None
        password = os.environ.get("DJANGO_STAFF_PASSWORD") or self._ask_password()
        try:
            validate_password(password)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        user, created = staff_account_create(email=email, password=password)
        verb = "Created" if created else "Updated"
        self.stdout.write(self.style.SUCCESS(f"{verb} staff account {user.email}."))

    def _ask_password(self):
        if not sys.stdin.isatty():
            raise CommandError("Set DJANGO_STAFF_PASSWORD, or run with a terminal to be asked.")
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Password (again): "):
            raise CommandError("The passwords differ.")
        return password
