"""The monthly scheduled run: snapshot, officer summaries (scoped) and learner reminders."""

import datetime as dt

import pytest
from django.conf import settings
from django.core import mail

from reports.models import ComplianceSnapshot
from reports.tasks import monthly_compliance_task
from tests.lms.people.factories import AgencyOfficerFactory

pytestmark = pytest.mark.django_db


def test_beat_starts_the_monthly_run_on_the_day_staff_set():
    # The day lives in the notices schedule (NoticeSettings.monthly_run_day, tests/notices/test_scheduled.py).
    entry = settings.CELERY_BEAT_SCHEDULE["notices-due-schedules"]
    assert entry["task"] == "notices.tasks.run_due_schedules_task"


def test_monthly_run_snapshots_and_mails_each_officer_their_subtree_only(city, monkeypatch):
    from reports.services import notifications

    monkeypatch.setattr(notifications.timezone, "localdate", lambda: dt.date(2019, 12, 31))
    AgencyOfficerFactory(agency=city.b, user__email="officer-b@example.kcg.gov.tw")
    AgencyOfficerFactory(agency=city.a1, user__email="officer-a1@example.kcg.gov.tw")
    for person in (city.p1, city.p2, city.p3, city.p4):
        person.email = f"{person.employee_number.lower()}@example.kcg.gov.tw"
        person.save()
    monthly_compliance_task.delay()

    snapshot = ComplianceSnapshot.objects.get(agency=city.a, rule=city.r1, taken_on=dt.date(2019, 12, 31))
    assert (snapshot.headcount, snapshot.compliant) == (3, 1)

    officer_b = next(m for m in mail.outbox if m.to == ["officer-b@example.kcg.gov.tw"])
    assert "丙局" in officer_b.subject and "108" in officer_b.subject
    assert "尚未達成規定人數：1 人" in officer_b.body
    assert "甲局" not in officer_b.body
    officer_a1 = next(m for m in mail.outbox if m.to == ["officer-a1@example.kcg.gov.tw"])
    assert "尚未達成規定人數：2 人" in officer_a1.body

    reminded = sorted(m.to[0] for m in mail.outbox if "提醒" in m.subject)
    assert reminded == [
        "p1@example.kcg.gov.tw",
        "p2@example.kcg.gov.tw",
        "p3@example.kcg.gov.tw",
        "p4@example.kcg.gov.tw",
    ]
    p2 = next(m for m in mail.outbox if m.to == ["p2@example.kcg.gov.tw"])
    assert "尚缺 13" in p2.body and "陳四" not in p2.body


def test_rerunning_the_same_day_replaces_the_snapshot(city, monkeypatch):
    from reports.services import notifications

    monkeypatch.setattr(notifications.timezone, "localdate", lambda: dt.date(2019, 12, 31))
    monthly_compliance_task.delay()
    count = ComplianceSnapshot.objects.count()
    monthly_compliance_task.delay()
    assert ComplianceSnapshot.objects.count() == count > 0
