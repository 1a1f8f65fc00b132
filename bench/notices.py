"""Benchmark: a bulk notice run, 50,000 session reminders queued and rendered (issue 16: ≤ 2 minutes).

    python bench/notices.py            # 50,000 reminders (100 offerings × 500 trainees)
    python bench/notices.py --quick    # 5,000

Measures notices.services.scheduled.queue_session_reminders end to end: selecting the session
days and enrolments, building each reminder's calendar invitation, rendering subject, text and
HTML in the recipient's language, inserting the Notice rows in batches, and handing the ids to
the sending task in batches (the broker is Celery's in-memory transport here, so sending itself,
which is the SMTP server's pace, is not measured). A second run over the same day shows the
idempotency check (nothing new is stored). Data are generated once per database.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.base")

BUDGET_S = 120.0
TODAY = dt.date(2026, 3, 26)  # a Thursday: the reminders are for Friday's classes
CLASS_DAY = dt.date(2026, 3, 27)


def _setup():
    import django

    django.setup()


def generate(offerings: int, per_offering: int) -> None:
    from django.db import transaction
    from django.utils import timezone

    from courses.models import Course, Enrollment, Modality, Offering, Session
    from lms.people.models import Agency, Person

    existing = Offering.objects.filter(code__startswith="BENCH-N-").count()
    if existing >= offerings:
        return
    with transaction.atomic():
        agency = Agency.objects.filter(code="BENCH-N").first() or Agency.add_root(code="BENCH-N", name="基準測試機關")
        course, _ = Course.objects.get_or_create(
            code="BENCH-N",
            defaults={"title": "基準測試課程", "credit_hours": Decimal(6), "modality": Modality.CLASSROOM},
        )
        opens = timezone.make_aware(dt.datetime(2026, 3, 1))
        closes = timezone.make_aware(dt.datetime(2026, 3, 20))
        for i in range(existing, offerings):
            offering = Offering.objects.create(
                course=course,
                code=f"BENCH-N-{i:04d}",
                start_date=CLASS_DAY,
                end_date=CLASS_DAY,
                hours=Decimal(6),
                capacity=per_offering,
                enrollment_opens=opens,
                enrollment_closes=closes,
                modality=Modality.CLASSROOM,
                venue=f"公務人力發展中心 {i % 20 + 101} 教室",
            )
            Session.objects.create(
                offering=offering,
                date=CLASS_DAY,
                start_time=dt.time(9),
                end_time=dt.time(16),
                hours=Decimal(6),
                sort_order=0,
            )
            people = Person.objects.bulk_create(
                Person(
                    employee_number=f"BN{i:04d}{j:04d}",
                    name=f"學員{i}-{j}",
                    email=f"bn{i}-{j}@example.kcg.gov.tw",
                    agency=agency,
                    employment_type="civil_servant",
                )
                for j in range(per_offering)
            )
            Enrollment.objects.bulk_create(
                Enrollment(person=p, offering=offering, status=Enrollment.Status.ENROLLED, created_at=opens)
                for p in people
            )


def measure() -> tuple[float, int, float]:
    """Wall time, rows stored, and this process's CPU time (PostgreSQL's own work not included):
    on a shared, loaded machine the CPU time compares runs where the wall time cannot."""
    from notices.services.scheduled import queue_session_reminders

    started, cpu = time.perf_counter(), time.process_time()
    stored = queue_session_reminders(today=TODAY, lead=1)
    return time.perf_counter() - started, stored, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="5,000 reminders instead of 50,000")
    args = parser.parse_args()
    _setup()
    from django.db import connection

    from lms.celery import app
    from notices.models import Notice, NoticeKind

    # Enqueue into Celery's in-memory transport: the run is measured, not the SMTP server.
    app.conf.task_always_eager = False
    app.conf.broker_url = "memory://"
    offerings, per_offering = (10, 500) if args.quick else (100, 500)
    expected = offerings * per_offering
    t0 = time.perf_counter()
    generate(offerings, per_offering)
    print(
        f"data: {offerings} offerings × {per_offering} trainees ready in {time.perf_counter() - t0:.1f} s "
        f"({connection.vendor})"
    )
    Notice.objects.filter(kind=NoticeKind.SESSION_REMINDER, key__startswith="session:").delete()

    load = os.getloadavg()[0]
    elapsed, stored, cpu = measure()
    rows = Notice.objects.filter(kind=NoticeKind.SESSION_REMINDER).count()
    sample = Notice.objects.filter(kind=NoticeKind.SESSION_REMINDER).first()
    print(
        f"first run: {stored:,} reminders queued and rendered in {elapsed:.1f} s "
        f"({stored / elapsed:,.0f}/s); rows {rows:,}; budget {BUDGET_S:.0f} s for 50,000"
    )
    print(f"  CPU of this process {cpu:.1f} s; load average {load:.1f} at the start")
    print(f"  sample: {sample.subject!r}, {len(sample.body_html)} B HTML, {len(sample.ics)} B .ics")
    again, stored_again, _cpu = measure()
    print(f"second run (idempotent): {stored_again} new rows in {again:.1f} s")
    ok = rows == expected and stored_again == 0 and (args.quick or elapsed <= BUDGET_S)
    print("PASS" if ok else "FAIL")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
