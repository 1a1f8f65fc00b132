import base64
import json
import uuid
from decimal import Decimal
from types import SimpleNamespace

import pytest

from courses import vocabulary as v
from courses.models import Completion, ExternalActivity, Modality
from courses.services.external import map_external_activity
from tests.courses.factories import CourseFactory, OfferingFactory, StaffUserFactory
from tests.lms.people.factories import TraineeFactory
from xapi import api as xapi_api

pytestmark = pytest.mark.django_db

MOOC_COURSE = "https://mooc.example.edu.tw/course/net-zero-2050"


@pytest.fixture
def platform_auth():
    credential, secret = xapi_api.get_or_create_credential("e等公務園", ["statements/write", "statements/read"])
    token = base64.b64encode(f"{credential.key}:{secret}".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {token}", "HTTP_X_EXPERIENCE_API_VERSION": "1.0.3"}


def platform_statement(person, *, activity=MOOC_COURSE, **extra):
    statement = {
        "id": str(uuid.uuid4()),
        "actor": {
            "objectType": "Agent",
            "account": {"homePage": "https://elearn.hrd.gov.tw", "name": person.employee_number},
        },
        "verb": {"id": v.Verbs.COMPLETED, "display": {"en-US": "completed"}},
        "object": {
            "objectType": "Activity",
            "id": activity,
            "definition": {"name": {"zh-TW": "2050 淨零排放（MOOC）"}},
        },
        "result": {"completion": True, "duration": "PT2H30M"},
        "timestamp": "2026-06-01T10:00:00+08:00",
    }
    statement.update(extra)
    return statement


def post(client, auth, statements, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/xapi/statements", data=json.dumps(statements), content_type="application/json", **auth)
    assert response.status_code == 200, response.content
    return response


def test_unknown_activity_is_kept_for_staff_and_credited_once_mapped(
    client, platform_auth, django_capture_on_commit_callbacks
):
    person = TraineeFactory()
    statement = platform_statement(person)
    post(client, platform_auth, [statement], django_capture_on_commit_callbacks)
    activity = ExternalActivity.objects.get()
    assert (activity.status, activity.title) == ("pending", "2050 淨零排放（MOOC）")
    assert not Completion.objects.exists()

    course = CourseFactory(code="NZ-102", credit_hours=Decimal("4"), modality=Modality.ELEARNING)
    assert map_external_activity(activity=activity, status="mapped", course=course, by_user=StaffUserFactory()) == 1
    completion = Completion.objects.get()
    assert (completion.course, completion.credited_hours, completion.source) == (course, Decimal("4.0"), "external")
    lms = xapi_api.get_statement(completion.statement_id)
    assert lms["context"]["statement"] == {"objectType": "StatementRef", "id": statement["id"]}
    assert lms["context"]["extensions"][v.Extensions.CREDITED_HOURS] == 4


def test_mapped_activity_is_credited_on_arrival_to_the_enrolled_offering(
    client, platform_auth, django_capture_on_commit_callbacks
):
    from courses.models import Enrollment

    course = CourseFactory(credit_hours=Decimal("3"), modality=Modality.ELEARNING)
    offering = OfferingFactory(course=course, modality=Modality.ELEARNING, venue="", sessions=[])
    person = TraineeFactory()
    enrollment = Enrollment.objects.create(person=person, offering=offering, status="enrolled")
    ExternalActivity.objects.create(activity_iri=MOOC_COURSE, status="mapped", course=course)
    post(client, platform_auth, [platform_statement(person)], django_capture_on_commit_callbacks)
    completion = Completion.objects.get()
    assert completion.enrollment == enrollment and completion.offering == offering
    enrollment.refresh_from_db()
    assert enrollment.status == "completed"


def test_the_same_statement_posted_twice_is_credited_once(client, platform_auth, django_capture_on_commit_callbacks):
    course = CourseFactory(credit_hours=Decimal("3"), modality=Modality.ELEARNING)
    ExternalActivity.objects.create(activity_iri=MOOC_COURSE, status="mapped", course=course)
    statement = platform_statement(TraineeFactory())
    post(client, platform_auth, [statement], django_capture_on_commit_callbacks)
    post(client, platform_auth, [statement], django_capture_on_commit_callbacks)
    assert Completion.objects.count() == 1


def test_accepted_external_course_takes_hours_from_the_statement(
    client, platform_auth, django_capture_on_commit_callbacks
):
    person = TraineeFactory()
    post(client, platform_auth, [platform_statement(person)], django_capture_on_commit_callbacks)
    map_external_activity(activity=ExternalActivity.objects.get(), status="accepted", by_user=StaffUserFactory())
    completion = Completion.objects.get()
    assert (completion.course, completion.credited_hours, completion.external_title) == (
        None,
        Decimal("2.5"),
        "2050 淨零排放（MOOC）",
    )
    assert xapi_api.get_statement(completion.statement_id)["object"]["id"] == MOOC_COURSE


def test_hours_extension_wins_over_duration(client, platform_auth, django_capture_on_commit_callbacks):
    ExternalActivity.objects.create(activity_iri=MOOC_COURSE, title="MOOC", status="accepted")
    statement = platform_statement(TraineeFactory(), context={"extensions": {v.Extensions.PLATFORM_HOURS: 6}})
    post(client, platform_auth, [statement], django_capture_on_commit_callbacks)
    assert Completion.objects.get().credited_hours == Decimal("6.0")


def test_statements_about_unknown_people_or_not_completions_credit_nothing(
    client, platform_auth, django_capture_on_commit_callbacks
):
    course = CourseFactory()
    ExternalActivity.objects.create(activity_iri=MOOC_COURSE, status="mapped", course=course)
    stranger = platform_statement(SimpleNamespace(employee_number="NOPE"))
    attempt = platform_statement(
        TraineeFactory(), verb={"id": "http://adlnet.gov/expapi/verbs/attempted"}, result={"completion": False}
    )
    post(client, platform_auth, [stranger, attempt], django_capture_on_commit_callbacks)
    assert not Completion.objects.exists()


def test_remapping_voids_what_the_old_mapping_credited(client, platform_auth, django_capture_on_commit_callbacks):
    first, second = CourseFactory(credit_hours=Decimal("3")), CourseFactory(credit_hours=Decimal("5"))
    activity = ExternalActivity.objects.create(activity_iri=MOOC_COURSE, status="mapped", course=first)
    post(client, platform_auth, [platform_statement(TraineeFactory())], django_capture_on_commit_callbacks)
    map_external_activity(activity=activity, status="mapped", course=second, by_user=StaffUserFactory())
    assert Completion.objects.count() == 2
    assert Completion.objects.get(voided_at__isnull=True).course == second


def test_a_bad_statement_is_refused_by_the_lrs_and_nothing_is_credited(client, platform_auth):
    response = client.post(
        "/xapi/statements",
        data=json.dumps([{"actor": {}, "verb": {}}]),
        content_type="application/json",
        **platform_auth,
    )
    assert response.status_code == 400
    assert not ExternalActivity.objects.exists() and not Completion.objects.exists()


def test_an_absurd_duration_is_stored_but_not_credited(client, platform_auth, django_capture_on_commit_callbacks):
    ExternalActivity.objects.create(activity_iri=MOOC_COURSE, title="MOOC", status="accepted")
    statement = platform_statement(TraineeFactory(), result={"completion": True, "duration": "PT100000H"})
    post(client, platform_auth, [statement], django_capture_on_commit_callbacks)
    assert not Completion.objects.exists()
    assert xapi_api.get_statement(statement["id"]) is not None


def test_a_batch_about_many_unknown_activities_registers_each_once(
    client, platform_auth, django_capture_on_commit_callbacks
):
    person = TraineeFactory()
    batch = [platform_statement(person, activity=f"https://mooc.example.edu.tw/course/{n % 3}") for n in range(9)]
    post(client, platform_auth, batch, django_capture_on_commit_callbacks)
    assert ExternalActivity.objects.count() == 3
    assert set(ExternalActivity.objects.values_list("platform", flat=True)) == {"e等公務園"}
