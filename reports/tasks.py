"""Celery tasks: transport only; each calls one service (docs/conventions.md §5)."""

from __future__ import annotations

from celery import shared_task


@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=900)
def build_report_run_task(run_id: int) -> None:
    from reports.models import ReportRun
    from reports.services.runs import build_report_run

    build_report_run(run=ReportRun.objects.get(pk=run_id))


@shared_task(acks_late=True, soft_time_limit=3600)
def monthly_compliance_task() -> None:
    from reports.services.notifications import snapshot_and_notify

    snapshot_and_notify()


@shared_task(acks_late=True)
def fail_stale_runs_task() -> int:
    from reports.services.runs import fail_stale_runs

    return fail_stale_runs()
