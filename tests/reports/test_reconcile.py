"""manage.py reconcile_records: Completion, the LRS and the projection agree, or say where not."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from courses.models import Completion, ExternalActivity
from reports.models import LearningRecord
from tests.courses.factories import CourseFactory
from tests.lms.deliveries.test_deliveries import (
    MOOC_COURSE,
    completion_statement,
    voiding,
)
from tests.lms.people.factories import TraineeFactory
from xapi import api as xapi_api

pytestmark = pytest.mark.django_db


def reconcile(*args) -> str:
    out = io.StringIO()
    call_command("reconcile_records", *args, stdout=out)
    return out.getvalue()


def post(client, auth, statements, capture):
    with capture(execute=True):
        return client.post("/xapi/statements", data=json.dumps(statements), content_type="application/json", **auth)


@pytest.fixture
def credited(client, platform_auth, django_capture_on_commit_callbacks):
    course = CourseFactory(credit_hours=3)
    ExternalActivity.objects.create(activity_iri=MOOC_COURSE, status="mapped", course=course)
    statement = completion_statement(TraineeFactory())
    assert post(client, platform_auth, [statement], django_capture_on_commit_callbacks).status_code == 200
    return statement


def test_records_made_through_the_services_have_no_differences(credited):
    assert Completion.objects.count() == 1 and LearningRecord.objects.count() == 1
    assert reconcile().strip().endswith("0 difference(s)")


def test_a_lost_projection_row_is_reported_and_repaired_from_the_lrs(credited):
    LearningRecord.objects.all().delete()
    with pytest.raises(CommandError):
        reconcile()
    output = reconcile("--repair")
    assert "projection_missing" in output
    assert LearningRecord.objects.count() == 1
    assert reconcile().strip().endswith("0 difference(s)")


def test_a_void_whose_delivery_was_lost_is_repaired_as_a_correction(
    client, platform_auth, credited, django_capture_on_commit_callbacks, monkeypatch
):
    from lms.deliveries import services

    monkeypatch.setattr(services, "enqueue", lambda **kwargs: 0)
    monkeypatch.setattr("courses.receivers.enqueue", lambda **kwargs: 0)
    monkeypatch.setattr("reports.receivers.enqueue", lambda **kwargs: 0)
    post(client, platform_auth, [voiding(credited["id"])], django_capture_on_commit_callbacks)
    monkeypatch.undo()
    assert Completion.objects.get().voided_at is None  # the change never reached courses

    with django_capture_on_commit_callbacks(execute=True):
        output = reconcile("--repair")
    assert "completion_source_voided" in output
    completion = Completion.objects.get()
    assert completion.voided_at is not None
    assert xapi_api.get_statement(completion.statement_id) is None
    assert not LearningRecord.objects.exists()
    assert reconcile().strip().endswith("0 difference(s)")


# The demo data reconciling with no differences is checked where the demo is loaded with real
# commits (tests/lms/test_load_demo.py), as load_demo runs from the command line.
