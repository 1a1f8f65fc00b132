from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from courses import vocabulary as v
from courses.models import Attendance, Certificate, Completion, Enrollment
from courses.services import RowErrors
from courses.services.attendance import record_attendance, record_session_roster
from tests.courses.factories import EnrollmentFactory, OfferingFactory, StaffUserFactory
from xapi import api as xapi_api

pytestmark = pytest.mark.django_db


def completed_statements(enrollment):
    found = xapi_api.query_statements(registration=enrollment.registration, verb=v.Verbs.COMPLETED)
    # The LRS also returns statements that refer to a match (xAPI 1.0.3 §2.5.1, e.g. the voiding one).
    return [s for s in found if s["verb"]["id"] == v.Verbs.COMPLETED]


def test_present_every_day_completes_with_the_offering_hours_and_a_certificate():
    offering = OfferingFactory(hours=Decimal("6"), sessions=[3, 3])
    enrollment = EnrollmentFactory(offering=offering)
    staff = StaffUserFactory()
    for session in offering.sessions.all():
        record_attendance(enrollment=enrollment, session=session, status="present", recorded_by=staff)
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.COMPLETED
    completion = Completion.objects.get()
    assert completion.credited_hours == Decimal("6.0")
    [statement] = completed_statements(enrollment)
    assert statement["context"]["extensions"][v.Extensions.CREDITED_HOURS] == 6
    assert statement["context"]["extensions"][v.Extensions.MODALITY] == "classroom"
    assert Certificate.objects.get().completion == completion


def test_hours_credited_are_the_hours_attended_when_above_the_threshold():
    offering = OfferingFactory(hours=Decimal("10"), sessions=[5, 5], attendance_threshold=80)
    enrollment = EnrollmentFactory(offering=offering)
    first, second = offering.sessions.all()
    record_attendance(enrollment=enrollment, session=first, status="present")
    record_attendance(enrollment=enrollment, session=second, status="left_early", minutes=240)
    completion = Completion.objects.get()
    assert completion.credited_hours == Decimal("9.0")
    extensions = completed_statements(enrollment)[0]["context"]["extensions"]
    assert extensions[v.Extensions.LEAVE_HOURS] == 1
    assert extensions[v.Extensions.ATTENDANCE_PERCENT] == 90


def test_below_the_threshold_is_not_completed_and_credits_nothing():
    offering = OfferingFactory(hours=Decimal("10"), sessions=[5, 5], attendance_threshold=80)
    enrollment = EnrollmentFactory(offering=offering)
    first, second = offering.sessions.all()
    record_attendance(enrollment=enrollment, session=first, status="present")
    record_attendance(enrollment=enrollment, session=second, status="absent")
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.NOT_COMPLETED
    assert not Completion.objects.exists() and completed_statements(enrollment) == []


def test_correction_voids_the_completion_and_issues_a_new_one_nothing_deleted():
    offering = OfferingFactory(hours=Decimal("6"), sessions=[6])
    enrollment = EnrollmentFactory(offering=offering)
    session = offering.sessions.get()
    record_attendance(enrollment=enrollment, session=session, status="present")
    record_attendance(enrollment=enrollment, session=session, status="late", minutes=300)
    assert Attendance.objects.count() == 2 and Attendance.objects.filter(is_current=True).count() == 1
    assert Completion.objects.count() == 2
    current = Completion.objects.get(voided_at__isnull=True)
    assert current.credited_hours == Decimal("5.0")
    assert [s["context"]["extensions"][v.Extensions.CREDITED_HOURS] for s in completed_statements(enrollment)] == [5]
    assert Certificate.objects.filter(revoked_at__isnull=True).get().completion == current


def test_the_same_attendance_submitted_twice_changes_nothing():
    offering = OfferingFactory(sessions=[6])
    enrollment = EnrollmentFactory(offering=offering)
    session = offering.sessions.get()
    record_attendance(enrollment=enrollment, session=session, status="present")
    count = xapi_api.count_statements()
    record_attendance(enrollment=enrollment, session=session, status="present")
    assert Attendance.objects.count() == 1 and Completion.objects.count() == 1
    assert xapi_api.count_statements() == count


def test_minutes_beyond_the_session_are_refused_and_nothing_is_stored():
    offering = OfferingFactory(sessions=[3])
    enrollment = EnrollmentFactory(offering=offering)
    with pytest.raises(ValidationError) as excinfo:
        record_attendance(enrollment=enrollment, session=offering.sessions.get(), status="late", minutes=181)
    assert set(excinfo.value.message_dict) == {"minutes"}
    assert not Attendance.objects.exists() and xapi_api.count_statements() == 0


def test_late_without_minutes_is_refused():
    offering = OfferingFactory(sessions=[3])
    enrollment = EnrollmentFactory(offering=offering)
    with pytest.raises(ValidationError) as excinfo:
        record_attendance(enrollment=enrollment, session=offering.sessions.get(), status="late")
    assert set(excinfo.value.message_dict) == {"minutes"}


def test_a_roster_with_one_bad_row_stores_nothing_and_names_the_row():
    offering = OfferingFactory(sessions=[3])
    session = offering.sessions.get()
    good, bad = EnrollmentFactory(offering=offering), EnrollmentFactory(offering=offering)
    with pytest.raises(RowErrors) as excinfo:
        record_session_roster(
            session=session,
            entries=[{"enrollment": good, "status": "present"}, {"enrollment": bad, "status": "late", "minutes": 999}],
            recorded_by=None,
        )
    assert list(excinfo.value.rows) == [2] and "minutes" in excinfo.value.rows[2]
    assert not Attendance.objects.exists() and xapi_api.count_statements() == 0


def test_waitlisted_people_cannot_be_marked_present():
    offering = OfferingFactory(sessions=[3])
    enrollment = EnrollmentFactory(offering=offering, status=Enrollment.Status.WAITLISTED)
    with pytest.raises(ValidationError) as excinfo:
        record_attendance(enrollment=enrollment, session=offering.sessions.get(), status="present")
    assert set(excinfo.value.message_dict) == {"enrollment"}


@pytest.mark.parametrize("minutes", ["abc", -5])
def test_minutes_that_are_not_a_count_are_refused(minutes):
    offering = OfferingFactory(sessions=[3])
    enrollment = EnrollmentFactory(offering=offering)
    with pytest.raises(ValidationError) as excinfo:
        record_attendance(enrollment=enrollment, session=offering.sessions.get(), status="late", minutes=minutes)
    assert set(excinfo.value.message_dict) == {"minutes"}
    assert not Attendance.objects.exists()
