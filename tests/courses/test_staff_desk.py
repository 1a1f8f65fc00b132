"""The training desk: offerings paged and filtered, import messages beside the form, sample files that import."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.contrib.staticfiles import finders
from django.core.files.uploadedfile import SimpleUploadedFile

from courses.models import Attendance, Modality
from courses.services.imports import import_assessment_results, import_meeting_report, import_roster_file
from tests.courses.factories import (
    AssessmentFactory,
    EnrollmentFactory,
    OfferingFactory,
    RemoteOfferingFactory,
    StaffUserFactory,
    UpcomingOfferingFactory,
)
from tests.lms.people.factories import TraineeFactory

pytestmark = pytest.mark.django_db

SAMPLES = ("roster.csv", "assessment-results.csv", "teams-attendance.csv", "zoom-participants.csv")


@pytest.fixture
def staff_client(client):
    client.force_login(StaffUserFactory())
    return client


def _desk_codes(response) -> list[str]:
    return re.findall(r'data-offering-code="([^"]+)"', response.content.decode())


def test_desk_pages_offerings_25_at_a_time_soonest_first(staff_client):
    for _ in range(30):
        UpcomingOfferingFactory()
    first = _desk_codes(staff_client.get("/learning/staff/"))
    second = _desk_codes(staff_client.get("/learning/staff/", {"page": 2}))
    assert len(first) == 25 and len(second) == 5
    assert not set(first) & set(second)
    assert "第 1 頁，共 2 頁" in staff_client.get("/learning/staff/").content.decode()


def test_desk_filters_by_code_or_title_modality_and_period(staff_client):
    ai = UpcomingOfferingFactory(code="115-AI-101-01", course__title="AI 實戰工作坊")
    remote = UpcomingOfferingFactory(code="115-NET-201-01", modality=Modality.REMOTE)
    past = OfferingFactory(code="114-OLD-001-01", start_date=dt.date(2025, 3, 1), end_date=dt.date(2025, 3, 1))
    assert _desk_codes(staff_client.get("/learning/staff/", {"q": "實戰"})) == [ai.code]
    assert _desk_codes(staff_client.get("/learning/staff/", {"q": "ai-101"})) == [ai.code]
    assert _desk_codes(staff_client.get("/learning/staff/", {"modality": "remote"})) == [remote.code]
    assert past.code not in _desk_codes(staff_client.get("/learning/staff/"))
    assert _desk_codes(staff_client.get("/learning/staff/", {"period": "past"})) == [past.code]
    everything = _desk_codes(staff_client.get("/learning/staff/", {"period": "all"}))
    assert set(everything) == {ai.code, remote.code, past.code}
    # Unknown values fall back to the defaults rather than failing.
    assert staff_client.get("/learning/staff/", {"period": "x", "modality": "x", "page": "x"}).status_code == 200


def test_import_errors_are_shown_beside_the_import_form_not_atop_the_page(staff_client):
    offering = OfferingFactory(sessions=[6])
    EnrollmentFactory(offering=offering)
    upload = SimpleUploadedFile("roster.csv", "員工編號,日期,出席狀態\nNOBODY,2026-04-01,出席\n".encode())
    response = staff_client.post(
        f"/learning/staff/offerings/{offering.code}/roster-file/", {"file": upload}, follow=True
    )
    assert response.redirect_chain[-1][0].endswith("#import")
    body = response.content.decode()
    before_form, import_section = body.split('id="import"', 1)
    assert "第 2 列" in import_section.split("</section>")[0]
    assert "第 2 列" not in before_form
    assert not Attendance.objects.exists()


def test_assessment_import_errors_are_shown_beside_its_form(staff_client):
    assessment = AssessmentFactory()
    upload = SimpleUploadedFile("results.csv", "員工編號,分數,測驗日期\nNOBODY,80,2026-04-18\n".encode())
    response = staff_client.post(f"/learning/staff/assessments/{assessment.pk}/", {"file": upload})
    body = response.content.decode()
    before_form, import_section = body.split('id="import"', 1)
    assert "查無此員工編號：NOBODY" in import_section and "查無此員工編號" not in before_form


def test_every_import_links_its_sample_file(staff_client):
    offering = RemoteOfferingFactory(sessions=[3])
    roster_page = staff_client.get(f"/learning/staff/offerings/{offering.code}/").content.decode()
    for name in ("roster.csv", "teams-attendance.csv", "zoom-participants.csv"):
        assert f"/static/courses/samples/{name}" in roster_page
    assessment_page = staff_client.get(f"/learning/staff/assessments/{AssessmentFactory().pk}/").content.decode()
    assert "/static/courses/samples/assessment-results.csv" in assessment_page


def _sample(name: str) -> SimpleUploadedFile:
    path = finders.find(f"courses/samples/{name}")
    assert path, name
    with open(path, "rb") as handle:
        return SimpleUploadedFile(name, handle.read())


def test_sample_roster_and_results_files_import_as_they_are():
    offering = OfferingFactory(hours=Decimal("12"), sessions=[6, 6])
    for number, name in (("E0000001", "王小明"), ("E0000002", "林美玲")):
        EnrollmentFactory(offering=offering, person=TraineeFactory(employee_number=number, name=name))
    assert import_roster_file(offering=offering, uploaded=_sample("roster.csv"), recorded_by=None) == 4
    assessment = AssessmentFactory()
    assert (
        import_assessment_results(assessment=assessment, uploaded=_sample("assessment-results.csv"), recorded_by=None)
        == 2
    )


@pytest.mark.parametrize(("name", "kind"), [("teams-attendance.csv", "teams"), ("zoom-participants.csv", "zoom")])
def test_sample_meeting_reports_import_as_they_are(name, kind):
    offering = RemoteOfferingFactory(hours=Decimal("3"), sessions=[3])
    for number, person_name in (("E0000001", "王小明"), ("E0000002", "林美玲")):
        person = TraineeFactory(employee_number=number, name=person_name, email=f"{number.lower()}@example.kcg.gov.tw")
        EnrollmentFactory(offering=offering, person=person)
    result = import_meeting_report(session=offering.sessions.get(), uploaded=_sample(name), recorded_by=None)
    assert result["format"] == kind
    assert result["matched"] == 2


def test_review_list_names_learners_with_their_employee_numbers(staff_client):
    offering = RemoteOfferingFactory(hours=Decimal("3"), sessions=[3])
    person = TraineeFactory(name="王小明")
    EnrollmentFactory(offering=offering, person=person)
    session = offering.sessions.get()
    report = (
        "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest\n"
        "手機使用者,,04/01/2026 09:00:00 AM,04/01/2026 12:00:00 PM,180,Yes\n"
    )
    staff_client.post(
        f"/learning/staff/offerings/{offering.code}/sessions/{session.pk}/meeting-report/",
        {"file": SimpleUploadedFile("zoom.csv", report.encode())},
    )
    body = staff_client.get(f"/learning/staff/offerings/{offering.code}/").content.decode()
    reviews = body.split('id="reviews"', 1)[1]
    assert f"{person.employee_number} 王小明" in reviews
