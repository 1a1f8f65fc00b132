"""xapi.signals → the durable queue (lms.deliveries, docs/deliveries.md) → the projection service."""

from __future__ import annotations

from lms.deliveries.services import enqueue
from reports.services.projection import projected_statement_ids, sync_projection

CONSUMER = "reports"


def on_statements_stored(sender, statement_ids=None, statements=None, **kwargs) -> None:
    enqueue(consumer=CONSUMER, statement_ids=projected_statement_ids(statements=statements or []))


def on_statements_voided(sender, statement_ids=None, **kwargs) -> None:
    enqueue(consumer=CONSUMER, statement_ids=statement_ids or [])


def apply_statement_changes(statement_ids) -> None:
    sync_projection(statement_ids=statement_ids)


def on_person_deidentified(sender, person, **kwargs) -> dict:
    """A leaver past retention: their national ID goes; learning records stay for statistics."""
    from reports.services.national_export import remove_national_id

    return {"reports.national_ids_removed": remove_national_id(person=person)}
