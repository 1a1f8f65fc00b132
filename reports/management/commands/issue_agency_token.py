"""python manage.py issue_agency_token <username> — the agency API token of an officer (or staff)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from reports.services.tokens import issue_api_token


class Command(BaseCommand):
    help = "Create (or show) the REST API token of an agency officer or training staff account."

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
        self.stdout.write(token.key)
