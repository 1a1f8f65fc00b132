"""The national portal uploads (docs/national-upload.md): golden bytes in Big5, the 3,000-row split, readiness.

Fixture, April 2026 (ROC 115), agency K01:
- 政策與管理 (MC-01, classroom, 6 h) counts 4 h toward category A1 and the rest (2 h) toward B2;
  offering MC-115-01, term 2, two 3-hour days. 王小明 attends all; 林美惠 misses 1 h (事假) on
  day 1 and 1 h (病假) on day 2; 陳志強 attends all but has no national ID on file.
- 永續發展混成班 (ENVB-01, blended, 4 h: one 2-hour class day + 2 h online) counts toward E1,
  an environmental-education category; 王小明 completes it.
- 數位資安 (EL-01, e-learning, 2 h, category B2): 王小明 passes; 林美惠 fails.
- 自我成長 (FUN-01) has no category code: 王小明's completion is left out.
"""

import csv
import datetime as dt
import io
import uuid
import zipfile
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ValidationError
from django.core.management import call_command

from courses.models import Attendance, AttendanceSource, AttendanceStatus, LeaveKind, Modality, Session
from lms.people.roles import Role
from reports.models import CourseNationalCategory, LearningRecord, NationalCode, NationalIdentity, NationalIdExport
from reports.services import national_export
from reports.services.national_export import (
    ENVIRONMENTAL_COLUMNS,
    LIFELONG_COLUMNS,
    NationalIdKeyError,
    build_national_export,
    plan_national_upload,
    set_national_id,
)
from tests.courses.factories import EnrollmentFactory
from tests.lms.people.factories import AgencyFactory, AgencyOfficerFactory, PersonFactory, UserFactory
from tests.reports.factories import CourseFactory, OfferingFactory

pytestmark = pytest.mark.django_db

GOLDEN = Path(__file__).parent / "golden"
TAIPEI = ZoneInfo("Asia/Taipei")
APRIL = {"start": dt.date(2026, 4, 1), "end": dt.date(2026, 4, 30)}
KEY = Fernet.generate_key().decode()


@pytest.fixture(autouse=True)
def key(settings):
    settings.NATIONAL_ID_KEYS = [KEY]


def _record(person, verb="completed", *, course, offering=None, hours, scheduled=None, leave=None, day=8, **extra):
    at = dt.datetime(2026, 4, day, 17, 0, tzinfo=TAIPEI)
    return LearningRecord.objects.create(
        statement_id=uuid.uuid4(),
        person=person,
        verb=verb,
        course=course,
        offering=offering,
        modality=offering.modality if offering else course.modality,
        credited_hours=Decimal(hours),
        scheduled_hours=scheduled,
        leave_hours=leave,
        occurred_at=at,
        occurred_on=at.date(),
        year=2026,
        **extra,
    )


def _session(offering, day, start, end, hours):
    return Session.objects.create(
        offering=offering, date=dt.date(2026, 4, day), start_time=start, end_time=end, hours=Decimal(hours)
    )


def _attend(offering, person, session, minutes, kind=""):
    enrollment = EnrollmentFactory(offering=offering, person=person)
    status = AttendanceStatus.PRESENT if minutes == session.minutes else AttendanceStatus.LEFT_EARLY
    return Attendance.objects.create(
        enrollment=enrollment,
        session=session,
        status=status,
        minutes=minutes,
        leave_kind=kind,
        source=AttendanceSource.ROSTER,
    )


def _category(code, name, **kwargs):
    return NationalCode.objects.create(kind=NationalCode.Kind.COURSE_CATEGORY, code=code, name=name, **kwargs)


@pytest.fixture
def april():
    agency = AgencyFactory(code="K01", name="高雄市政府測試局")
    wang = PersonFactory(employee_number="K0001", name="王小明", agency=agency)
    lin = PersonFactory(employee_number="K0002", name="林美惠", agency=agency)
    chen = PersonFactory(employee_number="K0003", name="陳志強", agency=agency)
    set_national_id(person=wang, national_id="A123456789")
    set_national_id(person=lin, national_id="B223456789")
    a1, b2 = _category("A1", "政策能力"), _category("B2", "管理知能")
    e1 = _category("E1", "環境教育", is_environmental=True)

    multi = CourseFactory(code="MC-01", title="政策與管理", credit_hours=Decimal("6"))
    CourseNationalCategory.objects.create(course=multi, category=a1, hours=Decimal("4"), sort_order=1)
    CourseNationalCategory.objects.create(course=multi, category=b2, sort_order=2)
    mc = OfferingFactory(
        code="MC-115-01",
        course=multi,
        term=2,
        hours=Decimal("6"),
        start_date=dt.date(2026, 4, 7),
        end_date=dt.date(2026, 4, 8),
    )
    day1 = _session(mc, 7, dt.time(9, 0), dt.time(12, 0), 3)
    day2 = _session(mc, 8, dt.time(13, 30), dt.time(16, 30), 3)
    for person in (wang, chen):
        enrollment = EnrollmentFactory(offering=mc, person=person)
        for session in (day1, day2):
            Attendance.objects.create(
                enrollment=enrollment,
                session=session,
                status=AttendanceStatus.PRESENT,
                minutes=180,
                source=AttendanceSource.ROSTER,
            )
    lin_enrollment = EnrollmentFactory(offering=mc, person=lin)
    for session, kind in ((day1, LeaveKind.PERSONAL), (day2, LeaveKind.SICK)):
        Attendance.objects.create(
            enrollment=lin_enrollment,
            session=session,
            status=AttendanceStatus.LEFT_EARLY,
            minutes=120,
            leave_kind=kind,
            source=AttendanceSource.ROSTER,
        )
    _record(
        wang,
        course=multi,
        offering=mc,
        hours=6,
        scheduled=6,
        leave=0,
        score=Decimal("85"),
        certificate_number="高市訓字第1150001號",
    )
    _record(lin, course=multi, offering=mc, hours=4, scheduled=6, leave=2, score=Decimal("78.5"))
    _record(chen, course=multi, offering=mc, hours=6, scheduled=6, leave=0)

    blended = CourseFactory(
        code="ENVB-01",
        title="永續發展混成班",
        credit_hours=Decimal("4"),
        modality=Modality.BLENDED,
        summary="淨零排放與\n永續發展",
    )
    CourseNationalCategory.objects.create(course=blended, category=e1)
    envb = OfferingFactory(
        code="ENVB-115-01",
        course=blended,
        modality=Modality.BLENDED,
        hours=Decimal("4"),
        start_date=dt.date(2026, 4, 14),
        end_date=dt.date(2026, 4, 14),
        venue="公務人力發展中心 501 教室",
    )
    _attend(envb, wang, _session(envb, 14, dt.time(13, 30), dt.time(15, 30), 2), 120)
    _record(wang, course=blended, offering=envb, hours=4, scheduled=4, leave=0, day=14)

    elearning = CourseFactory(code="EL-01", title="數位資安", credit_hours=Decimal("2"), modality=Modality.ELEARNING)
    CourseNationalCategory.objects.create(course=elearning, category=b2)
    _record(wang, "passed", course=elearning, hours=2, day=20, score=Decimal("92"))
    _record(lin, "failed", course=elearning, hours=0, day=21, score=Decimal("40"))

    fun = CourseFactory(code="FUN-01", title="自我成長", credit_hours=Decimal("3"))
    _record(wang, course=fun, hours=3, day=22)
    return {"wang": wang, "lin": lin, "chen": chen, "mc": mc, "envb": envb, "agency": agency}


def _golden(name: str, content: bytes) -> bytes:
    path = GOLDEN / name
    if not path.exists():  # written once, then read and reviewed by hand; never rewritten by the test
        path.write_bytes(content)
    return path.read_bytes()


def _rows(content: bytes, encoding="cp950"):
    return list(csv.reader(io.StringIO(content.decode(encoding))))


def test_lifelong_upload_for_a_month_matches_the_golden_big5_file(april):
    staff = UserFactory(roles=[Role.TRAINING_STAFF])
    upload = build_national_export(user=staff, **APRIL)
    assert upload.content == _golden("national_lifelong_115-04.csv", upload.content)
    assert upload.filename == "lifelong_1150401-1150430_0001-0006.csv"
    assert upload.content_type == "text/csv; charset=big5"
    rows = _rows(upload.content)
    assert rows[0] == LIFELONG_COLUMNS and len(rows[0]) == 25
    by_key = {(r[0], r[8]): dict(zip(LIFELONG_COLUMNS, r, strict=True)) for r in rows[1:] if r[20] != "EL-01"}
    # A multi-category class: one row per category, hours split 4:2, the leave shrinking both.
    assert by_key[("A123456789", "A1")]["*實體時數"] == "4" and by_key[("A123456789", "B2")]["*實體時數"] == "2"
    lin_a1, lin_b2 = by_key[("B223456789", "A1")], by_key[("B223456789", "B2")]
    assert (lin_a1["*訓練總數"], lin_b2["*訓練總數"]) == ("2.7", "1.3")
    assert lin_a1["出勤上課狀況"] == "事假1小時、病假1小時" and by_key[("A123456789", "A1")]["出勤上課狀況"] == "全勤"
    assert lin_a1["*課程名稱"] == "政策與管理-政策能力" and lin_a1["*開課起始日期"] == "115-04-07"
    assert (lin_a1["*開課起始時間"], lin_a1["*開課結束時間"], lin_a1["*期別"]) == ("09:00:00", "16:30:00", "2")
    assert (lin_a1["*上課縣市"], lin_a1["*訓練總數單位"], lin_a1["*學位學分"]) == ("80", "1", "6")
    # The blended class: its class day is classroom hours, the rest digital, so 學習性質 3.
    blended = by_key[("A123456789", "E1")]
    assert (blended["*學習性質"], blended["*數位時數"], blended["*實體時數"]) == ("3", "2", "2")
    elearning = [r for r in rows[1:] if r[20] == "EL-01"]
    assert [(r[0], r[17], r[18], r[13]) for r in elearning] == [("A123456789", "1", "2", "92")]
    audit = upload.audit
    assert (audit.row_count, audit.person_count, audit.missing_national_ids, audit.file_count) == (5 + 1, 2, 1, 1)
    assert audit.encoding == "cp950" and audit.kind == NationalIdExport.Kind.LIFELONG


def test_environmental_upload_holds_only_environmental_categories(april):
    upload = build_national_export(user=UserFactory(roles=[Role.TRAINING_STAFF]), kind="environmental", **APRIL)
    assert upload.content == _golden("national_environmental_115-04.csv", upload.content)
    rows = _rows(upload.content)
    assert rows[0] == ENVIRONMENTAL_COLUMNS and len(rows) == 2
    row = dict(zip(ENVIRONMENTAL_COLUMNS, rows[1], strict=True))
    assert (row["*年度"], row["*學員所屬機關(構)代碼"], row["*身分證字號"], row["*課程類別代碼"]) == (
        "115",
        "K01",
        "A123456789",
        "E1",
    )
    assert row["*內容概要"] == "淨零排放與 永續發展" and row["*課程方法代碼"] == "1"
    assert upload.audit.kind == NationalIdExport.Kind.ENVIRONMENTAL


def test_utf8_option_writes_the_same_rows_with_a_bom(april):
    staff = UserFactory(roles=[Role.TRAINING_STAFF])
    big5 = build_national_export(user=staff, **APRIL)
    utf8 = build_national_export(user=staff, encoding="utf-8", **APRIL)
    assert utf8.content.startswith("\ufeff".encode())
    assert _rows(utf8.content, "utf-8-sig") == _rows(big5.content)
    assert big5.audit.sha256 != utf8.audit.sha256


def test_readiness_plan_lists_who_and_what_is_left_out_and_why(april):
    plan = plan_national_upload(**APRIL)
    assert plan.row_count == 6 and plan.file_count == 1 and plan.blocking == []
    assert sorted((lo.employee_number, lo.course, lo.reason) for lo in plan.left_out) == [
        ("K0001", "自我成長", "課程未設定課程類別代碼"),
        ("K0002", "數位資安", "數位課程未通過"),
        ("K0003", "政策與管理", "學員未登錄身分證字號"),
    ]


def test_more_than_3000_rows_are_split_into_files_of_3000_in_one_zip(april):
    course = CourseFactory(code="BIG-01", title="大型講座", credit_hours=Decimal("2"), modality=Modality.ELEARNING)
    CourseNationalCategory.objects.create(course=course, category=NationalCode.objects.get(code="B2"))
    people = PersonFactory.create_batch(2995, agency=april["agency"], name="大量學員")
    token = Fernet(KEY).encrypt(b"F123456789")
    NationalIdentity.objects.bulk_create(NationalIdentity(person=p, token=token) for p in people)
    at = dt.datetime(2026, 4, 28, 10, tzinfo=TAIPEI)
    LearningRecord.objects.bulk_create(
        LearningRecord(
            statement_id=uuid.uuid4(),
            person=p,
            verb="completed",
            course=course,
            modality=Modality.ELEARNING,
            credited_hours=Decimal("2"),
            occurred_at=at,
            occurred_on=at.date(),
            year=2026,
        )
        for p in people
    )
    upload = build_national_export(user=UserFactory(roles=[Role.TRAINING_STAFF]), **APRIL)
    assert upload.content_type == "application/zip" and upload.filename == "lifelong_1150401-1150430.zip"
    archive = zipfile.ZipFile(io.BytesIO(upload.content))
    names = archive.namelist()
    assert names == ["lifelong_1150401-1150430_0001-3000.csv", "lifelong_1150401-1150430_3001-3001.csv"]
    first, second = (_rows(archive.read(name)) for name in names)
    assert first[0] == second[0] == LIFELONG_COLUMNS
    assert (len(first) - 1, len(second) - 1) == (3000, 1)
    assert archive.read(names[1]) == _golden("national_lifelong_split_3001.csv", archive.read(names[1]))
    assert upload.audit.file_count == 2 and upload.audit.row_count == 3001


def test_a_name_big5_cannot_write_is_reported_and_blocks_a_big5_export(april):
    # 堃 is in Big5-HKSCS but not in Big5 (cp950); 𡘙 is outside both.
    rare = PersonFactory(employee_number="K0009", name="游堃𡘙", agency=april["agency"])
    set_national_id(person=rare, national_id="C123456789")
    _record(rare, course=april["mc"].course, offering=april["mc"], hours=6, scheduled=6, leave=0)
    plan = plan_national_upload(**APRIL)
    assert [(u.employee_number, u.reason) for u in plan.unencodable] == [("K0009", "無法以 Big5 表示的字：堃𡘙")]
    with pytest.raises(ValidationError) as excinfo:
        build_national_export(user=UserFactory(roles=[Role.TRAINING_STAFF]), **APRIL)
    assert "Big5" in str(excinfo.value)
    assert not NationalIdExport.objects.exists()
    upload = build_national_export(user=UserFactory(roles=[Role.TRAINING_STAFF]), encoding="utf-8", **APRIL)
    assert "游堃𡘙" in upload.content.decode("utf-8-sig")


def test_a_period_with_nothing_to_write_refuses_instead_of_an_empty_file(april):
    with pytest.raises(ValidationError):
        build_national_export(user=UserFactory(), start=dt.date(2025, 1, 1), end=dt.date(2025, 1, 31))
    assert not NationalIdExport.objects.exists()


def test_export_with_a_wrong_key_refuses_and_stores_nothing(april, settings):
    settings.NATIONAL_ID_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(NationalIdKeyError) as excinfo:
        build_national_export(user=UserFactory(), **APRIL)
    assert "無法解密 2 筆" in str(excinfo.value)
    assert not NationalIdExport.objects.exists()


def test_key_rotation_rewrites_every_id_under_the_new_key(april, settings):
    new = Fernet.generate_key().decode()
    settings.NATIONAL_ID_KEYS = [new, KEY]
    call_command("rotate_national_id_keys", stdout=io.StringIO())
    settings.NATIONAL_ID_KEYS = [new]
    upload = build_national_export(user=UserFactory(roles=[Role.TRAINING_STAFF]), **APRIL)
    assert {r[0] for r in _rows(upload.content)[1:]} == {"A123456789", "B223456789"}


def test_a_missing_default_code_is_reported_before_export(april):
    NationalCode.objects.filter(kind=NationalCode.Kind.CITY, is_default=True).update(is_default=False)
    plan = plan_national_upload(**APRIL)
    assert any("上課縣市" in reason for reason in plan.blocking)
    with pytest.raises(ValidationError):
        build_national_export(user=UserFactory(), **APRIL)


def test_code_tables_are_seeded_from_the_public_implementations():
    codes = {(c.kind, c.code): c for c in NationalCode.objects.all()}
    assert codes[("city", "80")].name == "高雄市" and codes[("city", "80")].is_default
    assert codes[("unit", "1")].is_default and codes[("degree_credit", "6")].name == "無"
    assert [codes[("learning_nature", c)].name for c in "123"] == ["數位", "實體", "混成"]
    assert not codes[("city", "81")].is_active  # 高雄縣, merged into 高雄市 in 2010


# --- The page ------------------------------------------------------------------------------------


def _staff_client(client):
    client.force_login(UserFactory(roles=[Role.TRAINING_STAFF]))
    return client


def test_readiness_page_shows_rows_and_who_is_left_out(client, april):
    page = _staff_client(client).get("/reports/national-export/", {"start": "2026-04-01", "end": "2026-04-30"})
    body = page.content.decode()
    assert page.status_code == 200
    assert "將寫入 6 筆" in body and "學員未登錄身分證字號" in body and "數位課程未通過" in body
    assert "A123456789" not in body  # readiness never decrypts
    assert not NationalIdExport.objects.exists()


def test_readiness_list_downloads_as_csv(client, april):
    response = _staff_client(client).get(
        "/reports/national-export/", {"start": "2026-04-01", "end": "2026-04-30", "format": "csv"}
    )
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = _rows(response.content, "utf-8-sig")
    assert rows[0] == ["類型", "員工編號", "姓名", "課程", "班期", "原因"]
    assert ["未列入", "K0003", "陳志強", "政策與管理", "MC-115-01", "學員未登錄身分證字號"] in rows


def test_page_export_downloads_the_big5_file_and_audits_it(client, april):
    response = _staff_client(client).post("/reports/national-export/", {"offering": "MC-115-01"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="lifelong_MC-115-01_T2_0001-0004.csv"'
    audit = NationalIdExport.objects.get()
    assert audit.offering == april["mc"] and audit.row_count == 4
    import hashlib

    assert audit.sha256 == hashlib.sha256(response.content).hexdigest()


@pytest.mark.parametrize(
    ("keys", "message"),
    [
        ([], "尚未設定身分證字號加密金鑰"),
        (["not-a-fernet-key"], "第 1 把格式不正確"),
        ([Fernet.generate_key().decode()], "無法解密 2 筆"),
    ],
    ids=["no key", "malformed key", "wrong key"],
)
def test_a_key_problem_is_a_clear_message_on_the_page_never_a_500_nor_a_file(client, april, settings, keys, message):
    settings.NATIONAL_ID_KEYS = keys
    staff = _staff_client(client)
    page = staff.get("/reports/national-export/")
    assert page.status_code == 200 and message in page.content.decode()
    response = staff.post("/reports/national-export/", {"start": "2026-04-01", "end": "2026-04-30"})
    assert response.status_code == 400 and message in response.content.decode()
    assert "Content-Disposition" not in response
    assert not NationalIdExport.objects.exists()


def test_bad_scope_input_names_the_field(client, april):
    staff = _staff_client(client)
    response = staff.get("/reports/national-export/", {"offering": "NOPE"})
    assert response.status_code == 400 and "查無此班期代碼：NOPE" in response.content.decode()
    response = staff.get("/reports/national-export/", {"start": "2026-13-01", "end": "2026-04-30"})
    assert response.status_code == 400 and "起日格式應為 YYYY-MM-DD" in response.content.decode()
    response = staff.post("/reports/national-export/", {"start": "2026-04-30", "end": "2026-04-01"})
    assert response.status_code == 400 and "結束日期不可早於開始日期" in response.content.decode()
    assert not NationalIdExport.objects.exists()


def test_agency_officers_get_neither_the_page_nor_the_file(client, april):
    officer = AgencyOfficerFactory(agency=april["agency"])
    client.force_login(officer.user)
    assert client.get("/reports/national-export/").status_code == 403
    assert client.post("/reports/national-export/", {"offering": "MC-115-01"}).status_code == 403


def test_manage_py_check_warns_about_a_missing_or_wrong_key(april, settings):
    from reports.checks import national_id_key_decrypts_the_stored_ids, national_id_key_is_set_and_well_formed

    assert national_id_key_is_set_and_well_formed(None) == []
    assert national_id_key_decrypts_the_stored_ids(None) == []
    settings.NATIONAL_ID_KEYS = []
    assert [w.id for w in national_id_key_is_set_and_well_formed(None)] == ["reports.W001"]
    settings.NATIONAL_ID_KEYS = [Fernet.generate_key().decode()]
    assert [w.id for w in national_id_key_decrypts_the_stored_ids(None)] == ["reports.W002"]


def test_national_export_module_keeps_the_byte_writing_in_one_function():
    assert national_export.encode_csv(["a", "b"], [["甲", "1"]], "cp950") == "a,b\r\n甲,1\r\n".encode("cp950")


# --- Code tables in the admin --------------------------------------------------------------------


def test_training_staff_edit_code_tables_and_map_courses_in_the_admin(client):
    client.force_login(UserFactory(roles=[Role.TRAINING_STAFF]))
    assert client.get("/admin/snippets/reports/nationalcode/").status_code == 200
    response = client.post(
        "/admin/snippets/reports/nationalcode/add/",
        {"kind": "course_category", "code": "Z9", "name": "測試類別", "sort_order": 0, "is_active": "on"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    category = NationalCode.objects.get(kind="course_category", code="Z9")
    course = CourseFactory(code="ADM-01", credit_hours=Decimal("3"))
    response = client.post(
        "/admin/snippets/reports/coursenationalcategory/add/",
        {"course": course.pk, "category": category.pk, "hours": "", "sort_order": 0},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert CourseNationalCategory.objects.filter(course=course, category=category).exists()


def test_a_second_default_or_a_bad_mapping_is_refused_in_the_admin(client):
    client.force_login(UserFactory(roles=[Role.TRAINING_STAFF]))
    response = client.post(
        "/admin/snippets/reports/nationalcode/add/",
        {"kind": "city", "code": "99", "name": "測試市", "sort_order": 0, "is_active": "on", "is_default": "on"},
    )
    assert response.status_code == 200 and not NationalCode.objects.filter(code="99").exists()
    course = CourseFactory(code="ADM-02", credit_hours=Decimal("3"))
    category = _category("Z8", "測試類別")
    response = client.post(
        "/admin/snippets/reports/coursenationalcategory/add/",
        {"course": course.pk, "category": category.pk, "hours": "5", "sort_order": 0},
    )
    assert response.status_code == 200 and not CourseNationalCategory.objects.exists()


def test_agency_officers_cannot_edit_code_tables(client):
    officer = AgencyOfficerFactory(agency=AgencyFactory())
    client.force_login(officer.user)
    assert client.get("/admin/snippets/reports/nationalcode/add/").status_code in (302, 403)
