"""python manage.py reconcile_records [--repair] — Completion, the LRS and the projection agree? (docs/deliveries.md)"""

from django.core.management.base import BaseCommand, CommandError

from reports.services.reconcile import reconcile_records


class Command(BaseCommand):
    help = "Compare Completion, the LRS and the LearningRecord projection; --repair fixes differences from the LRS."

    def add_arguments(self, parser):
        parser.add_argument("--repair", action="store_true", help="fix the repairable differences from the LRS")

    def handle(self, *args, repair=False, **options):
        differences = reconcile_records(repair=repair)
        for difference in differences:
            mark = (
                "repaired" if repair and difference.repairable else "needs staff" if not difference.repairable else ""
            )
            self.stdout.write(f"{difference.kind} {difference.statement_id}: {difference.detail} {mark}".rstrip())
        self.stdout.write(f"{len(differences)} difference(s)")
        if differences and not repair:
            raise CommandError("records differ; run with --repair to fix them from the LRS")
        left = [d for d in differences if not d.repairable]
        if repair and left:
            raise CommandError(f"{len(left)} difference(s) need staff")
