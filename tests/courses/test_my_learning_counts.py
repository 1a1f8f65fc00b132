"""One count everywhere: 我的學習, the personal learning record (PDF, CSV) and the reports read the projection.

An outside platform credits two courses through /xapi/, then voids one of them: the voided course
leaves 我的學習's totals, its history table, the PDF and the CSV, and every figure equals the
learner report's and the compliance report's for that person (docs/trainee-home.md).
"""

import csv
import io
import json
import re
import uuid
from decimal import Decimal

import pytest

from courses.models import Completion, ExternalActivity, Modality
from courses.vocabulary import Verbs
from lms.people.roles import Role
from reports.models import RequirementRule
from tests.courses.factories import CompetencyAxisFactory, CourseFactory
from tests.courses.test_documents import pdf_text, whole
from tests.lms.people.factories import TraineeFactory, UserFactory
from tests.reports.factories import RuleFactory

pytestmark = pytest.mark.django_db

PLATFORM = "https://elearn.hrd.gov.tw"
KEPT = "https://mooc.example.edu.tw/course/kept-ethics"
VOIDED = "https://mooc.example.edu.tw/course/voided-netzero"
VOIDED_VERB = "http://adlnet.gov/expapi/verbs/voided"


def _completed(person, activity: str, timestamp: str) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "actor": {"objectType": "Agent", "account": {"homePage": PLATFORM, "name": person.employee_number}},
        "verb": {"id": Verbs.COMPLETED, "display": {"en-US": "completed"}},
        "object": {"objectType": "Activity", "id": activity},
        "result": {"completion": True},
        "timestamp": timestamp,
    }


def _voiding(statement_id: str) -> dict:
    return {
        "actor": {"objectType": "Agent", "account": {"homePage": PLATFORM, "name": "platform"}},
        "verb": {"id": VOIDED_VERB, "display": {"en-US": "voided"}},
        "object": {"objectType": "StatementRef", "id": statement_id},
    }


def _csv(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


@pytest.fixture
def trainee_with_a_voided_course(client, platform_auth, django_capture_on_commit_callbacks):
    axis = CompetencyAxisFactory(name="核心職能")
    kept = CourseFactory(
        title="行政倫理數位課程", credit_hours=Decimal("3"), modality=Modality.ELEARNING, competency_axis=axis
    )
    voided = CourseFactory(title="淨零排放數位課程", credit_hours=Decimal("5"), modality=Modality.ELEARNING)
    ExternalActivity.objects.create(activity_iri=KEPT, status="mapped", course=kept)
    ExternalActivity.objects.create(activity_iri=VOIDED, status="mapped", course=voided)
    RuleFactory(code="total-20h", name="每年學習 20 小時", measure=RequirementRule.Measure.TOTAL_HOURS, from_year=2026)
    person = TraineeFactory()
    to_void = _completed(person, VOIDED, "2026-06-02T10:00:00+08:00")
    batches = [[_completed(person, KEPT, "2026-06-01T10:00:00+08:00"), to_void], [_voiding(to_void["id"])]]
    for batch in batches:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                "/xapi/statements", data=json.dumps(batch), content_type="application/json", **platform_auth
            )
        assert response.status_code == 200
    # The void reached courses as a correction: the row stays, marked voided.
    assert Completion.objects.filter(person=person, voided_at__isnull=False).count() == 1
    return person


def _home_figures(client, person) -> dict:
    client.force_login(person.user)
    body = client.get("/learning/", {"year": 2026}).content.decode()
    total = Decimal(re.search(r'id="total-hours">([\d.]+)<', body).group(1))
    history = body.split('id="completions"', 1)[1].split("</table>", 1)[0]
    progress = body.split('id="rule-progress"', 1)[1].split("</table>", 1)[0]
    rule_value = Decimal(re.search(r'data-rule-code="total-20h">.*?</progress> ([\d.]+)', progress, re.S).group(1))
    pdf, _reader = pdf_text(client.get("/learning/record.pdf", {"year": 2026}).content)
    rows = _csv(client.get("/learning/record.csv", {"year": 2026}).content)
    return {"total": total, "history": history, "rule_value": rule_value, "pdf": whole(pdf), "csv": rows}


def test_a_course_voided_through_xapi_leaves_my_learning_the_pdf_and_the_csv(client, trainee_with_a_voided_course):
    home = _home_figures(client, trainee_with_a_voided_course)

    assert home["total"] == Decimal("3.0")
    assert "行政倫理數位課程" in home["history"] and "淨零排放數位課程" not in home["history"]
    assert home["rule_value"] == Decimal("3")
    assert "行政倫理數位課程" in home["pdf"] and "淨零排放數位課程" not in home["pdf"]
    assert "認證時數合計：3.0小時" in home["pdf"]
    header, *rows = home["csv"]
    assert header[1] == "課程名稱" and header[5] == "認證時數"
    assert [(row[1], row[4], row[5]) for row in rows] == [("行政倫理數位課程", "核心職能", "3.0")]


def test_my_learning_equals_the_learner_and_compliance_reports_for_that_person(client, trainee_with_a_voided_course):
    person = trainee_with_a_voided_course
    home = _home_figures(client, person)

    client.force_login(UserFactory(roles=[Role.TRAINING_STAFF]))
    learner_page = client.get("/reports/learner/", {"year": 2026, "person": person.employee_number})
    assert learner_page.status_code == 200
    assert "累計 3.0 小時" in learner_page.content.decode()
    learner = _csv(
        client.get("/reports/learner/", {"year": 2026, "person": person.employee_number, "format": "csv"}).content
    )
    (learner_row,) = [row for row in learner[1:] if row[2] == "total-20h"]
    compliance = _csv(
        client.get("/reports/compliance/", {"year": 2026, "format": "csv", "table": "noncompliant"}).content
    )
    (compliance_row,) = [row for row in compliance[1:] if row[2] == person.employee_number and row[6] == "total-20h"]

    assert Decimal(learner_row[4]) == Decimal(compliance_row[8]) == home["rule_value"] == home["total"]
    assert sum(Decimal(row[5]) for row in home["csv"][1:]) == home["total"]


def test_without_the_void_both_outside_courses_count_in_both(client, platform_auth, django_capture_on_commit_callbacks):
    course = CourseFactory(title="資安通識數位課程", credit_hours=Decimal("2"), modality=Modality.ELEARNING)
    ExternalActivity.objects.create(activity_iri=KEPT, status="mapped", course=course)
    person = TraineeFactory()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/xapi/statements",
            data=json.dumps([_completed(person, KEPT, "2026-03-01T10:00:00+08:00")]),
            content_type="application/json",
            **platform_auth,
        )
    client.force_login(person.user)
    body = client.get("/learning/", {"year": 2026}).content.decode()
    assert re.search(r'id="total-hours">2.0<', body)
    rows = _csv(client.get("/learning/record.csv", {"year": 2026}).content)
    assert [(row[1], row[5]) for row in rows[1:]] == [("資安通識數位課程", "2.0")]
    client.force_login(UserFactory(roles=[Role.TRAINING_STAFF]))
    learner_page = client.get("/reports/learner/", {"year": 2026, "person": person.employee_number})
    assert "累計 2.0 小時" in learner_page.content.decode()
