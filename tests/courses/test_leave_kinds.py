"""Leave kinds (事假, 病假, 公假, 喪假, 缺課): roster page, roster file, and the hours the national upload reads."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from courses.models import Attendance, LeaveKind
from courses.selectors import missed_hours_by_kind
from courses.services import RowErrors
from courses.services.attendance import record_attendance
from courses.services.imports import import_roster_file
from tests.courses.factories import EnrollmentFactory, OfferingFactory, StaffUserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def classroom():
    offering = OfferingFactory(hours=Decimal("12"), sessions=[6, 6])
    return offering, [EnrollmentFactory(offering=offering) for _ in range(2)]


def _csv(text: str):
    return SimpleUploadedFile("roster.csv", text.encode("utf-8"), content_type="text/csv")


def test_roster_file_records_leave_kinds_with_the_hours_missed(classroom):
    offering, (a, b) = classroom
    text = (
        "員工編號,日期,出席狀態,出席分鐘數,假別\n"
        f"{a.person.employee_number},2026-04-01,早退,240,事假\n"
        f"{a.person.employee_number},2026-04-02,病假,,\n"
        f"{b.person.employee_number},2026-04-01,出席,,\n"
        f"{b.person.employee_number},2026-04-02,缺席,,\n"
    )
    assert import_roster_file(offering=offering, uploaded=_csv(text), recorded_by=StaffUserFactory()) == 4
    missed = missed_hours_by_kind(offering_ids=[offering.pk], person_ids=[a.person_id, b.person_id])
    assert missed[(offering.pk, a.person_id)] == {LeaveKind.PERSONAL: Decimal("2"), LeaveKind.SICK: Decimal("6")}
    # A day missed without a kind (as every row before kinds existed) reads as 缺課.
    assert missed[(offering.pk, b.person_id)] == {LeaveKind.ABSENCE: Decimal("6")}


def test_roster_file_without_the_leave_column_still_imports(classroom):
    offering, (a, _b) = classroom
    text = f"員工編號,日期,出席狀態,出席分鐘數\n{a.person.employee_number},2026-04-01,遲到,300\n"
    assert import_roster_file(offering=offering, uploaded=_csv(text), recorded_by=StaffUserFactory()) == 1
    assert Attendance.objects.get().leave_kind == ""


def test_unknown_leave_kind_is_rejected_by_row_and_nothing_is_stored(classroom):
    offering, (a, b) = classroom
    text = (
        "員工編號,日期,出席狀態,出席分鐘數,假別\n"
        f"{a.person.employee_number},2026-04-01,早退,240,事假\n"
        f"{b.person.employee_number},2026-04-01,早退,240,休假\n"
    )
    with pytest.raises(RowErrors) as excinfo:
        import_roster_file(offering=offering, uploaded=_csv(text), recorded_by=StaffUserFactory())
    assert excinfo.value.rows == {3: {"leave_kind": ["假別須為事假、病假、公假、喪假或缺課。"]}}
    assert not Attendance.objects.exists()


def test_a_leave_kind_on_full_attendance_is_rejected(classroom):
    offering, (a, _b) = classroom
    session = offering.sessions.first()
    with pytest.raises(ValidationError) as excinfo:
        record_attendance(enrollment=a, session=session, status="present", leave_kind=LeaveKind.OFFICIAL)
    assert set(excinfo.value.message_dict) == {"leave_kind"}
    assert not Attendance.objects.exists()


def test_roster_page_records_the_leave_kind(client, classroom):
    offering, (a, _b) = classroom
    session = offering.sessions.order_by("date").first()
    client.force_login(StaffUserFactory())
    page = client.get(f"/learning/staff/offerings/{offering.code}/?session={session.pk}")
    assert page.status_code == 200 and "喪假" in page.content.decode()
    response = client.post(
        f"/learning/staff/offerings/{offering.code}/sessions/{session.pk}/attendance/",
        {f"status_{a.pk}": "absent", f"leave_{a.pk}": LeaveKind.BEREAVEMENT},
    )
    assert response.status_code == 302
    assert Attendance.objects.get(enrollment=a).leave_kind == LeaveKind.BEREAVEMENT
