"""The national lifelong-learning portal CSV: encrypted IDs, 25 columns, ROC dates, hours, audit."""

import csv
import datetime as dt
import io

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured, ValidationError

from courses.models import Course
from lms.people.roles import Role
from reports.models import NationalIdentity, NationalIdExport
from reports.services.national_export import LIFELONG_COLUMNS, build_national_export, set_national_id
from tests.lms.people.factories import AgencyOfficerFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def key(settings):
    settings.NATIONAL_ID_KEYS = [Fernet.generate_key().decode()]


@pytest.fixture
def ids(city):
    set_national_id(person=city.p2, national_id="E123456789")
    set_national_id(person=city.p3, national_id="s223456789")


def _rows(content: bytes):
    return list(csv.reader(io.StringIO(content.decode("cp950"))))


def test_national_ids_are_encrypted_at_rest(ids, city):
    token = bytes(NationalIdentity.objects.get(person=city.p2).token)
    assert b"E123456789" not in token


def test_a_malformed_national_id_is_rejected_and_nothing_is_stored(city):
    with pytest.raises(ValidationError) as excinfo:
        set_national_id(person=city.p1, national_id="123")
    assert set(excinfo.value.message_dict) == {"national_id"}
    assert not NationalIdentity.objects.exists()


@pytest.fixture
def categories(city):
    """Portal category codes for the city's courses (test codes; the real table comes from the portal)."""
    from reports.models import CourseNationalCategory, NationalCode

    for code, course in (("C1", "CED"), ("G1", "GEN"), ("E1", "ENV"), ("P1", "POL")):
        category = NationalCode.objects.create(
            kind=NationalCode.Kind.COURSE_CATEGORY, code=code, name=code, is_environmental=code == "E1"
        )
        CourseNationalCategory.objects.create(course=Course.objects.get(code=course), category=category)


def test_offering_export_has_25_columns_roc_dates_and_classroom_hours_minus_leave(ids, city, categories):
    staff = UserFactory(roles=[Role.TRAINING_STAFF])
    upload = build_national_export(user=staff, offering=city.offerings.ced_2018)
    rows = _rows(upload.content)
    assert rows[0] == LIFELONG_COLUMNS and len(rows[0]) == 25
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["*身分證字號"] == "E123456789"
    assert row["*開課起始日期"] == "107-04-02" and row["*期別"] == "1" and row["*課程類別代碼"] == "C1"
    assert row["*學習性質"] == "2" and row["*實體時數"] == "2" and row["*數位時數"] == "0"
    assert row["出勤上課狀況"] == "缺課1小時"  # leave recorded before leave kinds existed
    audit = upload.audit
    assert (audit.row_count, audit.person_count, audit.exported_by) == (1, 1, staff)


def test_period_export_counts_digital_hours_and_audits_missing_ids(ids, city, categories):
    staff = UserFactory(roles=[Role.TRAINING_STAFF])
    upload = build_national_export(user=staff, start=dt.date(2019, 1, 1), end=dt.date(2019, 12, 31))
    rows = _rows(upload.content)
    by_course = {(r[0], r[20]): r for r in rows[1:]}
    env = by_course[("S223456789", "ENV")]
    assert env[17] == "1" and env[18] == "4" and env[19] == "0"
    assert by_course[("S223456789", "GEN")][15] == "全勤"
    assert "王一" not in upload.content.decode("cp950")
    assert upload.audit.missing_national_ids == 1  # P1 has 2019 records but no national ID on file
    assert NationalIdExport.objects.count() == 1


def test_export_without_a_key_refuses(ids, city, categories, settings):
    settings.NATIONAL_ID_KEYS = []
    with pytest.raises(ImproperlyConfigured):
        build_national_export(user=UserFactory(), offering=city.offerings.ced_2018)
    assert not NationalIdExport.objects.exists()


def test_export_needs_an_offering_or_a_period(city):
    with pytest.raises(ValidationError):
        build_national_export(user=UserFactory())
    assert not NationalIdExport.objects.exists()


def test_only_staff_may_export_and_each_export_is_audited(client, ids, city, categories):
    officer = AgencyOfficerFactory(agency=city.a)
    client.force_login(officer.user)
    assert client.post("/reports/national-export/", {"offering": "CED-107-01"}).status_code == 403
    client.force_login(UserFactory(roles=[Role.TRAINING_STAFF]))
    response = client.post("/reports/national-export/", {"offering": "CED-107-01"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert NationalIdExport.objects.count() == 1
    assert client.post("/reports/national-export/", {"offering": "NOPE"}).status_code == 400
    assert NationalIdExport.objects.count() == 1


def test_national_ids_never_appear_in_pages_reports_or_the_api(client, ids, city):
    client.force_login(UserFactory(roles=[Role.TRAINING_STAFF]))
    for path, params in [
        ("/reports/compliance/", {"year": 2019}),
        ("/reports/compliance/", {"year": 2019, "format": "csv", "table": "noncompliant"}),
        ("/reports/learner/", {"year": 2019, "person": "P2"}),
        ("/api/agency/noncompliant/", {"year": 2019}),
    ]:
        assert "E123456789" not in client.get(path, params).content.decode("utf-8-sig")


def test_import_command_stores_encrypted_ids_or_nothing(tmp_path, city):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    bad = tmp_path / "bad.csv"
    bad.write_text("員工編號,身分證字號\nP1,A123456789\nNOPE,A123456789\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_national_ids", str(bad))
    assert not NationalIdentity.objects.exists()
    good = tmp_path / "good.csv"
    good.write_text("員工編號,身分證字號\nP1,A123456789\n", encoding="utf-8")
    call_command("import_national_ids", str(good))
    assert NationalIdentity.objects.filter(person=city.p1).exists()
