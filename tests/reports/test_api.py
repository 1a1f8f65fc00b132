"""The read-only agency API: token per officer, same figures and scope as the pages, JSON or CSV."""

import pytest
from rest_framework.test import APIClient

from lms.people.roles import Role
from reports.services.tokens import issue_api_token
from tests.lms.people.factories import AgencyOfficerFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer_client(city):
    officer = AgencyOfficerFactory(agency=city.a1)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {issue_api_token(user=officer.user).key}")
    return api


def test_officer_token_returns_their_subtree_as_json(officer_client):
    response = officer_client.get("/api/agency/noncompliant/", {"year": 2019})
    assert response.status_code == 200
    data = response.json()
    assert data["roc_year"] == 108 and data["agency"] == "A1"
    assert {row["employee_number"] for row in data["rows"]} == {"P2", "P3"}
    assert all("national" not in key for row in data["rows"] for key in row)


def test_compliance_figures_match_the_page_builder(officer_client):
    rows = officer_client.get("/api/agency/compliance/", {"year": 2019}).json()["rows"]
    figures = {(r["agency_code"], r["rule_code"]): (r["eligible"], r["compliant"]) for r in rows}
    assert figures[("A1", "R1")] == (2, 1)
    assert ("A", "R1") not in figures


def test_csv_format_uses_zh_hant_headers(officer_client):
    response = officer_client.get("/api/agency/noncompliant/", {"year": 2019, "format": "csv"})
    assert response.status_code == 200
    assert response.content.decode("utf-8-sig").splitlines()[0].startswith("年度（民國）,年度（西元）,員工編號,姓名")


def test_officer_asking_for_a_parent_or_sibling_agency_gets_403(officer_client):
    for code in ("A", "B"):
        response = officer_client.get("/api/agency/noncompliant/", {"year": 2019, "agency": code})
        assert response.status_code == 403
        assert "rows" not in response.json()


def test_bad_year_is_400_and_unknown_agency_404(officer_client):
    assert officer_client.get("/api/agency/compliance/", {"year": "x"}).status_code == 400
    assert officer_client.get("/api/agency/compliance/", {"agency": "NOPE"}).status_code == 404


def test_without_a_token_the_api_refuses(city):
    assert APIClient().get("/api/agency/compliance/").status_code == 401


def test_trainees_get_no_token_and_no_data(city):
    trainee = UserFactory(roles=[Role.TRAINEE])
    with pytest.raises(PermissionError):
        issue_api_token(user=trainee)
    api = APIClient()
    api.force_authenticate(trainee)
    assert api.get("/api/agency/compliance/").status_code == 403


def test_every_endpoint_answers_for_staff(city):
    api = APIClient()
    api.force_authenticate(UserFactory(roles=[Role.TRAINING_STAFF]))
    for name in ("compliance", "noncompliant", "certification", "center"):
        assert api.get(f"/api/agency/{name}/", {"year": 2019}).status_code == 200


def test_openapi_description_lists_the_agency_endpoints(officer_client):
    response = officer_client.get("/api/agency/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    paths = response.json()["paths"] if response["Content-Type"].endswith("json") else {}
    assert "/api/agency/compliance/" in (paths or response.content.decode())
