"""Pages and downloads: every door applies the same scope (staff: city; officer: subtree; trainee: self)."""

import csv
import io
import re

import pytest
from openpyxl import load_workbook

from lms.people.roles import Role
from tests.lms.people.factories import AgencyOfficerFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    user = UserFactory(roles=[Role.TRAINING_STAFF])
    client.force_login(user)
    return user


@pytest.fixture
def officer_a(client, city):
    officer = AgencyOfficerFactory(agency=city.a, user__email="officer-a@example.kcg.gov.tw")
    client.force_login(officer.user)
    return officer


def _csv(response):
    text = b"".join(response.streaming_content if response.streaming else [response.content]).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_staff_sees_the_whole_city(client, staff, city):
    response = client.get("/reports/compliance/", {"year": 2019})
    assert response.status_code == 200
    body = response.content.decode()
    assert "甲局" in body and "丙局" in body and "陳四" in body
    assert "<svg" in body


def test_roc_years_are_accepted_and_shown(client, staff, city):
    response = client.get("/reports/compliance/", {"year": 108})
    assert response.status_code == 200
    assert "民國 108 年" in response.content.decode()


def test_officer_sees_only_their_subtree(client, officer_a):
    body = client.get("/reports/compliance/", {"year": 2019}).content.decode()
    assert "甲局" in body and "李二" in body
    assert "丙局" not in body and "陳四" not in body


def test_officer_asking_for_another_agency_gets_403_and_no_data(client, officer_a):
    response = client.get("/reports/compliance/", {"year": 2019, "agency": "B"})
    assert response.status_code == 403
    assert "陳四" not in response.content.decode()
    download = client.get(
        "/reports/compliance/", {"year": 2019, "agency": "B", "format": "csv", "table": "noncompliant"}
    )
    assert download.status_code == 403
    for path in ("/reports/certification/", "/reports/center/"):
        assert client.get(path, {"agency": "B"}).status_code == 403


def test_officer_may_narrow_to_a_child_agency(client, officer_a):
    response = client.get("/reports/compliance/", {"year": 2019, "agency": "A1"})
    assert response.status_code == 200
    assert "王一" not in response.content.decode()


def test_officer_download_lists_only_their_people_with_zh_hant_headers(client, officer_a):
    response = client.get("/reports/compliance/", {"year": 2019, "format": "csv", "table": "noncompliant"})
    assert response.status_code == 200
    rows = _csv(response)
    assert rows[0][:4] == ["年度（民國）", "年度（西元）", "員工編號", "姓名"]
    assert {r[2] for r in rows[1:]} == {"P1", "P2", "P3"}


def test_xlsx_download_has_zh_hant_headers(client, staff, city):
    response = client.get("/reports/compliance/", {"year": 2019, "format": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    header = [c.value for c in next(sheet.iter_rows(max_row=1))]
    assert header[:4] == ["年度（民國）", "年度（西元）", "機關代碼", "機關名稱"]


@pytest.mark.parametrize(
    "params",
    [{"year": "abc"}, {"year": "1800"}, {"year": 2019, "format": "pdf"}, {"year": 2019, "format": "csv", "table": "x"}],
)
def test_bad_parameters_get_a_clear_400(client, staff, city, params):
    assert client.get("/reports/compliance/", params).status_code == 400


def test_unknown_agency_is_404(client, staff, city):
    assert client.get("/reports/compliance/", {"agency": "NOPE"}).status_code == 404


def test_trainee_sees_only_their_own_learner_report(client, city):
    user = UserFactory(roles=[Role.TRAINEE])
    city.p2.user = user
    city.p2.save()
    client.force_login(user)
    response = client.get("/reports/learner/", {"year": 2019})
    assert response.status_code == 200 and "李二" in response.content.decode()
    assert client.get("/reports/learner/", {"year": 2019, "person": "P1"}).status_code == 403
    assert client.get("/reports/compliance/").status_code == 403
    assert client.get("/reports/learner/", {"year": 2019, "format": "csv"}).status_code == 200


def test_officer_sees_learners_of_their_subtree_only(client, officer_a):
    assert client.get("/reports/learner/", {"year": 2019, "person": "P2"}).status_code == 200
    assert client.get("/reports/learner/", {"year": 2019, "person": "P4"}).status_code == 403


def test_anonymous_users_are_sent_to_login(client, city):
    response = client.get("/reports/compliance/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_certification_and_center_pages_render_with_downloads(client, staff, city):
    for path in ("/reports/certification/", "/reports/center/"):
        assert client.get(path, {"year": 2019}).status_code == 200
        assert client.get(path, {"year": 2019, "format": "csv"}).status_code == 200
        assert client.get(path, {"year": 2019, "format": "xlsx"}).status_code == 200
    center = _csv(client.get("/reports/center/", {"year": 2019, "format": "csv"}))
    assert center[0][:4] == ["年度（民國）", "年度（西元）", "統計維度", "項目"]


def test_officer_picks_an_agency_from_their_subtree_only(client, officer_a):
    body = client.get("/reports/compliance/", {"year": 2019}).content.decode()
    picker = body.split('name="agency"', 1)[1].split("</select>", 1)[0]
    assert 'value="A"' in picker and 'value="A1"' in picker
    assert 'value="B"' not in picker
    assert 'value=""' not in picker  # the whole city is not theirs to pick


def test_staff_pick_any_agency_or_the_whole_city(client, staff, city):
    body = client.get("/reports/center/", {"year": 2019, "agency": "A1"}).content.decode()
    picker = body.split('name="agency"', 1)[1].split("</select>", 1)[0]
    assert 'value=""' in picker and 'value="B"' in picker
    assert '<option value="A1" selected>' in picker


def test_noncompliant_list_is_filtered_by_rule_and_name(client, staff, city):
    from reports.models import RequirementRule

    def rows(params):
        body = client.get("/reports/compliance/", {"year": 2019, **params}).content.decode()
        table = body.split('id="noncompliant-people"', 1)[1].split("</table>", 1)[0]
        return re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td><td>.*?</td><td>(.*?)</td>", table)

    everyone = rows({})
    assert {name for name, _number, _rule in everyone} >= {"陳四"}
    rule_names = {rule for _name, _number, rule in everyone}
    assert len(rule_names) > 1
    rule = RequirementRule.objects.get(name=sorted(rule_names)[0])
    assert {r for _n, _e, r in rows({"rule": rule.code})} == {rule.name}
    assert {name for name, _n, _r in rows({"q": "P4"})} == {"陳四"}  # by employee number
    assert {name for name, _n, _r in rows({"q": "陳四"})} == {"陳四"}
    body = client.get("/reports/compliance/", {"year": 2019, "q": "不存在的人"}).content.decode()
    assert "沒有符合篩選條件的人員。" in body


def test_noncompliant_list_is_paged(client, staff, city, monkeypatch):
    from reports import views

    monkeypatch.setattr(views, "PEOPLE_PER_PAGE", 2)
    first = client.get("/reports/compliance/", {"year": 2019}).content.decode()
    assert "第 1 頁，共" in first and 'rel="next"' in first
    last = client.get("/reports/compliance/", {"year": 2019, "page": 999}).content.decode()
    assert 'rel="next"' not in last and 'rel="prev"' in last


def test_agency_api_has_a_documentation_page_with_swagger_ui_from_our_static_files(client, officer_a):
    response = client.get("/api/agency/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "機關報表 API 說明" in body
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in body
    assert "https://" not in body.split("<main", 1)[1].split("curl", 1)[0]  # no CDN
    assert "/api/agency/schema/?format=json" in body
    schema = client.get("/api/agency/schema/", {"format": "json"})
    assert schema.status_code == 200
    assert "各機關學習時數達成率" in schema.content.decode("utf-8")


def test_swagger_ui_is_served_from_the_lms_itself():
    from django.contrib.staticfiles import finders

    assert finders.find("vendor/swagger-ui/swagger-ui-bundle.js")
    assert finders.find("vendor/swagger-ui/swagger-ui.css")
