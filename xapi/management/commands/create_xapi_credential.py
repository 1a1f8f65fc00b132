"""Create an xAPI credential from the shell; the last line is "KEY SECRET"."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from xapi.models import SCOPE_NAMES
from xapi.services.credentials import create_credential


class Command(BaseCommand):
    help = "Create an xAPI credential (HTTP Basic key and secret) for a source system."

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("--scope", action="append", choices=SCOPE_NAMES, dest="scopes", help="repeatable")
        parser.add_argument(
            "--isolate-documents",
            action="store_true",
            help="keep this credential's State and profile documents apart from every other credential's",
        )

    def handle(self, *args, **options):
        try:
            credential, secret = create_credential(
                name=options["name"],
                scopes=options["scopes"] or ["all"],
                isolate_documents=options["isolate_documents"],
            )
        except ValidationError as exc:
            raise CommandError("; ".join(f"{k}: {', '.join(v)}" for k, v in exc.message_dict.items())) from exc
        self.stdout.write(f"Created credential {credential.name!r} with scopes {', '.join(credential.scopes)}.")
        self.stdout.write("The secret is shown only now:")
        self.stdout.write(f"{credential.key} {secret}")
