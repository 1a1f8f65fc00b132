"""LRS changes reach courses and reports through the durable queue (docs/deliveries.md)."""

import datetime as dt
import json
import uuid
from decimal import Decimal

import pytest
from django.utils import timezone

from courses import vocabulary as v
from courses.models import Certificate, Completion, Enrollment, ExternalActivity, Modality
from lms.deliveries import services as deliveries
from lms.deliveries.models import StatementDelivery
from reports.models import LearningRecord
from tests.courses.factories import CourseFactory, OfferingFactory, StaffUserFactory
from tests.lms.people.factories import TraineeFactory
from xapi import api as xapi_api

pytestmark = pytest.mark.django_db

MOOC_COURSE = "https://mooc.example.edu.tw/course/net-zero-2050"
VOIDED = "http://adlnet.gov/expapi/verbs/voided"


@pytest.fixture
def mapped_course():
    course = CourseFactory(code="NZ-102", credit_hours=Decimal("3"), modality=Modality.ELEARNING)
    ExternalActivity.objects.create(activity_iri=MOOC_COURSE, status="mapped", course=course)
    return course


def completion_statement(person):
    return {
        "id": str(uuid.uuid4()),
        "actor": {
            "objectType": "Agent",
            "account": {"homePage": "https://elearn.hrd.gov.tw", "name": person.employee_number},
        },
        "verb": {"id": v.Verbs.COMPLETED, "display": {"en-US": "completed"}},
        "object": {"objectType": "Activity", "id": MOOC_COURSE},
        "result": {"completion": True},
        "timestamp": "2026-06-01T10:00:00+08:00",
    }


def voiding(statement_id):
    return {
        "actor": {"objectType": "Agent", "account": {"homePage": "https://elearn.hrd.gov.tw", "name": "platform"}},
        "verb": {"id": VOIDED, "display": {"en-US": "voided"}},
        "object": {"objectType": "StatementRef", "id": statement_id},
    }


def post(client, auth, statements, capture):
    with capture(execute=True):
        response = client.post("/xapi/statements", data=json.dumps(statements), content_type="application/json", **auth)
    return response


def test_a_platform_voiding_its_completion_corrects_completion_projection_and_certificate(
    client, platform_auth, mapped_course, django_capture_on_commit_callbacks
):
    offering = OfferingFactory(course=mapped_course, modality=Modality.ELEARNING, venue="", sessions=[])
    person = TraineeFactory()
    enrollment = Enrollment.objects.create(person=person, offering=offering, status="enrolled")
    statement = completion_statement(person)
    assert post(client, platform_auth, [statement], django_capture_on_commit_callbacks).status_code == 200
    completion = Completion.objects.get()
    assert LearningRecord.objects.filter(statement_id=completion.statement_id).exists()
    assert completion.certificates.filter(revoked_at__isnull=True).exists()

    assert (
        post(client, platform_auth, [voiding(statement["id"])], django_capture_on_commit_callbacks).status_code == 200
    )

    completion.refresh_from_db()
    assert completion.voided_at is not None  # a correction: the row stays, marked voided
    assert xapi_api.get_statement(completion.statement_id) is None  # the LMS's own statement is voided too
    assert xapi_api.get_statement(completion.statement_id, voided=True) is not None
    assert not LearningRecord.objects.filter(person=person).exists()
    assert Certificate.objects.filter(completion=completion).exclude(revoked_at=None).count() == 1
    enrollment.refresh_from_db()
    assert enrollment.status == "not_completed"


def test_delivering_the_same_change_twice_changes_nothing(
    client, platform_auth, mapped_course, django_capture_on_commit_callbacks
):
    statement = completion_statement(TraineeFactory())
    post(client, platform_auth, [statement], django_capture_on_commit_callbacks)
    rows = StatementDelivery.objects.filter(statement_id=statement["id"])
    with django_capture_on_commit_callbacks(execute=True):
        deliveries.replay(deliveries=list(rows))
        deliveries.replay(deliveries=list(rows))
    assert Completion.objects.count() == 1
    assert LearningRecord.objects.count() == 1
    assert set(rows.values_list("status", flat=True)) == {"done"}


def test_a_void_delivered_before_its_target_is_applied_credits_nothing(
    client, platform_auth, mapped_course, django_capture_on_commit_callbacks, monkeypatch
):
    statement = completion_statement(TraineeFactory())
    # The worker is down when the completion arrives: only its queue row is written.
    monkeypatch.setattr(deliveries, "dispatch", lambda **kwargs: None)
    post(client, platform_auth, [statement], django_capture_on_commit_callbacks)
    post(client, platform_auth, [voiding(statement["id"])], django_capture_on_commit_callbacks)
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        deliveries.retry_due(now=timezone.now() + dt.timedelta(minutes=5))
    assert not Completion.objects.filter(voided_at__isnull=True).exists()
    assert not LearningRecord.objects.exists()
    assert not StatementDelivery.objects.filter(status="pending").exists()


def test_a_failing_consumer_never_fails_the_request_and_is_retried_with_back_off(
    client, platform_auth, mapped_course, django_capture_on_commit_callbacks, monkeypatch
):
    from courses.services import external

    def broken(**kwargs):
        raise RuntimeError("courses is broken")

    monkeypatch.setattr(external, "credit_statement", broken)
    statement = completion_statement(TraineeFactory())
    response = post(client, platform_auth, [statement], django_capture_on_commit_callbacks)

    assert response.status_code == 200 and response.json() == [statement["id"]]
    assert xapi_api.get_statement(statement["id"]) is not None
    row = StatementDelivery.objects.get(consumer="courses", statement_id=statement["id"])
    assert (row.status, row.attempts) == ("pending", 1)
    assert "courses is broken" in row.last_error
    assert row.next_attempt_at > timezone.now() + dt.timedelta(seconds=20)

    later = timezone.now()
    for _ in range(deliveries.MAX_ATTEMPTS - 1):
        later += deliveries.MAX_BACKOFF
        deliveries.retry_due(now=later)
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("failed", deliveries.MAX_ATTEMPTS)
    assert not Completion.objects.exists()


def test_staff_see_failed_deliveries_and_replay_them_in_the_admin(
    client, platform_auth, mapped_course, django_capture_on_commit_callbacks, monkeypatch
):
    from courses.services import external

    real = external.credit_statement
    monkeypatch.setattr(external, "credit_statement", lambda **kwargs: (_ for _ in ()).throw(RuntimeError("boom")))
    statement = completion_statement(TraineeFactory())
    post(client, platform_auth, [statement], django_capture_on_commit_callbacks)
    StatementDelivery.objects.filter(statement_id=statement["id"]).update(status="failed", attempts=6)
    monkeypatch.setattr(external, "credit_statement", real)

    client.force_login(StaffUserFactory())
    page = client.get("/admin/deliveries/failures/")
    assert page.status_code == 200
    assert statement["id"] in page.content.decode() and "boom" in page.content.decode()

    row = StatementDelivery.objects.get(statement_id=statement["id"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/admin/deliveries/failures/", {"delivery": [row.pk]})
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.status == "done"
    assert Completion.objects.filter(source_statement_id=statement["id"]).count() == 1


def test_trainees_cannot_see_or_replay_deliveries(client):
    from tests.lms.people.factories import UserFactory

    client.force_login(UserFactory(roles=["學員"]))
    assert client.get("/admin/deliveries/failures/").status_code in (302, 403)
    assert client.post("/admin/deliveries/failures/", {"all": "1"}).status_code in (302, 403)


def test_a_broker_outage_leaves_the_changes_queued_for_the_sweep(
    client, platform_auth, mapped_course, django_capture_on_commit_callbacks, monkeypatch
):
    from kombu.exceptions import OperationalError

    from lms.deliveries import tasks

    def down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.deliver_statements_task, "delay", down)
    statement = completion_statement(TraineeFactory())
    assert post(client, platform_auth, [statement], django_capture_on_commit_callbacks).status_code == 200
    assert not Completion.objects.exists()
    assert StatementDelivery.objects.get(consumer="courses").status == "pending"
    monkeypatch.undo()

    assert deliveries.retry_due(now=timezone.now()) == 0  # still within the dispatch grace
    assert deliveries.retry_due(now=timezone.now() + deliveries.DISPATCH_GRACE) == 1
    assert Completion.objects.count() == 1


def test_a_voided_completion_that_a_track_certificate_rests_on_revokes_it(
    client, platform_auth, mapped_course, django_capture_on_commit_callbacks
):
    from courses.services.certification import record_assessment_result
    from tests.courses.factories import AssessmentFactory, CertificationTrackFactory

    track = CertificationTrackFactory()
    track.required_courses = [mapped_course]
    track.save()
    assessment = AssessmentFactory(track=track)
    person = TraineeFactory()
    statement = completion_statement(person)
    post(client, platform_auth, [statement], django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        record_assessment_result(
            person=person, assessment=assessment, score=Decimal("90"), taken_on=dt.date(2026, 6, 2)
        )
    certificate = Certificate.objects.get(kind="certification")
    assert certificate.revoked_at is None

    post(client, platform_auth, [voiding(statement["id"])], django_capture_on_commit_callbacks)
    certificate.refresh_from_db()
    assert certificate.revoked_at is not None  # revoked, kept
