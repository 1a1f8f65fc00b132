"""Certificates expiring in the next N days per agency: page, CSV/XLSX and API, scoped like every report."""

import datetime as dt
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from rest_framework.test import APIClient

from courses.models import Certificate
from lms.people.roles import Role
from reports.services.tokens import issue_api_token
from tests.courses.factories import CertificationTrackFactory
from tests.lms.people.factories import AgencyFactory, AgencyOfficerFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def expiring():
    today = timezone.localdate()
    parent = AgencyFactory(code="SOC", name="社會局")
    child = AgencyFactory(code="SOC-1", name="社會局所屬甲處", parent=parent)
    parent.refresh_from_db()
    other = AgencyFactory(code="ENV", name="環保局")
    track = CertificationTrackFactory(name="資通安全通識", validity_months=12)

    def cert(agency, days, number):
        person = PersonFactory(agency=agency)
        return Certificate.objects.create(
            person=person,
            kind=Certificate.Kind.CERTIFICATION,
            track=track,
            title=track.name,
            number=number,
            valid_until=today + dt.timedelta(days=days),
        )

    return {
        "parent": parent,
        "child": child,
        "other": other,
        "soon": cert(child, 20, "N-SOC1-20"),
        "later": cert(parent, 80, "N-SOC-80"),
        "far": cert(parent, 200, "N-SOC-200"),
        "elsewhere": cert(other, 10, "N-ENV-10"),
    }


def test_an_officer_sees_only_their_subtree_on_the_page(client, expiring):
    officer = AgencyOfficerFactory(agency=expiring["parent"])
    client.force_login(officer.user)
    page = client.get("/reports/certificates/expiring/", {"days": 90}).content.decode()
    assert "N-SOC1-20" in page and "N-SOC-80" in page
    assert "N-SOC-200" not in page and "N-ENV-10" not in page
    assert client.get("/reports/certificates/expiring/", {"agency": "ENV"}).status_code == 403


def test_staff_download_the_city_as_csv_and_xlsx(client, expiring):
    client.force_login(UserFactory(roles=[Role.TRAINING_STAFF]))
    csv_text = client.get("/reports/certificates/expiring/", {"days": 30, "format": "csv"}).content.decode("utf-8-sig")
    assert csv_text.splitlines()[0].startswith("機關代碼,機關名稱,員工編號,姓名,認證,證書字號")
    assert "N-SOC1-20" in csv_text and "N-ENV-10" in csv_text and "N-SOC-80" not in csv_text
    xlsx = client.get("/reports/certificates/expiring/", {"days": 90, "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    numbers = {row[5] for row in sheet.iter_rows(values_only=True)}
    assert {"N-SOC1-20", "N-SOC-80", "N-ENV-10"} <= numbers and "N-SOC-200" not in numbers


def test_the_api_gives_an_officer_their_subtree(expiring):
    officer = AgencyOfficerFactory(agency=expiring["child"])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {issue_api_token(user=officer.user).key}")
    data = api.get("/api/agency/certificates/expiring/", {"days": 365}).json()
    assert data["agency"] == "SOC-1" and [r["certificate_number"] for r in data["rows"]] == ["N-SOC1-20"]
    assert api.get("/api/agency/certificates/expiring/", {"agency": "SOC"}).status_code == 403
    bad = api.get("/api/agency/certificates/expiring/", {"days": "forever"})
    assert bad.status_code == 400 and "days" in bad.json()


def test_bad_days_on_the_page_is_a_clear_400_and_trainees_are_refused(client, expiring):
    client.force_login(UserFactory(roles=[Role.TRAINING_STAFF]))
    response = client.get("/reports/certificates/expiring/", {"days": "0"})
    assert response.status_code == 400
    client.force_login(UserFactory(roles=[Role.TRAINEE]))
    assert client.get("/reports/certificates/expiring/").status_code == 403


def test_renewed_and_revoked_certificates_are_not_listed(client, expiring):
    Certificate.objects.filter(pk=expiring["soon"].pk).update(superseded_at=timezone.now())
    Certificate.objects.filter(pk=expiring["later"].pk).update(revoked_at=timezone.now())
    client.force_login(UserFactory(roles=[Role.TRAINING_STAFF]))
    page = client.get("/reports/certificates/expiring/", {"days": 90}).content.decode()
    assert "N-SOC1-20" not in page and "N-SOC-80" not in page and "N-ENV-10" in page
