"""Large downloads go to background runs instead of holding a web worker (issue 14), scoped like every door.

A scope with more people than runs.INLINE_DOWNLOAD_MAX_PEOPLE is built by a ReportRun; the
fixture city is small, so the tests lower the limit to make it "large".
"""

import csv
import io

import pytest
from openpyxl import load_workbook

from lms.people.roles import Role
from reports.models import ReportRun
from reports.services import runs
from tests.lms.people.factories import AgencyOfficerFactory, UserFactory

pytestmark = pytest.mark.django_db

NONCOMPLIANT_HEADER = [
    "年度（民國）",
    "年度（西元）",
    "員工編號",
    "姓名",
    "機關代碼",
    "機關名稱",
    "規定代碼",
    "規定",
    "已完成",
    "應達",
    "尚缺",
    "單位",
]


@pytest.fixture
def large_scopes(monkeypatch):
    """Every scope with more than one person counts as too large for the request."""
    monkeypatch.setattr(runs, "INLINE_DOWNLOAD_MAX_PEOPLE", 1)


@pytest.fixture
def staff(client):
    user = UserFactory(roles=[Role.TRAINING_STAFF])
    client.force_login(user)
    return user


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize(
    "url",
    [
        "/reports/compliance/?year=2019&table=noncompliant&format=xlsx",
        "/reports/compliance/?year=2019&table=agencies&format=csv",
        "/reports/certification/?year=2019&format=xlsx",
        "/reports/center/?year=2019&format=csv",
    ],
)
def test_a_large_download_is_not_built_in_the_request_but_sends_back_to_the_page(
    client, staff, city, large_scopes, url
):
    response = client.get(url)
    assert response.status_code == 302
    assert "format=" not in response["Location"] and response["Location"].startswith(url.split("?")[0])
    page = client.get(response["Location"])
    html = page.content.decode()
    assert "改由背景產製" in html
    assert 'action="/reports/runs/"' in html and 'name="format" value="xlsx"' in html
    assert not ReportRun.objects.exists(), "a GET never starts a run"


def test_the_compliance_page_offers_background_buttons_for_a_large_scope_and_links_for_a_small_one(
    client, staff, city, monkeypatch
):
    small = client.get("/reports/compliance/?year=2019").content.decode()
    assert "table=noncompliant&amp;format=xlsx" in small and 'name="kind" value="noncompliant"' not in small
    monkeypatch.setattr(runs, "INLINE_DOWNLOAD_MAX_PEOPLE", 1)
    large = client.get("/reports/compliance/?year=2019").content.decode()
    assert "table=noncompliant&amp;format=xlsx" not in large
    for kind in ("compliance", "noncompliant"):
        for file_format in ("xlsx", "csv"):
            assert f'name="kind" value="{kind}"><input type="hidden" name="format" value="{file_format}"' in large


def test_the_city_noncompliant_list_built_in_the_background_reads_back_as_xlsx_and_csv(
    client, staff, city, large_scopes, django_capture_on_commit_callbacks
):
    files = {}
    for file_format in ("xlsx", "csv"):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/reports/runs/", {"kind": "noncompliant", "year": 2019, "format": file_format})
        run = ReportRun.objects.get(file_format=file_format)
        assert response["Location"] == f"/reports/runs/{run.pk}/"
        assert (run.status, run.progress, run.agency, run.error) == ("done", 100, None, "")
        files[file_format] = _body(client.get(f"/reports/runs/{run.pk}/download/"))

    workbook = load_workbook(io.BytesIO(files["xlsx"]))
    assert workbook.sheetnames == ["報表", "說明"]
    xlsx_rows = [list(row) for row in workbook["報表"].iter_rows(values_only=True)]
    csv_rows = list(csv.reader(io.StringIO(files["csv"].decode("utf-8-sig"))))
    assert xlsx_rows[0] == csv_rows[0] == NONCOMPLIANT_HEADER
    assert {row[2] for row in xlsx_rows[1:]} == {row[2] for row in csv_rows[1:]} == {"P1", "P2", "P3", "P4"}
    assert all(row[0] == 108 and row[1] == 2019 for row in xlsx_rows[1:]), "ROC year 108 beside 2019, as numbers"
    assert all(row[0] == "108" for row in csv_rows[1:])
    assert len(xlsx_rows) == len(csv_rows)
    assert "年度最後一日" in workbook["說明"]["A1"].value


def test_a_run_reports_progress_while_its_rows_are_written(
    client, staff, city, large_scopes, monkeypatch, django_capture_on_commit_callbacks
):
    seen = []
    real_set = runs._set

    def recording_set(run, **fields):
        real_set(run, **fields)
        seen.append(ReportRun.objects.get(pk=run.pk).progress)

    monkeypatch.setattr(runs, "PROGRESS_EVERY_ROWS", 1)
    monkeypatch.setattr(runs, "_set", recording_set)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/reports/runs/", {"kind": "noncompliant", "year": 2019, "format": "csv"})
    assert seen[0] == 10 and seen[-1] == 100
    writing = [p for p in seen if 70 < p <= 95]
    assert writing and writing == sorted(writing), "progress moves forward while the rows are written"


def test_an_officer_cannot_see_or_download_another_agencys_run(client, city, django_capture_on_commit_callbacks):
    officer_b = AgencyOfficerFactory(agency=city.b)
    client.force_login(officer_b.user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/reports/runs/", {"kind": "noncompliant", "year": 2019, "format": "xlsx"})
    run = ReportRun.objects.get()
    assert (run.agency, run.status) == (city.b, "done")
    assert client.get(f"/reports/runs/{run.pk}/download/").status_code == 200

    officer_a = AgencyOfficerFactory(agency=city.a)
    client.force_login(officer_a.user)
    for suffix in ("", "status/", "download/"):
        assert client.get(f"/reports/runs/{run.pk}/{suffix}").status_code == 404
    assert client.post(f"/reports/runs/{run.pk}/retry/").status_code == 404
    assert ReportRun.objects.count() == 1


def test_an_officer_moved_to_another_agency_loses_the_runs_of_the_old_one(
    client, city, django_capture_on_commit_callbacks
):
    officer = AgencyOfficerFactory(agency=city.a)
    client.force_login(officer.user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/reports/runs/", {"kind": "noncompliant", "year": 2019, "format": "csv"})
    run = ReportRun.objects.get()
    assert client.get(f"/reports/runs/{run.pk}/download/").status_code == 200
    officer.agency = city.b
    officer.save()
    assert client.get(f"/reports/runs/{run.pk}/download/").status_code == 404
    assert client.get(f"/reports/runs/{run.pk}/").status_code == 404


def test_an_officer_keeps_their_own_run_of_a_child_agency_and_staff_see_every_run(
    client, city, django_capture_on_commit_callbacks
):
    officer = AgencyOfficerFactory(agency=city.a)
    client.force_login(officer.user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/reports/runs/", {"kind": "noncompliant", "year": 2019, "format": "csv", "agency": "A1"})
    run = ReportRun.objects.get()
    content = _body(client.get(f"/reports/runs/{run.pk}/download/")).decode("utf-8-sig")
    numbers = {row[2] for row in list(csv.reader(io.StringIO(content)))[1:]}
    assert numbers == {"P2", "P3"}, "only the people placed in A1 on the report date"
    client.force_login(UserFactory(roles=[Role.TRAINING_STAFF]))
    assert client.get(f"/reports/runs/{run.pk}/download/").status_code == 200


def test_a_large_download_for_another_agency_is_still_refused(client, city, large_scopes):
    officer = AgencyOfficerFactory(agency=city.a)
    client.force_login(officer.user)
    assert client.get("/reports/compliance/?year=2019&agency=B&table=noncompliant&format=xlsx").status_code == 403
    assert client.post("/reports/runs/", {"kind": "noncompliant", "year": 2019, "agency": "B"}).status_code == 403
    assert not ReportRun.objects.exists()
