"""Attendance for a session that has not started is refused (docs/integrity.md)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from courses.models import Attendance, Certificate, Completion, Session
from courses.services import RowErrors
from courses.services.attendance import record_attendance
from courses.services.imports import import_roster_file
from tests.courses.factories import EnrollmentFactory, OfferingFactory, StaffUserFactory
from xapi import api as xapi_api

pytestmark = pytest.mark.django_db


def test_attendance_for_a_session_next_week_is_refused_and_nothing_is_stored():
    next_week = timezone.localdate() + dt.timedelta(days=7)
    offering = OfferingFactory(start_date=next_week, end_date=next_week, hours=Decimal("6"), sessions=[6])
    enrollment = EnrollmentFactory(offering=offering)
    with pytest.raises(ValidationError) as excinfo:
        record_attendance(enrollment=enrollment, session=offering.sessions.get(), status="present")
    assert "尚未開始" in excinfo.value.message_dict["session"][0]
    assert not Attendance.objects.exists() and not Completion.objects.exists()
    assert xapi_api.count_statements() == 0


def test_a_roster_file_for_next_week_names_each_refused_row():
    next_week = timezone.localdate() + dt.timedelta(days=7)
    offering = OfferingFactory(start_date=next_week, end_date=next_week, hours=Decimal("6"), sessions=[6])
    a, b = EnrollmentFactory(offering=offering), EnrollmentFactory(offering=offering)
    text = (
        "員工編號,日期,出席狀態,出席分鐘數\n"
        f"{a.person.employee_number},{next_week.isoformat()},出席,\n"
        f"{b.person.employee_number},{next_week.isoformat()},出席,\n"
    )
    upload = SimpleUploadedFile("roster.csv", text.encode("utf-8-sig"), content_type="text/csv")
    with pytest.raises(RowErrors) as excinfo:
        import_roster_file(offering=offering, uploaded=upload, recorded_by=StaffUserFactory())
    assert set(excinfo.value.rows) == {2, 3}
    assert all("尚未開始" in str(errors) for errors in excinfo.value.rows.values())
    assert not Attendance.objects.exists() and not Certificate.objects.exists()


def test_a_session_still_running_completes_no_later_than_the_recording_time():
    # Fixed times: the session ran 09:00-17:00 and staff record it at 12:00 the same day.
    day = dt.date(2026, 5, 4)
    now = timezone.make_aware(dt.datetime.combine(day, dt.time(12)))
    offering = OfferingFactory(start_date=day, end_date=day, hours=Decimal("3"), sessions=[])
    session = Session.objects.create(
        offering=offering, date=day, start_time=dt.time(9), end_time=dt.time(17), hours=Decimal("3")
    )
    enrollment = EnrollmentFactory(offering=offering)
    record_attendance(enrollment=enrollment, session=session, status="present", now=now)
    completion = Completion.objects.get(enrollment=enrollment)
    assert completion.completed_at == now
    assert xapi_api.get_statement(completion.statement_id)["timestamp"].startswith("2026-05-04T")


def test_attendance_recorded_before_the_session_starts_that_day_is_refused():
    day = dt.date(2026, 5, 4)
    offering = OfferingFactory(start_date=day, end_date=day, hours=Decimal("3"), sessions=[])
    session = Session.objects.create(
        offering=offering, date=day, start_time=dt.time(9), end_time=dt.time(17), hours=Decimal("3")
    )
    enrollment = EnrollmentFactory(offering=offering)
    early = timezone.make_aware(dt.datetime.combine(day, dt.time(8, 30)))
    with pytest.raises(ValidationError) as excinfo:
        record_attendance(enrollment=enrollment, session=session, status="present", now=early)
    assert set(excinfo.value.message_dict) == {"session"}
