"""Report runs: large reports are built by a Celery task into a file; the page polls the row."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.people.models import Agency
from reports import builders, exports, selectors
from reports.models import ReportRun

logger = logging.getLogger(__name__)

# A run with no sign of progress for this long has lost its worker (the task's soft time limit
# is 15 minutes, reports/tasks.py); it is failed with a message and can be retried.
STALE_AFTER = dt.timedelta(minutes=20)
BROKER_DOWN_MESSAGE = _("背景工作佇列目前無法連線，報表未能排入產製。請稍後按「重新產製」。")
STALE_MESSAGE = _("產製逾時未有進度（背景工作可能已中斷）。請按「重新產製」。")

# ReportRun.Kind → (builder, table of reports.exports.COLUMNS)
KIND_TABLES = {
    ReportRun.Kind.COMPLIANCE: "compliance_agencies",
    ReportRun.Kind.NONCOMPLIANT: "noncompliant",
    ReportRun.Kind.CERTIFICATION: "certification",
    ReportRun.Kind.CENTER: "center",
}

# Above this many people in scope, a report download is built by a background run instead of in
# the request (docs/report-downloads.md: the city's non-compliant list, 112,000 rows, held a web
# worker for 20 s against gunicorn's 30 s timeout). A scope this size builds and writes in 1–2 s.
INLINE_DOWNLOAD_MAX_PEOPLE = 10_000
# While the file is written, the run's progress moves from 70 to 95 every this many rows.
PROGRESS_EVERY_ROWS = 10_000

PLACEMENT_NOTE = _("人員依報表基準日（年度最後一日，本年度為今日）之服務機關計算；年度中調動者計入新機關。")


def download_in_background(*, agency: Agency | None) -> bool:
    """Whether a download of a report over `agency`'s subtree (None: the city) is too large for the request."""
    people = selectors.scoped_people(agency, as_of=timezone.localdate())
    return people.count() > INLINE_DOWNLOAD_MAX_PEOPLE


def request_report_run(
    *, user, kind: str, year: int, agency: Agency | None, file_format: str, enqueue: Callable[[int], object]
) -> ReportRun:
    """Create the run row and hand its pk to `enqueue` once the row is committed (docs/conventions.md §5).

    `enqueue` is the task's `delay` (reports.tasks.build_report_run_task.delay), passed in by the
    caller: the task calls this module to build the run, so this module does not import the task.
    """
    run = ReportRun(
        kind=kind, year=year, agency=agency, requested_by=user, file_format=file_format, progressed_at=timezone.now()
    )
    run.full_clean()
    run.save()
    transaction.on_commit(lambda: _enqueue(run, enqueue))
    return run


def _enqueue(run: ReportRun, enqueue: Callable[[int], object]) -> None:
    """Hand the run to a worker; with the broker down the run fails at once and says so."""
    try:
        enqueue(run.pk)
    except Exception as error:  # noqa: BLE001 - kombu/redis raise many kinds; the page must say so at once
        run.refresh_from_db(fields=["status"])
        if run.status in (ReportRun.Status.DONE, ReportRun.Status.FAILED):
            raise  # the eager run itself failed (its error is on the row): not a broker outage
        logger.warning("report run %s not queued: %r", run.pk, error)
        _set(run, status=ReportRun.Status.FAILED, error=str(BROKER_DOWN_MESSAGE), finished_at=timezone.now())


def retry_report_run(*, run: ReportRun, user, enqueue: Callable[[int], object]) -> ReportRun:
    """A new run with the same parameters as a failed one; the failed row stays as it was."""
    return request_report_run(
        user=user, kind=run.kind, year=run.year, agency=run.agency, file_format=run.file_format, enqueue=enqueue
    )


def fail_stale_runs(*, now: dt.datetime | None = None, pk: int | None = None) -> int:
    """Mark failed the runs (or run `pk`) pending or running with no progress for STALE_AFTER; return how many."""
    now = now or timezone.now()
    runs = ReportRun.objects.filter(pk=pk) if pk is not None else ReportRun.objects.all()
    return runs.filter(
        status__in=(ReportRun.Status.PENDING, ReportRun.Status.RUNNING), progressed_at__lt=now - STALE_AFTER
    ).update(status=ReportRun.Status.FAILED, error=str(STALE_MESSAGE), finished_at=now)


def _set(run: ReportRun, **fields) -> None:
    fields.setdefault("progressed_at", timezone.now())
    ReportRun.objects.filter(pk=run.pk).update(**fields)
    for name, value in fields.items():
        setattr(run, name, value)


def build_report(kind: str, *, year: int, agency: Agency | None):
    if kind in (ReportRun.Kind.COMPLIANCE, ReportRun.Kind.NONCOMPLIANT):
        return builders.build_compliance_report(year=year, agency=agency)
    if kind == ReportRun.Kind.CERTIFICATION:
        return builders.build_certification_report(year=year, agency=agency)
    return builders.build_center_report(year=year, agency=agency)


def _reporting_progress(run: ReportRun, rows: list[dict]):
    """The rows, moving the run's progress from 70 towards 95 as the writer takes them."""
    total = max(len(rows), 1)
    for number, row in enumerate(rows, start=1):
        if number % PROGRESS_EVERY_ROWS == 0:
            _set(run, progress=70 + 25 * number // total)
        yield row


def build_report_run(*, run: ReportRun) -> ReportRun:
    """Build the run's file; progress 10 → 70 (report built) → 95 (rows written) → 100; failures kept on the row."""
    # A task given back to the broker by a dead worker (acks_late) runs again from the start.
    _set(run, status=ReportRun.Status.RUNNING, progress=10, error="", finished_at=None)
    try:
        report = build_report(run.kind, year=run.year, agency=run.agency)
        _set(run, progress=70)
        table = KIND_TABLES[run.kind]
        rows = exports.FLATTENERS[table](report)
        content, _type = exports.render(table, _reporting_progress(run, rows), run.file_format, note=PLACEMENT_NOTE)
        name = f"{run.kind}-{run.year}-{run.agency.code if run.agency else 'city'}.{run.file_format}"
        run.file.save(name, ContentFile(content), save=False)
        _set(run, file=run.file.name, status=ReportRun.Status.DONE, progress=100, finished_at=timezone.now())
    except Exception as error:  # noqa: BLE001 — any failure must be visible on the page, then re-raised
        _set(run, status=ReportRun.Status.FAILED, error=str(error)[:2000], finished_at=timezone.now())
        raise
    return run
