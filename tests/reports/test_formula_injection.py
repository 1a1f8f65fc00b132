"""Every export neutralises formula-leading cells (OWASP CSV injection), through the public doors.

Names, course titles and rule names start with each character OWASP lists; every download
(report pages' CSV/XLSX, background runs, the agency API's CSV, the national portal CSV) must
show them quoted, and XLSX must hold them as strings, never as formulas.
"""

import csv
import io

import pytest
from cryptography.fernet import Fernet
from openpyxl import load_workbook
from rest_framework.test import APIClient

from lms.people.roles import Role
from reports.services.national_export import set_national_id
from reports.services.tokens import issue_api_token
from tests.lms.people.factories import AgencyOfficerFactory, UserFactory
from tests.tabular.test_writer import PAYLOADS

pytestmark = pytest.mark.django_db


@pytest.fixture
def planted(city, settings):
    """Each person's name and each rule's name starts with a different formula character."""
    settings.NATIONAL_ID_KEYS = [Fernet.generate_key().decode()]
    payloads = list(PAYLOADS.values())
    for person, payload in zip((city.p1, city.p2, city.p3, city.p4), payloads, strict=False):
        person.name = payload
        person.save()
    for rule, payload in zip((city.r1, city.r2, city.r3, city.r4, city.r5, city.r6), payloads, strict=True):
        rule.name = payload
        rule.save()
    city.courses.ced.title = PAYLOADS["="]
    city.courses.ced.save()
    set_national_id(person=city.p2, national_id="E123456789")
    return city


def _csv_cells(content: bytes) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")) for cell in row]


def _assert_neutralised(cells: list[str], expected: set[str]) -> None:
    quoted = {"'" + payload for payload in expected}
    assert quoted <= set(cells), "every planted value is in the file, quoted"
    assert not set(expected) & set(cells), "no planted value is in the file raw"


def _assert_xlsx_neutralised(content: bytes, expected: set[str]) -> None:
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
    values = {cell.value for cell in cells if isinstance(cell.value, str)}
    assert {("'" + p).replace("\r", "\n") for p in expected} <= values
    assert not any(v.startswith(("=", "+", "-", "@", "\t", "\r", "\n")) for v in values)


@pytest.fixture
def staff(client):
    client.force_login(UserFactory(roles=[Role.TRAINING_STAFF]))


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_noncompliant_list_csv_and_xlsx_quote_formula_names_and_rules(client, staff, planted):
    names = {planted.p1.name, planted.p2.name, planted.p3.name, planted.p4.name}
    for file_format in ("csv", "xlsx"):
        response = client.get("/reports/compliance/", {"year": 2019, "format": file_format, "table": "noncompliant"})
        assert response.status_code == 200
        if file_format == "csv":
            _assert_neutralised(_csv_cells(response.content), names | {planted.r1.name})
        else:
            _assert_xlsx_neutralised(response.content, names | {planted.r1.name})


def test_agency_compliance_download_quotes_formula_rule_names(client, staff, planted):
    rules = {r.name for r in (planted.r1, planted.r2, planted.r3, planted.r4)}
    _assert_neutralised(_csv_cells(client.get("/reports/compliance/", {"year": 2019, "format": "csv"}).content), rules)
    _assert_xlsx_neutralised(client.get("/reports/compliance/", {"year": 2019, "format": "xlsx"}).content, rules)


def test_learner_report_download_quotes_formula_rule_names(client, staff, planted):
    rules = {planted.r1.name, planted.r2.name}
    for file_format in ("csv", "xlsx"):
        response = client.get("/reports/learner/", {"year": 2019, "person": "P1", "format": file_format})
        assert response.status_code == 200
        if file_format == "csv":
            _assert_neutralised(_csv_cells(response.content), rules)
        else:
            _assert_xlsx_neutralised(response.content, rules)


def test_background_run_file_quotes_formula_names(client, staff, planted, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/reports/runs/", {"kind": "noncompliant", "year": 2019, "format": "xlsx"})
    download = client.get(response["Location"] + "download/")
    assert download.status_code == 200
    _assert_xlsx_neutralised(_body(download), {planted.p1.name, planted.p4.name})


def test_agency_api_csv_quotes_formula_names(planted):
    officer = AgencyOfficerFactory(agency=planted.a)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {issue_api_token(user=officer.user).key}")
    response = api.get("/api/agency/noncompliant/", {"year": 2019, "format": "csv"})
    assert response.status_code == 200
    _assert_neutralised(_csv_cells(response.content), {planted.p1.name, planted.p2.name})


def test_national_export_quotes_a_formula_name_and_course_title(client, staff, planted):
    from courses.models import Course
    from reports.models import CourseNationalCategory, NationalCode

    category = NationalCode.objects.create(kind=NationalCode.Kind.COURSE_CATEGORY, code="C1", name="C1")
    CourseNationalCategory.objects.create(course=Course.objects.get(pk=planted.courses.ced.pk), category=category)
    response = client.post(
        "/reports/national-export/",
        {"kind": "lifelong", "encoding": "utf-8", "offering": planted.offerings.ced_2018.code},
    )
    assert response.status_code == 200, response.content.decode()[:2000]
    cells = _csv_cells(response.content)
    _assert_neutralised(cells, {planted.p2.name, planted.courses.ced.title})
    assert "E123456789" in cells
