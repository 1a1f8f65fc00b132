"""Exact-dict tests of the statements courses builds (the profile in courses/vocabulary.py)."""

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.utils import timezone

from courses import statements
from courses.models import AssessmentResult, Completion, Enrollment
from tests.courses.factories import AssessmentFactory, CourseFactory, OfferingFactory
from tests.lms.people.factories import TraineeFactory

pytestmark = pytest.mark.django_db

REGISTRATION = uuid.UUID("8f14e45f-ceea-467f-a0e6-1b6a1c6e8a11")
BASE = "https://lms.kcg.gov.tw/xapi"


@pytest.fixture
def offering():
    course = CourseFactory(code="AI-101", title="AI 實戰工作坊")
    return OfferingFactory(course=course, code="115-AI-101-01", hours=Decimal("6"), sessions=[])


def test_completion_statement_carries_offering_modality_and_hours(offering):
    person = TraineeFactory(employee_number="E0000001")
    enrollment = Enrollment.objects.create(
        person=person, offering=offering, status="completed", registration=REGISTRATION
    )
    completion = Completion(
        person=person,
        course=offering.course,
        offering=offering,
        enrollment=enrollment,
        modality="classroom",
        source="attendance",
        credited_hours=Decimal("5.5"),
        scheduled_hours=Decimal("6"),
        completed_at=timezone.make_aware(dt.datetime(2026, 4, 1, 16, 0)),
        statement_id=uuid.uuid4(),
    )
    assert statements.completed(completion, attendance_percent=Decimal("91.6")) == {
        "actor": {"objectType": "Agent", "account": {"homePage": "https://lms.kcg.gov.tw", "name": "E0000001"}},
        "verb": {
            "id": "http://adlnet.gov/expapi/verbs/completed",
            "display": {"zh-TW": "完成", "en-US": "completed"},
        },
        "object": {
            "objectType": "Activity",
            "id": f"{BASE}/activities/offering/115-AI-101-01",
            "definition": {
                "type": f"{BASE}/activity-types/offering",
                "name": {"zh-TW": "AI 實戰工作坊（115-AI-101-01）"},
            },
        },
        "result": {"completion": True, "duration": "PT5H30M"},
        "context": {
            "registration": str(REGISTRATION),
            "contextActivities": {
                "parent": [
                    {
                        "objectType": "Activity",
                        "id": f"{BASE}/activities/course/AI-101",
                        "definition": {
                            "type": "http://adlnet.gov/expapi/activities/course",
                            "name": {"zh-TW": "AI 實戰工作坊"},
                        },
                    }
                ]
            },
            "language": "zh-TW",
            "extensions": {
                f"{BASE}/extensions/offering": "115-AI-101-01",
                f"{BASE}/extensions/course": "AI-101",
                f"{BASE}/extensions/modality": "classroom",
                f"{BASE}/extensions/credited-hours": 5.5,
                f"{BASE}/extensions/scheduled-hours": 6,
                f"{BASE}/extensions/completion-source": "attendance",
                f"{BASE}/extensions/leave-hours": 0.5,
                f"{BASE}/extensions/attendance-percent": 91.6,
            },
        },
        "timestamp": "2026-04-01T16:00:00+08:00",
    }


def test_waitlisted_statement_names_the_position(offering):
    person = TraineeFactory(employee_number="E0000002")
    enrollment = Enrollment.objects.create(
        person=person, offering=offering, status="waitlisted", registration=REGISTRATION
    )
    statement = statements.waitlisted(enrollment, at=timezone.make_aware(dt.datetime(2026, 3, 10, 9, 0)), position=3)
    assert statement["verb"]["id"] == f"{BASE}/verbs/waitlisted"
    assert statement["context"]["extensions"] == {
        f"{BASE}/extensions/offering": "115-AI-101-01",
        f"{BASE}/extensions/course": "AI-101",
        f"{BASE}/extensions/modality": "classroom",
        f"{BASE}/extensions/enrollment-status": "waitlisted",
        f"{BASE}/extensions/waitlist-position": 3,
    }
    assert statement["timestamp"] == "2026-03-10T09:00:00+08:00"


def test_failed_assessment_statement_has_the_scaled_score():
    assessment = AssessmentFactory(track__code="PROC-BASIC", name="採購法規及實務測驗")
    person = TraineeFactory(employee_number="E0000003")
    result = AssessmentResult(
        person=person,
        assessment=assessment,
        score=Decimal("65"),
        passed=False,
        taken_on=dt.date(2026, 5, 1),
        statement_id=uuid.uuid4(),
    )
    statement = statements.assessment_result(result)
    assert statement["verb"]["id"] == "http://adlnet.gov/expapi/verbs/failed"
    assert statement["result"] == {
        "success": False,
        "completion": True,
        "score": {"raw": 65, "min": 0, "max": 100, "scaled": 0.65},
    }
    assert statement["object"]["id"] == f"{BASE}/activities/certification/PROC-BASIC/assessment/{assessment.pk}"
