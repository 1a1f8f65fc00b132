"""Signal receivers: transport only. LRS changes go to the durable queue (lms.deliveries, docs/deliveries.md)."""

from __future__ import annotations

import logging

from lms.deliveries.services import enqueue

logger = logging.getLogger(__name__)

CONSUMER = "courses"


def on_statements_stored(sender, statement_ids=None, statements=None, **kwargs) -> None:
    """Outside platforms' completions are credited once their activity is mapped (courses/services/external.py)."""
    from courses.services.external import completion_candidate_ids, select_statements_to_credit

    statements = list(statements or [])
    try:
        ids = select_statements_to_credit(statements=statements)
    except Exception:  # noqa: BLE001 - never fail the LRS's request; the queue still gets the ids
        logger.exception("activity lookup failed at ingest; queuing every completion of the batch")
        ids = completion_candidate_ids(statements=statements)
    enqueue(consumer=CONSUMER, statement_ids=ids)


def on_statements_voided(sender, statement_ids=None, **kwargs) -> None:
    enqueue(consumer=CONSUMER, statement_ids=statement_ids or [])


def apply_statement_changes(statement_ids) -> None:
    from courses.services.external import apply_statement_changes

    apply_statement_changes(statement_ids=statement_ids)


def on_person_deidentified(sender, person, **kwargs) -> dict:
    """A leaver past retention: meeting-tool rows matched to them lose the name and e-mail they carried."""
    from courses.models import RemoteAttendanceReview

    cleared = RemoteAttendanceReview.objects.filter(resolved_enrollment__person=person).update(
        participant_name="", email=""
    )
    return {"courses.remote_attendance_rows_cleared": cleared}
