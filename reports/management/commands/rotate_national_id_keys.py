"""Re-encrypt every stored national ID with the newest key (docs/national-upload.md §6)."""

from django.core.management.base import BaseCommand, CommandError

from reports.services.national_export import NationalIdKeyError, rotate_national_id_keys


class Command(BaseCommand):
    help = "Re-encrypt all national IDs with the first key of NATIONAL_ID_KEYS (keep the old keys after it)."

    def handle(self, *args, **options):
        try:
            count = rotate_national_id_keys()
        except NationalIdKeyError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"{count}")
