import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from courses.models import AssessmentResult, Attendance, Certificate, Completion, RemoteAttendanceReview
from courses.services import RowErrors
from courses.services.imports import import_assessment_results, import_meeting_report, import_roster_file
from tests.courses.factories import (
    AssessmentFactory,
    EnrollmentFactory,
    OfferingFactory,
    RemoteOfferingFactory,
    StaffUserFactory,
)
from tests.lms.people.factories import TraineeFactory
from xapi import api as xapi_api

pytestmark = pytest.mark.django_db


def csv_file(text: str, name="roster.csv", encoding="utf-8-sig"):
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def xlsx_file(rows, name="roster.xlsx"):
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


@pytest.fixture
def classroom():
    offering = OfferingFactory(hours=Decimal("12"), sessions=[6, 6])
    people = [EnrollmentFactory(offering=offering) for _ in range(2)]
    return offering, people


def test_roster_csv_records_every_row_and_completes(classroom):
    offering, (a, b) = classroom
    numbers = (a.person.employee_number, b.person.employee_number)
    text = (
        "員工編號,日期,出席狀態,出席分鐘數\n"
        f"{numbers[0]},2026-04-01,出席,\n{numbers[0]},2026-04-02,出席,\n"
        f"{numbers[1]},115/04/01,遲到,300\n{numbers[1]},2026/04/02,缺席,\n"
    )
    assert import_roster_file(offering=offering, uploaded=csv_file(text), recorded_by=StaffUserFactory()) == 4
    assert Attendance.objects.count() == 4
    assert list(Completion.objects.values_list("person_id", "credited_hours")) == [(a.person_id, Decimal("12.0"))]


def test_roster_xlsx_is_read_like_csv(classroom):
    offering, (a, _b) = classroom
    rows = [["員工編號", "日期", "出席狀態"], [a.person.employee_number, dt.date(2026, 4, 1), "出席"]]
    assert import_roster_file(offering=offering, uploaded=xlsx_file(rows), recorded_by=None) == 1


def test_roster_with_bad_rows_reports_each_by_row_number_and_stores_nothing(classroom):
    offering, (a, _b) = classroom
    n = a.person.employee_number
    text = (
        "員工編號,日期,出席狀態,出席分鐘數\n"
        f"{n},2026-04-01,出席,\n"
        "NOBODY,2026-04-01,出席,\n"
        f"{n},2026-05-01,出席,\n"
        f"{n},2026-04-02,睡著,\n"
        f"{n},2026-04-02,遲到,999\n"
    )
    with pytest.raises(RowErrors) as excinfo:
        import_roster_file(offering=offering, uploaded=csv_file(text), recorded_by=None)
    assert excinfo.value.rows == {
        3: {"employee_number": ["不是本班期錄取學員：NOBODY"]},
        4: {"date": ["本班期沒有這一天的課：2026-05-01"]},
        5: {"status": ["出席狀態須為出席、遲到、早退、缺席或假別（事假、病假、公假、喪假、缺課）。"]},
    }
    assert not Attendance.objects.exists() and xapi_api.count_statements() == 0


def test_roster_minutes_beyond_the_session_are_reported_by_row_and_nothing_is_stored(classroom):
    offering, (a, _b) = classroom
    text = (
        f"員工編號,日期,出席狀態,出席分鐘數\n{a.person.employee_number},2026-04-01,出席,\n"
        f"{a.person.employee_number},2026-04-02,遲到,999\n"
    )
    with pytest.raises(RowErrors) as excinfo:
        import_roster_file(offering=offering, uploaded=csv_file(text), recorded_by=None)
    assert list(excinfo.value.rows) == [3] and "minutes" in excinfo.value.rows[3]
    assert not Attendance.objects.exists() and xapi_api.count_statements() == 0


def test_roster_without_the_required_columns_is_refused(classroom):
    offering, _people = classroom
    with pytest.raises(ValidationError) as excinfo:
        import_roster_file(offering=offering, uploaded=csv_file("姓名,日期\n王小明,2026-04-01\n"), recorded_by=None)
    assert set(excinfo.value.message_dict) == {"file"}


def test_a_binary_non_spreadsheet_is_refused_as_a_file_error(classroom):
    offering, _people = classroom
    with pytest.raises(ValidationError) as excinfo:
        import_roster_file(
            offering=offering, uploaded=SimpleUploadedFile("x.xlsx", b"PK\x03\x04garbage"), recorded_by=None
        )
    assert set(excinfo.value.message_dict) == {"file"}


# --- Meeting-tool reports ----------------------------------------------------------------------

TEAMS_REPORT = (
    "1. Summary\n"
    "Meeting title\t淨零城市與低碳交通\n"
    "Attended participants\t3\n"
    "\n"
    "2. Participants\n"
    "Name\tFirst Join\tLast Leave\tIn-Meeting Duration\tEmail\tParticipant ID (UPN)\tRole\n"
    "{a_name}\t4/1/26, 8:58:12 AM\t4/1/26, 12:01:40 PM\t3h 3m 28s\t{a_email}\t{a_email}\tAttendee\n"
    "{b_name}\t4/1/26, 9:40:00 AM\t4/1/26, 11:10:00 AM\t1h 30m\tb-personal@gmail.com\t\tAttendee\n"
    "訪客 Guest\t4/1/26, 9:00:00 AM\t4/1/26, 10:00:00 AM\t1h\t\t\tAttendee\n"
    "\n"
    "3. In-Meeting Activities\n"
    "Name\tJoin Time\tLeave Time\tDuration\tEmail\tRole\n"
)

ZOOM_REPORT = (
    "Meeting ID,Topic,Start Time,End Time,User Email,Duration (Minutes),Participants\n"
    "812 3456 7890,淨零城市與低碳交通,04/01/2026 09:00:00 AM,04/01/2026 12:00:00 PM,host@kcg.gov.tw,180,3\n"
    "\n"
    "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest,Recording Consent\n"
    "{a_name},{a_email},04/01/2026 08:58:00 AM,04/01/2026 10:30:00 AM,92,No,Y\n"
    "{a_name},{a_email},04/01/2026 10:35:00 AM,04/01/2026 12:00:00 PM,85,No,Y\n"
    "陌生人,stranger@example.com,04/01/2026 09:00:00 AM,04/01/2026 09:30:00 AM,30,Yes,Y\n"
)


@pytest.fixture
def remote():
    offering = RemoteOfferingFactory(hours=Decimal("3"), sessions=[3])
    a = EnrollmentFactory(offering=offering, person=TraineeFactory(name="王小明"))
    b = EnrollmentFactory(offering=offering, person=TraineeFactory(name="林美玲"))
    return offering, offering.sessions.get(), a, b


def test_teams_report_matches_by_email_then_unique_name_and_queues_the_rest(remote):
    offering, session, a, b = remote
    text = TEAMS_REPORT.format(a_name=a.person.name, a_email=a.person.email.upper(), b_name=b.person.name)
    result = import_meeting_report(session=session, uploaded=csv_file(text, "teams.csv", "utf-16"), recorded_by=None)
    assert result == {"format": "teams", "matched": 2, "unmatched": 1, "absent": 0}
    minutes = dict(Attendance.objects.values_list("enrollment_id", "minutes"))
    assert minutes == {a.pk: 180, b.pk: 90}
    assert list(RemoteAttendanceReview.objects.values_list("participant_name", "minutes")) == [("訪客 Guest", 60)]
    assert Completion.objects.get().person == a.person  # b attended 50%, below the 80% threshold


def test_zoom_report_sums_rejoins_and_marks_missing_learners_absent(remote):
    offering, session, a, b = remote
    text = ZOOM_REPORT.format(a_name=a.person.name, a_email=a.person.email)
    result = import_meeting_report(session=session, uploaded=csv_file(text, "zoom.csv"), recorded_by=None)
    assert result == {"format": "zoom", "matched": 1, "unmatched": 1, "absent": 1}
    assert Attendance.objects.get(enrollment=a).minutes == 177
    assert Attendance.objects.get(enrollment=b).status == "absent"
    assert Completion.objects.get().credited_hours == Decimal("2.9")


def test_unknown_report_format_is_refused_and_nothing_is_stored(remote):
    _offering, session, _a, _b = remote
    with pytest.raises(ValidationError) as excinfo:
        import_meeting_report(session=session, uploaded=csv_file("who,when\nx,y\n"), recorded_by=None)
    assert set(excinfo.value.message_dict) == {"file"}
    assert not Attendance.objects.exists() and not RemoteAttendanceReview.objects.exists()


def test_report_with_an_unreadable_duration_names_the_row_and_stores_nothing(remote):
    _offering, session, a, _b = remote
    text = ZOOM_REPORT.format(a_name=a.person.name, a_email=a.person.email).replace(",92,", ",ninety,")
    with pytest.raises(RowErrors) as excinfo:
        import_meeting_report(session=session, uploaded=csv_file(text), recorded_by=None)
    assert list(excinfo.value.rows) == [5]
    assert not Attendance.objects.exists() and xapi_api.count_statements() == 0


# --- Outside bodies' result files ------------------------------------------------------------


def test_procurement_result_file_passes_and_fails_by_the_tracks_rules_and_certifies():
    assessment = AssessmentFactory(pass_mark=Decimal("70"), zero_in_any_subject_fails=True)
    passer, zero, low = TraineeFactory(), TraineeFactory(), TraineeFactory()
    text = (
        "員工編號,分數,測驗日期,科目分數\n"
        f"{passer.employee_number},82,2026-05-01,法規:80;實務:84\n"
        f"{zero.employee_number},75,2026-05-01,法規:100;實務:0\n"
        f"{low.employee_number},60,2026-05-01,\n"
    )
    assert import_assessment_results(assessment=assessment, uploaded=csv_file(text), recorded_by=None) == 3
    assert dict(AssessmentResult.objects.values_list("person_id", "passed")) == {
        passer.pk: True,
        zero.pk: False,
        low.pk: False,
    }
    certificate = Certificate.objects.get()
    assert certificate.person == passer and certificate.number.endswith("00001")


def test_result_file_with_an_unknown_person_and_a_bad_score_stores_nothing():
    assessment = AssessmentFactory()
    person = TraineeFactory()
    text = (
        f"員工編號,分數,測驗日期\n{person.employee_number},88,2026-05-01\nGHOST,70,2026-05-01\n"
        f"{person.employee_number},abc,2026-05-01\n"
    )
    with pytest.raises(RowErrors) as excinfo:
        import_assessment_results(assessment=assessment, uploaded=csv_file(text), recorded_by=None)
    assert set(excinfo.value.rows) == {3, 4}
    assert not AssessmentResult.objects.exists() and xapi_api.count_statements() == 0


def test_legacy_teams_export_pairs_joins_and_leaves(remote):
    _offering, session, a, b = remote
    text = (
        "Full Name\tUser Action\tTimestamp\n"
        f"{a.person.name}\tJoined\t4/1/2026, 9:00:00 AM\n"
        f"{a.person.name}\tLeft\t4/1/2026, 10:00:00 AM\n"
        f"{a.person.name}\tJoined before\t4/1/2026, 10:10:00 AM\n"
        f"{a.person.name}\tLeft\t4/1/2026, 12:00:00 PM\n"
    )
    result = import_meeting_report(session=session, uploaded=csv_file(text, "legacy.csv", "utf-16"), recorded_by=None)
    assert result["format"] == "teams-legacy"
    assert Attendance.objects.get(enrollment=a).minutes == 170


def test_importing_the_same_report_twice_changes_nothing(remote):
    _offering, session, a, _b = remote
    text = ZOOM_REPORT.format(a_name=a.person.name, a_email=a.person.email)
    import_meeting_report(session=session, uploaded=csv_file(text), recorded_by=None)
    statements, attendances = xapi_api.count_statements(), Attendance.objects.count()
    import_meeting_report(session=session, uploaded=csv_file(text), recorded_by=None)
    assert (xapi_api.count_statements(), Attendance.objects.count()) == (statements, attendances)
    assert RemoteAttendanceReview.objects.count() == 1
