"""End to end: what courses records reaches the reports projection, and a correction replaces it there too."""

from decimal import Decimal

import pytest

from courses.services.attendance import record_attendance
from reports.models import LearningRecord
from tests.courses.factories import EnrollmentFactory, OfferingFactory

pytestmark = pytest.mark.django_db


def test_attendance_completion_and_its_correction_reach_the_projection(django_capture_on_commit_callbacks):
    offering = OfferingFactory(hours=Decimal("6"), sessions=[6])
    enrollment = EnrollmentFactory(offering=offering)
    session = offering.sessions.get()
    with django_capture_on_commit_callbacks(execute=True):
        record_attendance(enrollment=enrollment, session=session, status="present")
    record = LearningRecord.objects.get()
    assert (record.person, record.offering, record.credited_hours, record.modality) == (
        enrollment.person,
        offering,
        Decimal("6"),
        "classroom",
    )
    with django_capture_on_commit_callbacks(execute=True):
        record_attendance(enrollment=enrollment, session=session, status="left_early", minutes=300)
    assert list(LearningRecord.objects.values_list("credited_hours", flat=True)) == [Decimal("5")]
