"""python manage.py issue_agency_token <username> — a new agency API token of an officer (or staff).

The token is printed once (only its digest is stored) and replaces the account's previous one.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from reports.services.tokens import issue_api_token


class Command(BaseCommand):
    help = "Issue a new agency API token (replacing the previous one) for an agency officer or training staff account."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user {username!r}")
        try:
            token = issue_api_token(user=user)
        except PermissionError as error:
            raise CommandError(str(error)) from error
        if token.expiry:
            self.stderr.write(f"expires {token.expiry:%Y-%m-%d %H:%M %Z}")
        self.stdout.write(token.key)
