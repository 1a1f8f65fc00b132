"""Celery tasks: transport only; each calls one service (docs/conventions.md §5)."""

from __future__ import annotations

from celery import shared_task


@shared_task(acks_late=True, reject_on_worker_lost=True)
def deliver_statements_task(consumer: str, statement_ids: list[str]) -> int:
    from lms.deliveries.services import deliver

    return deliver(consumer=consumer, statement_ids=statement_ids)


@shared_task(acks_late=True)
def retry_due_deliveries_task() -> int:
    from lms.deliveries.services import retry_due

    return retry_due()
