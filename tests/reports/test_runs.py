"""Large reports as Celery tasks with a ReportRun row: progress, file, download link, scope."""

import io

import pytest
from openpyxl import load_workbook

from lms.people.roles import Role
from reports.models import ReportRun
from tests.lms.people.factories import AgencyOfficerFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_requested_run_is_built_after_commit_and_downloadable(client, city, django_capture_on_commit_callbacks):
    officer = AgencyOfficerFactory(agency=city.a)
    client.force_login(officer.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/reports/runs/", {"kind": "noncompliant", "year": 2019, "format": "xlsx"})
    run = ReportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/reports/runs/{run.pk}/"
    assert (run.status, run.progress, run.agency) == ("done", 100, city.a)
    assert client.get(f"/reports/runs/{run.pk}/status/").json() == {"status": "done", "progress": 100, "done": True}
    page = client.get(f"/reports/runs/{run.pk}/").content.decode()
    assert f"/reports/runs/{run.pk}/download/" in page and "<progress" in page
    download = client.get(f"/reports/runs/{run.pk}/download/")
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).worksheets[0]
    numbers = {row[2] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert numbers == {"P1", "P2", "P3"}


def test_an_officer_cannot_run_a_report_for_another_agency(client, city, django_capture_on_commit_callbacks):
    officer = AgencyOfficerFactory(agency=city.a)
    client.force_login(officer.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/reports/runs/", {"kind": "compliance", "year": 2019, "agency": "B"})
    assert response.status_code == 403
    assert not ReportRun.objects.exists()


def test_an_unknown_kind_is_400_and_nothing_is_stored(client, city):
    client.force_login(UserFactory(roles=[Role.TRAINING_STAFF]))
    assert client.post("/reports/runs/", {"kind": "everything", "year": 2019}).status_code == 400
    assert not ReportRun.objects.exists()


def test_someone_elses_run_is_not_found(client, city, django_capture_on_commit_callbacks):
    staff = UserFactory(roles=[Role.TRAINING_STAFF])
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/reports/runs/", {"kind": "center", "year": 2019, "format": "csv"})
    run = ReportRun.objects.get()
    officer = AgencyOfficerFactory(agency=city.b)
    client.force_login(officer.user)
    for suffix in ("", "status/", "download/"):
        assert client.get(f"/reports/runs/{run.pk}/{suffix}").status_code == 404
