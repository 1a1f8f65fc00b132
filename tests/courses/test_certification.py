import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from courses.models import AssessmentResult, Certificate
from courses.services.certification import record_assessment_result, verify_certificate
from tests.courses.factories import AssessmentFactory, StaffUserFactory
from tests.lms.people.factories import TraineeFactory
from xapi import api as xapi_api

pytestmark = pytest.mark.django_db


def test_passing_every_assessment_issues_a_numbered_certificate_with_an_earned_statement():
    assessment = AssessmentFactory(track__validity_months=36)
    person = TraineeFactory()
    record_assessment_result(person=person, assessment=assessment, score=Decimal("88"),
                             taken_on=dt.date(2026, 5, 1), recorded_by=StaffUserFactory())
    certificate = Certificate.objects.get()
    assert certificate.number.startswith("KCG") and certificate.valid_until is not None
    assert verify_certificate(code=str(certificate.verification_code)) == certificate
    verbs = [s["verb"]["id"] for s in xapi_api.query_statements(ascending=True)]
    assert verbs == ["http://adlnet.gov/expapi/verbs/passed", "http://id.tincanapi.com/verb/earned"]


def test_correcting_a_pass_to_a_fail_voids_and_revokes_nothing_deleted():
    assessment = AssessmentFactory()
    person = TraineeFactory()
    record_assessment_result(person=person, assessment=assessment, score=Decimal("88"), taken_on=dt.date(2026, 5, 1))
    record_assessment_result(person=person, assessment=assessment, score=Decimal("58"), taken_on=dt.date(2026, 5, 1))
    assert AssessmentResult.objects.count() == 2
    assert Certificate.objects.get().revoked_at is not None
    verbs = [s["verb"]["id"] for s in xapi_api.query_statements() if s["verb"]["id"].endswith(("passed", "failed"))]
    assert verbs == ["http://adlnet.gov/expapi/verbs/failed"]


def test_score_above_the_maximum_is_refused_and_nothing_is_stored():
    with pytest.raises(ValidationError) as excinfo:
        record_assessment_result(person=TraineeFactory(), assessment=AssessmentFactory(), score=Decimal("101"),
                                 taken_on=dt.date(2026, 5, 1))
    assert set(excinfo.value.message_dict) == {"score"}
    assert not AssessmentResult.objects.exists() and xapi_api.count_statements() == 0


def test_unknown_verification_code_is_refused():
    with pytest.raises(ValidationError):
        verify_certificate(code="not-a-code")
