"""Report runs: large reports are built by a Celery task into a file; the page polls the row."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.people.models import Agency
from reports import builders, exports
from reports.models import ReportRun

# ReportRun.Kind → (builder, table of reports.exports.COLUMNS)
KIND_TABLES = {
    ReportRun.Kind.COMPLIANCE: "compliance_agencies",
    ReportRun.Kind.NONCOMPLIANT: "noncompliant",
    ReportRun.Kind.CERTIFICATION: "certification",
    ReportRun.Kind.CENTER: "center",
}

PLACEMENT_NOTE = _("人員依報表基準日（年度最後一日，本年度為今日）之服務機關計算；年度中調動者計入新機關。")


def request_report_run(*, user, kind: str, year: int, agency: Agency | None, file_format: str) -> ReportRun:
    """Create the run row and enqueue its task once the row is committed (conventions §3.5)."""
    from reports.tasks import build_report_run_task

    run = ReportRun(kind=kind, year=year, agency=agency, requested_by=user, file_format=file_format)
    run.full_clean()
    run.save()
    transaction.on_commit(lambda: build_report_run_task.delay(run.pk))
    return run


def _set(run: ReportRun, **fields) -> None:
    ReportRun.objects.filter(pk=run.pk).update(**fields)
    for name, value in fields.items():
        setattr(run, name, value)


def build_report(kind: str, *, year: int, agency: Agency | None):
    if kind in (ReportRun.Kind.COMPLIANCE, ReportRun.Kind.NONCOMPLIANT):
        return builders.build_compliance_report(year=year, agency=agency)
    if kind == ReportRun.Kind.CERTIFICATION:
        return builders.build_certification_report(year=year, agency=agency)
    return builders.build_center_report(year=year, agency=agency)


def build_report_run(*, run: ReportRun) -> ReportRun:
    """Build the run's file; progress goes 10 → 70 → 100 and failures are kept on the row."""
    _set(run, status=ReportRun.Status.RUNNING, progress=10)
    try:
        report = build_report(run.kind, year=run.year, agency=run.agency)
        _set(run, progress=70)
        table = KIND_TABLES[run.kind]
        content, _type = exports.render(table, exports.FLATTENERS[table](report), run.file_format, note=PLACEMENT_NOTE)
        name = f"{run.kind}-{run.year}-{run.agency.code if run.agency else 'city'}.{run.file_format}"
        run.file.save(name, ContentFile(content), save=False)
        _set(run, file=run.file.name, status=ReportRun.Status.DONE, progress=100, finished_at=timezone.now())
    except Exception as error:  # noqa: BLE001 — any failure must be visible on the page, then re-raised
        _set(run, status=ReportRun.Status.FAILED, error=str(error)[:2000], finished_at=timezone.now())
        raise
    return run
