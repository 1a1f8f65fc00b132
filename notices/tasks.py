"""Notice tasks: transport only, each calls one service."""

from __future__ import annotations

from celery import shared_task


@shared_task(bind=True, acks_late=True, max_retries=3)
def send_notices_task(self, notice_ids: list[int]) -> None:
    from notices.services.sending import send_notices

    failed = send_notices(notice_ids=list(notice_ids))
    # Only transient delivery failures come back; the row says failed until the retry sends it.
    if failed and not self.request.is_eager and self.request.retries < self.max_retries:
        raise self.retry(args=[failed], countdown=60 * (self.request.retries + 1))


@shared_task(acks_late=True)
def announce_offering_changes_task(offering_id: int) -> None:
    from notices.services.events import announce_offering_changes

    announce_offering_changes(offering_id=offering_id)


@shared_task(acks_late=True, soft_time_limit=1800)
def run_due_schedules_task() -> None:
    from notices.services.scheduled import run_due_schedules

    run_due_schedules()
