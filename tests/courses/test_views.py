from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from courses.models import Attendance, Certificate, CourseEvaluation, Enrollment
from courses.services.attendance import record_attendance
from tests.courses.factories import EnrollmentFactory, OfferingFactory, StaffUserFactory, aware
from tests.lms.people.factories import AgencyFactory, AgencyOfficerFactory, PersonFactory, TraineeFactory
from xapi import api as xapi_api

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_offering():
    now = timezone.now()
    start = timezone.localdate() + timezone.timedelta(days=10)
    return OfferingFactory(
        start_date=start,
        end_date=start,
        enrollment_opens=now - timezone.timedelta(days=1),
        enrollment_closes=now + timezone.timedelta(days=5),
        capacity=1,
    )


def login(client, person):
    client.force_login(person.user)
    return person


def test_trainee_enrols_by_posting_and_a_double_submission_keeps_one(client, open_offering):
    person = login(client, TraineeFactory())
    url = f"/learning/offerings/{open_offering.code}/enroll/"
    assert client.post(url).status_code == 302
    response = client.post(url, follow=True)
    assert "您已報名此班期。" in response.content.decode()
    assert Enrollment.objects.filter(person=person).count() == 1
    page = client.get("/learning/").content.decode()
    assert open_offering.code in page and "已錄取" in page


def test_second_trainee_is_waitlisted_and_sees_the_position(client, open_offering):
    EnrollmentFactory(offering=open_offering)
    login(client, TraineeFactory())
    client.post(f"/learning/offerings/{open_offering.code}/enroll/")
    assert "候補第 1 位" in client.get("/learning/").content.decode()


def test_enrolling_needs_login_and_a_get_is_refused(client, open_offering):
    assert client.post(f"/learning/offerings/{open_offering.code}/enroll/").status_code == 302
    login(client, TraineeFactory())
    assert client.get(f"/learning/offerings/{open_offering.code}/enroll/").status_code == 405
    assert not Enrollment.objects.exists()


def test_trainee_cancels_from_my_learning(client, open_offering):
    person = login(client, TraineeFactory())
    client.post(f"/learning/offerings/{open_offering.code}/enroll/")
    enrollment = Enrollment.objects.get(person=person)
    client.post(f"/learning/enrollments/{enrollment.pk}/cancel/")
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.CANCELLED


@pytest.fixture
def completed(django_capture_on_commit_callbacks):
    offering = OfferingFactory(hours=Decimal("6"), sessions=[6])
    enrollment = EnrollmentFactory(offering=offering)
    with django_capture_on_commit_callbacks(execute=True):  # the projection follows on commit
        record_attendance(enrollment=enrollment, session=offering.sessions.get(), status="present")
    return enrollment


def test_my_learning_shows_hours_certificates_and_downloads(client, completed):
    login(client, completed.person)
    page = client.get("/learning/").content.decode()
    certificate = Certificate.objects.get()
    assert certificate.number in page
    year = timezone.localtime(certificate.issued_at).year
    csv = client.get(f"/learning/record.csv?year={year}")
    assert csv["Content-Type"] == "text/csv" and completed.offering.course.title in csv.content.decode("utf-8-sig")
    pdf = client.get(f"/learning/record.pdf?year={year}")
    assert pdf.content.startswith(b"%PDF")
    cert = client.get(f"/learning/certificates/{certificate.pk}.pdf")
    assert cert.status_code == 200 and cert.content.startswith(b"%PDF")
    # The Chinese font travels inside the file (Taiwan's face, subset): tests/courses/test_documents.py.
    assert pdf["Content-Type"] == "application/pdf"


def test_someone_else_cannot_download_my_certificate(client, completed):
    login(client, TraineeFactory())
    assert client.get(f"/learning/certificates/{Certificate.objects.get().pk}.pdf").status_code == 403


def test_verification_page_is_public_and_masks_the_name(client, completed):
    certificate = Certificate.objects.get()
    page = client.get(f"/learning/verify/{certificate.verification_code}/").content.decode()
    assert certificate.number in page and "此證書有效" in page and completed.person.name not in page
    assert client.get("/learning/verify/00000000-0000-4000-8000-000000000000/").status_code == 404


def test_evaluation_once_after_completion(client, completed):
    login(client, completed.person)
    url = f"/learning/enrollments/{completed.pk}/evaluation/"
    assert client.post(url, {"satisfaction": 5, "comment": "很實用"}).status_code == 302
    response = client.post(url, {"satisfaction": 1, "comment": "again"}, follow=True)
    assert "您已填寫過此課程評鑑。" in response.content.decode()
    assert list(CourseEvaluation.objects.values_list("satisfaction", flat=True)) == [5]


def test_evaluation_before_completion_is_refused(client):
    enrollment = EnrollmentFactory()
    login(client, enrollment.person)
    response = client.post(f"/learning/enrollments/{enrollment.pk}/evaluation/", {"satisfaction": 4}, follow=True)
    assert "完訓後才能填寫課程評鑑。" in response.content.decode()
    assert not CourseEvaluation.objects.exists()


def test_staff_mark_attendance_on_the_roster_page(client):
    offering = OfferingFactory(hours=Decimal("6"), sessions=[6])
    enrollment = EnrollmentFactory(offering=offering)
    session = offering.sessions.get()
    client.force_login(StaffUserFactory())
    assert enrollment.person.name in client.get(f"/learning/staff/offerings/{offering.code}/").content.decode()
    client.post(
        f"/learning/staff/offerings/{offering.code}/sessions/{session.pk}/attendance/",
        {f"status_{enrollment.pk}": "late", f"minutes_{enrollment.pk}": "330"},
    )
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.COMPLETED
    assert enrollment.completions.get().credited_hours == Decimal("5.5")


def test_bad_roster_minutes_on_the_page_store_nothing(client):
    offering = OfferingFactory(sessions=[6])
    enrollment = EnrollmentFactory(offering=offering)
    client.force_login(StaffUserFactory())
    response = client.post(
        f"/learning/staff/offerings/{offering.code}/sessions/{offering.sessions.get().pk}/attendance/",
        {f"status_{enrollment.pk}": "late", f"minutes_{enrollment.pk}": "999"},
        follow=True,
    )
    assert f"第 {enrollment.person.employee_number} 列" in response.content.decode()
    assert not Attendance.objects.exists() and xapi_api.count_statements() == 0


def test_trainees_and_officers_cannot_open_staff_pages(client):
    offering = OfferingFactory()
    login(client, TraineeFactory())
    assert client.get(f"/learning/staff/offerings/{offering.code}/").status_code == 403
    client.force_login(AgencyOfficerFactory().user)
    assert client.get("/learning/staff/").status_code == 403


def test_bad_roster_file_upload_reports_rows_and_stores_nothing(client):
    offering = OfferingFactory(sessions=[6])
    EnrollmentFactory(offering=offering)
    client.force_login(StaffUserFactory())
    upload = SimpleUploadedFile("roster.csv", "員工編號,日期,出席狀態\nNOBODY,2026-04-01,出席\n".encode())
    response = client.post(f"/learning/staff/offerings/{offering.code}/roster-file/", {"file": upload}, follow=True)
    assert "第 2 列" in response.content.decode()
    assert not Attendance.objects.exists()


def test_officer_nominates_only_own_agency_staff(client, open_offering):
    mine, theirs = AgencyFactory(), AgencyFactory()
    officer = AgencyOfficerFactory(agency=mine)
    client.force_login(officer.user)
    colleague, stranger = PersonFactory(agency=mine), PersonFactory(agency=theirs)
    url = f"/learning/offerings/{open_offering.code}/nominate/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"employee_number": stranger.employee_number}, follow=True)
    assert "不在您的機關範圍內" in response.content.decode()
    assert not Enrollment.objects.exists()
    response = client.post(url, {"employee_number": colleague.employee_number}, follow=True)
    assert Enrollment.objects.get().nominated_by == officer.user
    assert colleague.name in response.content.decode()


def test_trainees_cannot_nominate(client, open_offering):
    login(client, TraineeFactory())
    assert client.get(f"/learning/offerings/{open_offering.code}/nominate/").status_code == 403


def test_course_page_has_an_enrol_button_per_offering(client):
    # The public course page (cms) posts to the enrol view; checked on the template, no page tree needed.
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    now = timezone.now()
    offering = OfferingFactory(
        enrollment_opens=now - timezone.timedelta(days=1),
        enrollment_closes=now + timezone.timedelta(days=1),
        start_date=timezone.localdate() + timezone.timedelta(days=5),
        end_date=timezone.localdate() + timezone.timedelta(days=5),
    )
    closed = OfferingFactory(enrollment_opens=aware(2026, 3, 1))
    request = RequestFactory().get("/catalog/course/x/")
    request.user = TraineeFactory().user
    html = render_to_string(
        "cms/course_detail.html", {"course": offering.course, "offerings": [offering, closed]}, request=request
    )
    assert f'action="/learning/offerings/{offering.code}/enroll/"' in html
    assert f'action="/learning/offerings/{closed.code}/enroll/"' not in html
    # An account without a learner profile (staff, officers) is told why instead of offered 報名.
    from tests.lms.people.factories import UserFactory

    request.user = UserFactory()
    html = render_to_string(
        "cms/course_detail.html", {"course": offering.course, "offerings": [offering]}, request=request
    )
    assert "/enroll/" not in html and "此帳號未連結學員資料" in html


def test_staff_approve_a_pending_enrolment_on_the_roster_page(client):
    enrollment = EnrollmentFactory(status=Enrollment.Status.PENDING_APPROVAL)
    client.force_login(StaffUserFactory())
    client.post(f"/learning/staff/enrollments/{enrollment.pk}/decide/", {"decision": "approve"})
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.ENROLLED


def test_staff_upload_a_zoom_report_and_resolve_the_unmatched_row(client):
    from courses.models import RemoteAttendanceReview
    from tests.courses.factories import RemoteOfferingFactory

    offering = RemoteOfferingFactory(hours=Decimal("3"), sessions=[3])
    enrollment = EnrollmentFactory(offering=offering)
    session = offering.sessions.get()
    client.force_login(StaffUserFactory())
    report = (
        "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest\n"
        "手機使用者,,04/01/2026 09:00:00 AM,04/01/2026 12:00:00 PM,180,Yes\n"
    )
    upload = SimpleUploadedFile("zoom.csv", report.encode())
    client.post(f"/learning/staff/offerings/{offering.code}/sessions/{session.pk}/meeting-report/", {"file": upload})
    review = RemoteAttendanceReview.objects.get()
    assert Attendance.objects.get(enrollment=enrollment).status == "absent"
    client.post(f"/learning/staff/reviews/{review.pk}/", {"enrollment": enrollment.pk})
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.COMPLETED
    response = client.post(f"/learning/staff/reviews/{review.pk}/", {"enrollment": enrollment.pk}, follow=True)
    assert "此筆已處理。" in response.content.decode()


def test_upload_of_a_non_spreadsheet_file_is_refused_by_the_form(client):
    offering = OfferingFactory(sessions=[6])
    client.force_login(StaffUserFactory())
    upload = SimpleUploadedFile("roster.exe", b"MZ")
    response = client.post(f"/learning/staff/offerings/{offering.code}/roster-file/", {"file": upload}, follow=True)
    assert "只接受 CSV 或 XLSX 檔案。" in response.content.decode()


def test_staff_map_an_external_activity_on_the_page(client):
    from courses.models import ExternalActivity
    from tests.courses.factories import CourseFactory

    activity = ExternalActivity.objects.create(activity_iri="https://mooc.example/x", title="X")
    course = CourseFactory()
    client.force_login(StaffUserFactory())
    assert "https://mooc.example/x" in client.get("/learning/staff/external/").content.decode()
    client.post(f"/learning/staff/external/{activity.pk}/", {"status": "mapped", "course": course.pk})
    activity.refresh_from_db()
    assert (activity.status, activity.course) == ("mapped", course)
    response = client.post(f"/learning/staff/external/{activity.pk}/", {"status": "mapped"}, follow=True)
    assert "請選擇對應的課程。" in response.content.decode()


def test_staff_record_a_result_on_the_assessment_page(client):
    from courses.models import AssessmentResult
    from tests.courses.factories import AssessmentFactory

    assessment = AssessmentFactory()
    person = TraineeFactory()
    client.force_login(StaffUserFactory())
    url = f"/learning/staff/assessments/{assessment.pk}/"
    client.post(url, {"employee_number": person.employee_number, "score": "75", "taken_on": "2026-05-01"})
    assert AssessmentResult.objects.get().passed is True
    response = client.post(url, {"employee_number": "GHOST", "score": "75", "taken_on": "2026-05-01"}, follow=True)
    assert "查無此員工編號。" in response.content.decode()
    assert AssessmentResult.objects.count() == 1


def test_satisfaction_report_averages_per_offering(client, completed):
    CourseEvaluation.objects.create(enrollment=completed, satisfaction=4)
    client.force_login(StaffUserFactory())
    page = client.get("/learning/staff/satisfaction/").content.decode()
    assert completed.offering.code in page and "4.00" in page


def test_my_learning_is_available_in_english(client, completed):
    login(client, completed.person)
    page = client.get("/learning/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "My learning" in page and "Download certificate (PDF)" in page


def test_staff_fill_new_seats_from_the_waitlist_after_raising_the_capacity(client):
    offering = OfferingFactory(capacity=1)
    EnrollmentFactory(offering=offering)
    waiting = EnrollmentFactory(offering=offering, status=Enrollment.Status.WAITLISTED)
    offering.capacity = 2
    offering.save()
    login(client, waiting.person)
    assert client.post(f"/learning/staff/offerings/{offering.code}/fill-waitlist/").status_code == 403
    client.force_login(StaffUserFactory())
    client.post(f"/learning/staff/offerings/{offering.code}/fill-waitlist/")
    waiting.refresh_from_db()
    assert waiting.status == Enrollment.Status.ENROLLED


def test_staff_void_a_wrong_completion_and_the_lrs_records_the_voiding(client, completed):
    completion = completed.completions.get()
    client.force_login(StaffUserFactory())
    page = client.get(f"/learning/staff/people/?employee_number={completed.person.employee_number}")
    assert completion.title in page.content.decode()
    client.post(f"/learning/staff/completions/{completion.pk}/void/")
    completion.refresh_from_db()
    assert completion.voided_at is not None
    assert xapi_api.get_statement(completion.statement_id) is None
    assert xapi_api.get_statement(completion.statement_id, voided=True) is not None
    assert Certificate.objects.get().revoked_at is not None
    completed.refresh_from_db()
    assert completed.status == Enrollment.Status.NOT_COMPLETED


def test_trainees_cannot_void(client, completed):
    login(client, completed.person)
    assert client.post(f"/learning/staff/completions/{completed.completions.get().pk}/void/").status_code == 403
    assert completed.completions.get().voided_at is None
