"""Scheduled work of lms.people (the Celery beat entry is in the settings)."""

from celery import shared_task


@shared_task(acks_late=True)
def deidentify_leavers_task() -> int:
    """Daily: de-identify leavers past the retention period (docs/data-protection.md, "Retention")."""
    from lms.people.models import Deidentification
    from lms.people.retention import deidentify_leavers

    return len(deidentify_leavers(source=Deidentification.Source.SCHEDULE).people)
