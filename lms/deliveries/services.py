"""Enqueue, deliver, retry and replay "statement X changed" for the LMS's consumers (docs/deliveries.md).

A consumer is a name and a handler `handler(statement_ids)` registered in its app's ready().
The handler reads each statement's current state from the LRS (`xapi.api.get_statement_states`)
and applies it (live) or corrects for it (voided); it must be idempotent, because an id can be
delivered more than once (a replay, a retry after a worker died, a void after the statement).
Nothing here ever raises into the LRS's request: what cannot be queued is logged, and
`manage.py reconcile_records` finds it.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Callable, Iterable

from django.db import DatabaseError, transaction
from django.utils import timezone

from lms.deliveries.models import StatementDelivery

logger = logging.getLogger(__name__)

Handler = Callable[[list[uuid.UUID]], None]

MAX_ATTEMPTS = 6
# A dispatched delivery normally runs within seconds; the sweep takes over a row only after this
# grace, so that it picks up what the broker never received without racing the worker.
DISPATCH_GRACE = dt.timedelta(minutes=1)
FIRST_BACKOFF = dt.timedelta(seconds=30)
MAX_BACKOFF = dt.timedelta(hours=1)

_consumers: dict[str, Handler] = {}

Status = StatementDelivery.Status


def register_consumer(name: str, handler: Handler) -> None:
    _consumers[name] = handler


def consumers() -> list[str]:
    return sorted(_consumers)


def backoff(attempts: int) -> dt.timedelta:
    """30 s, 1 min, 2 min … doubling after each failed attempt, at most an hour."""
    return min(FIRST_BACKOFF * (2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def _unique(statement_ids: Iterable[uuid.UUID | str]) -> list[uuid.UUID]:
    return list(dict.fromkeys(uuid.UUID(str(i)) for i in statement_ids))


def enqueue(*, consumer: str, statement_ids: Iterable[uuid.UUID | str]) -> int:
    """Record that these statements changed for `consumer` and hand them to a worker; never raises.

    Called after the LRS committed. An id already queued (or done) is made pending again: it
    changed again (e.g. it was voided after being applied). Returns how many ids were queued.
    """
    ids = _unique(statement_ids)
    if not ids:
        return 0
    now = timezone.now()
    try:
        StatementDelivery.objects.bulk_create(
            [
                StatementDelivery(
                    consumer=consumer,
                    statement_id=i,
                    next_attempt_at=now + DISPATCH_GRACE,
                    created_at=now,
                    updated_at=now,
                )
                for i in ids
            ],
            update_conflicts=True,
            unique_fields=["consumer", "statement_id"],
            update_fields=["status", "attempts", "next_attempt_at", "last_error", "updated_at"],
        )
    except DatabaseError:
        logger.exception("could not queue %d statement(s) for %s; reconcile_records will find them", len(ids), consumer)
        return 0
    dispatch(consumer=consumer, statement_ids=ids)
    return len(ids)


def dispatch(*, consumer: str, statement_ids: list[uuid.UUID]) -> None:
    """Send the ids to a worker (run in-process in the embedded default); a broker outage leaves them pending."""
    from lms.deliveries.tasks import deliver_statements_task

    try:
        deliver_statements_task.delay(consumer, [str(i) for i in statement_ids])
    except Exception:  # noqa: BLE001 - kombu/redis raise many kinds; the rows stay pending for the sweep
        logger.warning(
            "broker unavailable: %d statement(s) for %s wait for the retry sweep", len(statement_ids), consumer
        )


def deliver(*, consumer: str, statement_ids: Iterable[uuid.UUID | str]) -> int:
    """Run the consumer on the pending ids; return how many were done. Failures are recorded, not raised.

    A batch that fails is retried id by id at once, so one bad statement does not hold back the
    others; each failing id gets a back-off and, after MAX_ATTEMPTS, status failed.
    """
    handler = _consumers.get(consumer)
    ids = _unique(statement_ids)
    pending = list(
        StatementDelivery.objects.filter(consumer=consumer, statement_id__in=ids, status=Status.PENDING).values_list(
            "statement_id", flat=True
        )
    )
    if not pending:
        return 0
    started = timezone.now()
    try:
        if handler is None:
            raise LookupError(f"no consumer named {consumer!r} is registered")
        with transaction.atomic():
            handler(pending)
            # Only rows not re-queued meanwhile (a void arriving during the run) are done.
            StatementDelivery.objects.filter(
                consumer=consumer, statement_id__in=pending, status=Status.PENDING, updated_at__lte=started
            ).update(status=Status.DONE, last_error="", updated_at=timezone.now())
    except Exception as error:  # noqa: BLE001 - any consumer error is recorded for staff, never lost
        if len(pending) > 1:
            return sum(deliver(consumer=consumer, statement_ids=[i]) for i in pending)
        _record_failure(consumer=consumer, statement_id=pending[0], error=error)
        return 0
    return len(pending)


def _record_failure(*, consumer: str, statement_id: uuid.UUID, error: Exception) -> None:
    logger.warning("delivery of %s to %s failed: %r", statement_id, consumer, error)
    row = StatementDelivery.objects.filter(consumer=consumer, statement_id=statement_id).first()
    if row is None:
        return
    now = timezone.now()
    row.attempts += 1
    row.last_error = f"{type(error).__name__}: {error}"[:2000]
    row.status = Status.FAILED if row.attempts >= MAX_ATTEMPTS else Status.PENDING
    row.next_attempt_at = now + backoff(row.attempts)
    row.updated_at = now
    row.save(update_fields=["attempts", "last_error", "status", "next_attempt_at", "updated_at"])


def retry_due(*, now: dt.datetime | None = None, limit: int = 1000) -> int:
    """Deliver the pending rows whose time has come (retries, and what the broker never got)."""
    now = now or timezone.now()
    due = list(
        StatementDelivery.objects.filter(status=Status.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("consumer", "statement_id")[:limit]
    )
    by_consumer: dict[str, list[uuid.UUID]] = {}
    for consumer, statement_id in due:
        by_consumer.setdefault(consumer, []).append(statement_id)
    return sum(deliver(consumer=c, statement_ids=ids) for c, ids in by_consumer.items())


def replay(*, deliveries: Iterable[StatementDelivery]) -> int:
    """Staff replay failed (or any) deliveries: pending again with a fresh count, sent at once."""
    now = timezone.now()
    by_consumer: dict[str, list[uuid.UUID]] = {}
    for delivery in deliveries:
        by_consumer.setdefault(delivery.consumer, []).append(delivery.statement_id)
    for consumer, ids in by_consumer.items():
        StatementDelivery.objects.filter(consumer=consumer, statement_id__in=ids).update(
            status=Status.PENDING, attempts=0, next_attempt_at=now + DISPATCH_GRACE, updated_at=now
        )
        dispatch(consumer=consumer, statement_ids=ids)
    return sum(len(ids) for ids in by_consumer.values())
