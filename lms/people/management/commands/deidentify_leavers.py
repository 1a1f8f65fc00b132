"""python manage.py deidentify_leavers [--dry-run]

De-identify leavers whose left_on is more than LMS_LEAVER_RETENTION_DAYS ago (docs/data-protection.md,
"Retention"). The dry run lists who would be de-identified and changes nothing. The daily schedule
runs the same service (lms.people.tasks.deidentify_leavers_task).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from lms.people.models import Deidentification
from lms.people.retention import deidentify_leavers


class Command(BaseCommand):
    help = "De-identify leavers past the retention period (LMS_LEAVER_RETENTION_DAYS)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="list who would be de-identified, change nothing")

    def handle(self, *args, **options):
        result = deidentify_leavers(dry_run=options["dry_run"], source=Deidentification.Source.COMMAND)
        cutoff = result.left_before.isoformat()
        if options["dry_run"]:
            count = len(result.people)
            self.stdout.write(f"dry run: {count} leaver(s) who left before {cutoff} would be de-identified")
            for person in result.people:
                self.stdout.write(f"  {person.employee_number} {person.name} left {person.left_on.isoformat()}")
            return
        self.stdout.write(
            f"run #{result.run.pk}: {len(result.people)} leaver(s) who left before {cutoff} de-identified"
        )
        for name, count in sorted(result.counts.items()):
            self.stdout.write(f"{name}: {count}")
