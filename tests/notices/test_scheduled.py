"""Reminders the day before (reminders off honoured), certificate expiry notices, and the schedule staff set."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from courses.models import Certificate, Enrollment
from notices.models import Notice, NoticeKind, NoticePreference, NoticeSettings, ScheduledRun
from notices.services.scheduled import (
    queue_certificate_expiry_notices,
    queue_session_reminders,
    reminder_dates,
    run_due_schedules,
)
from tests.courses.factories import CertificationTrackFactory, EnrollmentFactory, OfferingFactory, RemoteOfferingFactory
from tests.lms.people.factories import TraineeFactory
from tests.notices.conftest import events_of, text_body

pytestmark = pytest.mark.django_db

TAIPEI = ZoneInfo("Asia/Taipei")
FRIDAY = dt.date(2026, 3, 27)


def test_a_friday_run_reminds_of_the_weekend_and_monday_classes():
    assert reminder_dates(FRIDAY, 1) == [dt.date(2026, 3, 28), dt.date(2026, 3, 29), dt.date(2026, 3, 30)]
    assert reminder_dates(dt.date(2026, 3, 25), 1) == [dt.date(2026, 3, 26)]
    assert reminder_dates(dt.date(2026, 3, 28), 1) == []  # nothing goes out on a Saturday
    assert reminder_dates(dt.date(2026, 3, 25), 2) == [dt.date(2026, 3, 27)]


def test_reminder_carries_the_meeting_link_and_the_days_invitation(smtp, django_capture_on_commit_callbacks):
    offering = RemoteOfferingFactory(start_date=dt.date(2026, 3, 30), end_date=dt.date(2026, 3, 30))
    enrollment = EnrollmentFactory(offering=offering)
    with django_capture_on_commit_callbacks(execute=True):
        assert queue_session_reminders(today=FRIDAY, lead=1) == 1
    [message] = smtp.to(enrollment.person.email)
    assert message["Subject"].strip() == f"上課提醒：民國115年3月30日（一） {offering.course.title}"
    assert f"線上會議連結：{offering.meeting_url}" in text_body(message)
    [event] = events_of(message)
    assert str(event["UID"]) == f"{enrollment.registration}-{offering.sessions.get().pk}@lms.kcg.gov.tw"


def test_reminders_off_is_honoured_but_decisions_still_go_out(smtp, django_capture_on_commit_callbacks):
    offering = OfferingFactory(start_date=dt.date(2026, 3, 30), end_date=dt.date(2026, 3, 30))
    quiet = EnrollmentFactory(offering=offering)
    NoticePreference.objects.create(person=quiet.person, reminders_enabled=False)
    keen = EnrollmentFactory(offering=offering)
    EnrollmentFactory(offering=offering, status=Enrollment.Status.WAITLISTED)
    with django_capture_on_commit_callbacks(execute=True):
        queue_session_reminders(today=FRIDAY, lead=1)
        queue_session_reminders(today=FRIDAY, lead=1)  # a repeated run sends nothing more
    assert smtp.to(quiet.person.email) == []
    assert len(smtp.to(keen.person.email)) == 1
    assert Notice.objects.filter(kind=NoticeKind.SESSION_REMINDER).count() == 1

    from courses.services.enrollment import cancel_enrollment
    from tests.courses.factories import StaffUserFactory

    with django_capture_on_commit_callbacks(execute=True):
        cancel_enrollment(enrollment=quiet, by_user=StaffUserFactory())
    [decision] = smtp.to(quiet.person.email)
    assert decision["Subject"].startswith("報名已取消")


def test_people_turn_reminders_off_on_their_settings_page(client):
    person = TraineeFactory()
    client.force_login(person.user)
    response = client.post("/notices/settings/", {"language": "en"})  # the box left unticked: reminders off
    assert response.status_code == 302
    preference = NoticePreference.objects.get(person=person)
    assert preference.reminders_enabled is False and preference.language == "en"


def certificate(person, valid_until, number):
    track = CertificationTrackFactory(validity_months=12)
    return Certificate.objects.create(
        person=person,
        kind=Certificate.Kind.CERTIFICATION,
        track=track,
        title="資通安全通識",
        number=number,
        valid_until=valid_until,
        hours=Decimal(3),
    )


def test_certificates_are_announced_90_and_30_days_before_and_when_expired(smtp, django_capture_on_commit_callbacks):
    today = dt.date(2026, 6, 1)
    person = TraineeFactory()
    in_80 = certificate(person, today + dt.timedelta(days=80), "C-80")
    in_20 = certificate(TraineeFactory(), today + dt.timedelta(days=20), "C-20")
    gone = certificate(TraineeFactory(), today - dt.timedelta(days=1), "C-GONE")
    certificate(TraineeFactory(), today + dt.timedelta(days=200), "C-200")
    with django_capture_on_commit_callbacks(execute=True):
        queue_certificate_expiry_notices(today=today, leads=[90, 30])
        queue_certificate_expiry_notices(today=today, leads=[90, 30])
    sent = {(n.key, n.kind) for n in Notice.objects.filter(kind__startswith="certificate_")}
    assert sent == {
        (f"certificate:{in_80.pk}:expiring:90", NoticeKind.CERTIFICATE_EXPIRING),
        (f"certificate:{in_20.pk}:expiring:30", NoticeKind.CERTIFICATE_EXPIRING),
        (f"certificate:{gone.pk}:expired", NoticeKind.CERTIFICATE_EXPIRED),
    }
    [message] = smtp.to(person.email)
    assert message["Subject"] == "證書即將到期：資通安全通識" and "尚餘 80 天" in text_body(message)


def test_the_schedule_staff_set_decides_when_the_daily_run_starts(django_capture_on_commit_callbacks, monkeypatch):
    schedule = NoticeSettings.load()
    schedule.reminder_time = dt.time(16, 30)
    schedule.monthly_run_day = 27
    schedule.save()
    started_monthly = []
    from reports.tasks import monthly_compliance_task

    monkeypatch.setattr(monthly_compliance_task, "delay", lambda: started_monthly.append(True))
    offering = OfferingFactory(start_date=dt.date(2026, 3, 30), end_date=dt.date(2026, 3, 30))
    EnrollmentFactory(offering=offering)
    with django_capture_on_commit_callbacks(execute=True):
        assert run_due_schedules(now=dt.datetime(2026, 3, 27, 9, 0, tzinfo=TAIPEI)) == []
        assert run_due_schedules(now=dt.datetime(2026, 3, 27, 16, 45, tzinfo=TAIPEI)) == ["daily", "monthly"]
        assert run_due_schedules(now=dt.datetime(2026, 3, 27, 17, 0, tzinfo=TAIPEI)) == []
    assert ScheduledRun.objects.get(kind="daily").queued == 1
    assert started_monthly == [True]


def test_a_monthly_run_day_outside_1_to_28_is_refused():
    from django.core.exceptions import ValidationError

    schedule = NoticeSettings(monthly_run_day=31, expiry_lead_days="90,x")
    with pytest.raises(ValidationError) as excinfo:
        schedule.full_clean()
    assert {"monthly_run_day", "expiry_lead_days"} <= set(excinfo.value.message_dict)
