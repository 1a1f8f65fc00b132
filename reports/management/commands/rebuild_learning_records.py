"""python manage.py rebuild_learning_records — rebuild the LearningRecord projection from the LRS."""

from django.core.management.base import BaseCommand

from reports.services.projection import rebuild_projection


class Command(BaseCommand):
    help = "Empty the learning-record projection and replay every stored, non-voided outcome statement."

    def handle(self, *args, **options):
        count = rebuild_projection()
        self.stdout.write(f"learning records projected: {count}")
