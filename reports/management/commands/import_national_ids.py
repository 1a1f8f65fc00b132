"""python manage.py import_national_ids FILE.csv — store national IDs, encrypted, for the portal export.

The file has two columns with a header: 員工編號 (employee number) and 身分證字號. Rows with an
unknown employee number or a malformed ID are reported by row number and nothing is stored
(the whole file is checked first). The IDs are never printed.
"""

import csv

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from lms.people.models import Person
from reports.services.national_export import (
    NATIONAL_ID_RE,
    NationalIdKeyError,
    national_id_key_problem,
    set_national_id,
)


class Command(BaseCommand):
    help = "Import national IDs (員工編號,身分證字號) from a UTF-8 CSV; stored Fernet-encrypted."

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, *args, path, **options):
        with open(path, encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle))[1:]
        people = dict(
            Person.objects.filter(employee_number__in=[r[0] for r in rows if r]).values_list("employee_number", "pk")
        )
        errors = []
        for number, row in enumerate(rows, start=2):
            if len(row) < 2 or row[0] not in people:
                errors.append(f"row {number}: unknown employee number")
            elif not NATIONAL_ID_RE.match(row[1].strip().upper()):
                errors.append(f"row {number}: malformed national ID")
        if errors:
            raise CommandError("nothing stored:\n" + "\n".join(errors))
        key_problem = national_id_key_problem(check_stored=False)
        if key_problem:
            raise CommandError(f"nothing stored: {key_problem}")
        try:
            with transaction.atomic():
                for row in rows:
                    set_national_id(person=Person.objects.get(pk=people[row[0]]), national_id=row[1])
        except (ValidationError, NationalIdKeyError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"national IDs stored: {len(rows)}")
