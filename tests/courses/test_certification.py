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
    record_assessment_result(
        person=person,
        assessment=assessment,
        score=Decimal("88"),
        taken_on=dt.date(2026, 5, 1),
        recorded_by=StaffUserFactory(),
    )
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
        record_assessment_result(
            person=TraineeFactory(), assessment=AssessmentFactory(), score=Decimal("101"), taken_on=dt.date(2026, 5, 1)
        )
    assert set(excinfo.value.message_dict) == {"score"}
    assert not AssessmentResult.objects.exists() and xapi_api.count_statements() == 0


def test_unknown_verification_code_is_refused():
    with pytest.raises(ValidationError):
        verify_certificate(code="not-a-code")


def _track_with_course(min_attendance_percent=90, window=12):
    from tests.courses.factories import CertificationTrackFactory, CourseFactory

    course = CourseFactory(credit_hours=Decimal("10"))
    track = CertificationTrackFactory(min_attendance_percent=min_attendance_percent, completion_window_months=window)
    track.required_courses = [course]
    track.save()
    return track, course, AssessmentFactory(track=track)


def _complete(person, course, hours, when):
    from django.utils import timezone

    from courses.services.completion import record_completion

    record_completion(
        person=person,
        course=course,
        modality="classroom",
        source="attendance",
        credited_hours=Decimal(hours),
        scheduled_hours=Decimal("10"),
        completed_at=timezone.make_aware(dt.datetime.combine(when, dt.time(16))),
    )


def test_certificate_needs_the_required_course_with_enough_attendance():
    track, course, assessment = _track_with_course()
    enough, short = TraineeFactory(), TraineeFactory()
    _complete(enough, course, "9", dt.date(2026, 4, 1))
    _complete(short, course, "8.5", dt.date(2026, 4, 1))
    record_assessment_result(person=enough, assessment=assessment, score=Decimal("80"), taken_on=dt.date(2026, 5, 1))
    record_assessment_result(
        person=short,
        assessment=assessment,
        score=Decimal("80"),
        taken_on=dt.date(2026, 5, 1),
        barred_override_reason="工程會來函准予應試",
    )
    assert list(Certificate.objects.values_list("person", flat=True)) == [enough.pk]


def test_a_barred_trainees_result_is_refused_with_the_reason_and_nothing_is_stored():
    from django.core.exceptions import ValidationError

    from courses.models import AssessmentResult

    track, course, assessment = _track_with_course()
    short = TraineeFactory()
    _complete(short, course, "8.5", dt.date(2026, 4, 1))
    with pytest.raises(ValidationError) as excinfo:
        record_assessment_result(person=short, assessment=assessment, score=Decimal("80"), taken_on=dt.date(2026, 5, 1))
    assert "不得參加測驗" in excinfo.value.message_dict["person"][0]
    assert not AssessmentResult.objects.exists()


def test_staff_override_of_a_bar_is_recorded_with_its_reason():
    from courses.models import AssessmentResult

    track, course, assessment = _track_with_course()
    short = TraineeFactory()
    _complete(short, course, "8.5", dt.date(2026, 4, 1))
    record_assessment_result(
        person=short,
        assessment=assessment,
        score=Decimal("80"),
        taken_on=dt.date(2026, 5, 1),
        barred_override_reason="工程會來函准予應試",
    )
    assert AssessmentResult.objects.get().barred_override_reason == "工程會來函准予應試"
    assert not Certificate.objects.filter(kind="certification").exists()


def test_an_imported_result_file_names_the_barred_rows_and_stores_nothing():
    from django.core.files.uploadedfile import SimpleUploadedFile

    from courses.models import AssessmentResult
    from courses.services import RowErrors
    from courses.services.imports import import_assessment_results

    track, course, assessment = _track_with_course()
    enough, short = TraineeFactory(), TraineeFactory()
    _complete(enough, course, "10", dt.date(2026, 4, 1))
    _complete(short, course, "8", dt.date(2026, 4, 1))
    text = f"員工編號,分數,測驗日期\n{enough.employee_number},80,2026-05-01\n{short.employee_number},90,2026-05-01\n"
    upload = SimpleUploadedFile("results.csv", text.encode("utf-8-sig"), content_type="text/csv")
    with pytest.raises(RowErrors) as excinfo:
        import_assessment_results(assessment=assessment, uploaded=upload, recorded_by=None)
    assert list(excinfo.value.rows) == [3]
    assert "不得參加測驗" in excinfo.value.rows[3]["employee_number"][0]
    assert not AssessmentResult.objects.exists()

    text += ""
    with_reason = (
        text.replace("員工編號,分數,測驗日期", "員工編號,分數,測驗日期,缺課仍予登錄理由")
        .replace("2026-05-01\n", "2026-05-01,\n", 1)
        .replace(f"{short.employee_number},90,2026-05-01\n", f"{short.employee_number},90,2026-05-01,專案核准\n")
    )
    upload = SimpleUploadedFile("results.csv", with_reason.encode("utf-8-sig"), content_type="text/csv")
    assert import_assessment_results(assessment=assessment, uploaded=upload, recorded_by=None) == 2
    assert AssessmentResult.objects.get(person=short).barred_override_reason == "專案核准"


def test_exam_more_than_the_window_after_the_class_does_not_certify():
    track, course, assessment = _track_with_course()
    person = TraineeFactory()
    _complete(person, course, "10", dt.date(2025, 3, 1))
    record_assessment_result(person=person, assessment=assessment, score=Decimal("80"), taken_on=dt.date(2026, 5, 1))
    assert not Certificate.objects.filter(kind="certification").exists()
